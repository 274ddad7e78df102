-- Kofu Hub replica, version 2: issuance blocks, seal registrations, tax records, 本籍地利用登録,
-- and the sync gap state. Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.

-- 支援措置 (incl. provisional) and 抑止, on a person (atena_no) or a household (household_no).
-- A temporary lift (一時解除) never reaches the replica: only a real removal deletes a row.
create table issuance_block (
    municipality_code  char(6)     not null,
    block_id           varchar(20) not null,
    atena_no           varchar(15),
    household_no       varchar(20),
    block_kind         varchar(32) not null,
    valid_from         date,
    valid_until        date,
    source_sequence    bigint      not null,
    primary key (municipality_code, block_id)
);
create index issuance_block_person on issuance_block (municipality_code, atena_no);
create index issuance_block_household on issuance_block (municipality_code, household_no);

-- 印鑑登録: a cancelled (廃止) registration stays as a row with status CANCELLED and is never certified.
create table seal_registration (
    municipality_code  char(6)     not null,
    registration_no    varchar(20) not null,
    atena_no           varchar(15) not null,
    status             varchar(12) not null,
    name_form          varchar(12) not null,
    registered_date    date        not null,
    cancelled_date     date,
    seal_image         bytea,
    source_sequence    bigint      not null,
    primary key (municipality_code, registration_no)
);
create index seal_registration_person on seal_registration (municipality_code, atena_no);

-- 課税: one row per person and 年度; amounts in yen.
create table tax_record (
    municipality_code  char(6)      not null,
    fiscal_year        integer      not null,
    atena_no           varchar(15)  not null,
    address_jan1       varchar(400),
    resident_jan1      boolean      not null,
    filing_kind        varchar(12)  not null,
    income_salary      bigint       not null,
    income_pension     bigint       not null,
    income_business    bigint       not null,
    income_other       bigint       not null,
    total_income       bigint       not null,
    deductions         bigint       not null,
    taxable_income     bigint       not null,
    city_per_capita    bigint       not null,
    city_income_levy   bigint       not null,
    pref_per_capita    bigint       not null,
    pref_income_levy   bigint       not null,
    non_taxed          boolean      not null,
    source_sequence    bigint       not null,
    primary key (municipality_code, fiscal_year, atena_no)
);

-- 本籍地利用登録: a card serial of a non-resident whose 本籍 is in the city.
create table honseki_registration (
    municipality_code  char(6)      not null,
    registration_id    varchar(20)  not null,
    serial             varchar(40)  not null,
    honseki            varchar(400) not null,
    hittosha           varchar(100) not null,
    status             varchar(12)  not null,
    applied_date       date         not null,
    decided_date       date,
    source_sequence    bigint       not null,
    primary key (municipality_code, registration_id)
);
create index honseki_registration_serial on honseki_registration (municipality_code, serial);

-- a DELTA waiting for its predecessor: the source is stopped until the gap closes
alter table sync_source_state add column waiting_sequence bigint;
alter table sync_source_state add column waiting_since timestamp with time zone;
