-- Kofu Hub, version 6: 本籍地利用登録 applications made at kiosks (jp.kofuhub.koseki.KosekiRegistrations,
-- route request-koseki-registration). Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- The hub owns this table; honseki_registration (V2) stays the KOSEKI source's replica (export record K)
-- and is never written here. An application counts as approved when it is APPROVED here (an operator's
-- decision, /actuator/kosekiregistrations) or when it is PENDING here and the KOSEKI source sent a K
-- record with the same registration_id and status APPROVED; a REJECTED or CANCELLED on either side
-- wins. Only this table has the person's name and birth date (the centre sends them with the request),
-- so a registration made at the counter (a K record without an application) is not usable at kiosks.
-- Names, 本籍 and 筆頭者 are never logged.
create table honseki_application (
    municipality_code  char(6)      not null,
    -- HR- and 12 base32 characters; the koseki side's K record carries the same id
    registration_id    varchar(20)  not null,
    serial             varchar(40)  not null,
    honseki            varchar(400) not null,
    hittosha           varchar(100) not null,
    person_name        varchar(200) not null,
    birth_date         date         not null,
    -- PENDING, APPROVED, REJECTED, CANCELLED
    status             varchar(12)  not null,
    applied_at         timestamp with time zone not null,
    decided_at         timestamp with time zone,
    -- the operator, or KOSEKI when the koseki side's rejection or cancellation was recorded here
    decided_by         varchar(100),
    decision_reason    varchar(400),
    -- SHA-256 hex of serial, 本籍 and 筆頭者 while the application is the open one for them (PENDING or
    -- APPROVED, not overruled); null once it is closed. Unique: two requests for the same serial, 本籍
    -- and 筆頭者 at the same moment, on any instance, end with one application (the idempotency key).
    open_key           char(64),
    primary key (municipality_code, registration_id)
);

create index honseki_application_serial on honseki_application (municipality_code, serial);

-- NULLs are distinct on H2 and PostgreSQL: any number of closed applications, one open per key
create unique index honseki_application_open on honseki_application (municipality_code, open_key);
