-- Kofu Hub, version 4: the issuance centre's transactions (protocol v1: availability → issue →
-- completion) and the tamper-evident issuance history. Same script on H2 (MODE=PostgreSQL) and
-- PostgreSQL 15.

-- One row per centre transaction id. The PDF itself is never written to the database (nor to its
-- WAL): the instance that made it holds it in memory (DocumentStore) between the issue phase and the
-- completion or the time-to-live; the row records which instance and the PDF's SHA-256. The
-- availability answer (the household's names) is set to null when the transaction ends. What stays
-- are ids, codes, numbers and hashes — never content.
create table issuance_transaction (
    transaction_id      varchar(64)  not null,
    municipality_code   char(6)      not null,
    kind                varchar(20)  not null,
    store_code          varchar(12),
    terminal            varchar(12),
    -- SHA-256 of the canonical issue request (municipality, serial, kind, options): a retry must match
    request_sha256      char(64)     not null,
    -- CHECKED (phase 1 answered), ISSUING (phase 2 in progress), ISSUED (document held), REFUSED,
    -- VOIDED, PRINTED, PRINT_FAILED, CANCELLED, ABANDONED (no completion within the time-to-live)
    state               varchar(16)  not null,
    refusal_code        varchar(40),
    holder_atena        varchar(15),
    issue_number        varchar(40),
    fee                 integer,
    pages               integer,
    printed_options     varchar(200),
    availability_answer text,
    document_sha256     char(64),
    instance_id         varchar(64),
    created_at          timestamp with time zone not null,
    issued_at           timestamp with time zone,
    completed_at        timestamp with time zone,
    primary key (transaction_id)
);

create index issuance_transaction_open on issuance_transaction (state, issued_at);

-- Append-only, one hash chain per municipality: each row carries the hash of the previous row of
-- its municipality and its own hash over its fields and that previous hash (IssuanceHistory).
-- verify-history recomputes the chain and finds an altered, removed or reordered row.
create table issuance_history (
    municipality_code  char(6)      not null,
    seq                bigint       not null,
    recorded_at        timestamp with time zone not null,
    transaction_id     varchar(64)  not null,
    store_code         varchar(12),
    terminal           varchar(12),
    holder_atena       varchar(15),
    kind               varchar(20)  not null,
    printed_options    varchar(200),
    sheets             integer      not null,
    issue_number       varchar(40),
    fee                integer      not null,
    outcome            varchar(16)  not null,
    refusal_code       varchar(40),
    prev_hash          char(64)     not null,
    row_hash           char(64)     not null,
    primary key (municipality_code, seq)
);

create index issuance_history_day on issuance_history (municipality_code, recorded_at);

-- The head of each municipality's chain: locked (select … for update) while a row is appended, so
-- several instances append one after another and the chain never forks.
create table issuance_history_head (
    municipality_code  char(6)   not null,
    seq                bigint    not null,
    row_hash           char(64)  not null,
    primary key (municipality_code)
);
