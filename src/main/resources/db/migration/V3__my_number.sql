-- Kofu Hub replica, version 3: 個人番号 (export record type N, contract 1.2). Same script on H2
-- (MODE=PostgreSQL) and PostgreSQL 15.

-- Only for municipalities whose profile prints 個人番号 (printMyNumber): the sync refuses N records
-- of any other municipality, and every JUKI file applied for one of them empties its rows here.
-- Written by JUKI files only; a JUKI FULL replaces it with the municipality's other JUKI tables.
-- Never logged: sync messages name lines and columns, never values.
create table my_number (
    municipality_code  char(6)     not null,
    atena_no           varchar(15) not null,
    my_number          char(12)    not null,
    source_sequence    bigint      not null,
    primary key (municipality_code, atena_no)
);
