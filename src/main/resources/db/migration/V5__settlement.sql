-- Kofu Hub, version 5: the daily settlement files (DailySettlement, route daily-settlement). Same
-- script on H2 (MODE=PostgreSQL) and PostgreSQL 15.

-- One row per municipality and day whose settlement file was written to the outbox. Inserted in the
-- transaction that produces the file's content and committed only after the outbox took the file:
-- a day is written once across restarts and instances, and a failed write is tried again.
-- (settlement_day, not "day": DAY is a keyword in H2.)
create table settlement_run (
    municipality_code  char(6)      not null,
    settlement_day     date         not null,
    written_at         timestamp with time zone not null,
    -- SHA-256 of the file as written
    sha256             char(64)     not null,
    primary key (municipality_code, settlement_day)
);
