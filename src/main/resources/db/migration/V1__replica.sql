-- Kofu Hub replica, version 1: households, residents (current row and history), card-certificate
-- serials, and the sync ledger. Every row carries the municipality's 全国地方公共団体コード: one hub
-- serves several municipalities, and every query names one.
-- The same script runs on H2 (MODE=PostgreSQL) and PostgreSQL 15.

create table household (
    municipality_code   char(6)      not null,
    household_no        varchar(20)  not null,
    head_atena_no       varchar(15),
    postal_code         varchar(8),
    address             varchar(400) not null,
    katagaki            varchar(200),
    household_block     boolean      not null default false,
    source_sequence     bigint       not null,
    primary key (municipality_code, household_no)
);

create table resident (
    municipality_code     char(6)      not null,
    atena_no              varchar(15)  not null,
    history_no            integer      not null,
    household_no          varchar(20)  not null,
    juminhyo_code         varchar(11),
    resident_type         char(1)      not null,
    family_name           varchar(100),
    given_name            varchar(100),
    family_name_kana      varchar(200),
    given_name_kana       varchar(200),
    kana_confirmed        boolean      not null default false,
    kyu_uji               varchar(100),
    kyu_uji_kana          varchar(200),
    alpha_name            varchar(200),
    tsusho                varchar(200),
    tsusho_kana           varchar(200),
    nationality           varchar(100),
    residence_status      varchar(100),
    residence_period_end  date,
    residence_card_no     varchar(12),
    birth_date            date         not null,
    sex                   char(1)      not null,
    relationship          varchar(40)  not null,
    honseki               varchar(400),
    hittosha              varchar(100),
    address_since         date,
    previous_address      varchar(400),
    became_resident_date  date,
    notified_date         date,
    status                varchar(20)  not null,
    person_block          boolean      not null default false,
    support_measure       varchar(12)  not null default 'NONE',
    adult_guardianship    boolean      not null default false,
    change_reason         varchar(20),
    change_date           date,
    change_notified_date  date,
    processed_date        date,
    source_sequence       bigint       not null,
    primary key (municipality_code, atena_no)
);

create index resident_household on resident (municipality_code, household_no);

-- Every snapshot ever received, keyed by (宛名番号, 履歴番号): the registry's change history.
create table resident_history (
    municipality_code     char(6)      not null,
    atena_no              varchar(15)  not null,
    history_no            integer      not null,
    household_no          varchar(20)  not null,
    status                varchar(20)  not null,
    change_reason         varchar(20),
    change_date           date,
    change_notified_date  date,
    processed_date        date,
    source_sequence       bigint       not null,
    primary key (municipality_code, atena_no, history_no)
);

create table card_serial (
    municipality_code  char(6)     not null,
    serial             varchar(40) not null,
    atena_no           varchar(15) not null,
    cert_kind          varchar(8)  not null,
    valid_until        date,
    status             varchar(12) not null,
    source_sequence    bigint      not null,
    primary key (municipality_code, serial)
);

create index card_serial_person on card_serial (municipality_code, atena_no);

-- The last file applied per municipality and source system; the as-of time of the replica.
create table sync_source_state (
    municipality_code  char(6)     not null,
    source_system      varchar(16) not null,
    last_sequence      bigint      not null,
    data_as_of         timestamp with time zone not null,
    applied_at         timestamp with time zone not null,
    primary key (municipality_code, source_system)
);

-- One row per applied file: what makes a repeated file a no-op.
create table sync_file (
    municipality_code  char(6)     not null,
    source_system      varchar(16) not null,
    sequence_no        bigint      not null,
    file_kind          varchar(8)  not null,
    file_name          varchar(200) not null,
    payload_sha256     char(64)    not null,
    record_count       bigint      not null,
    applied_at         timestamp with time zone not null,
    primary key (municipality_code, source_system, sequence_no)
);

-- Running numbers for 発行番号, per municipality and issue date; incremented under a row lock.
create table issue_counter (
    municipality_code  char(6)  not null,
    issue_date         date     not null,
    last_no            bigint   not null,
    primary key (municipality_code, issue_date)
);
