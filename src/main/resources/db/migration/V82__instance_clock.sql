-- Kofu Hub, version 82: every instance's clock compared with the database's (issue #22, clock steps).
-- Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- At every heartbeat an instance measures its own clock minus the database's (current_timestamp) and
-- takes the difference out of its clock (jp.kofuhub.issuance.HubClock): the database's clock is the one
-- authority for the 発行番号 day, the replay window and the issuing hours. The last difference
-- measured, in milliseconds (positive: the instance's clock is ahead), is kept here so the operator
-- sees every instance's: select instance_id, clock_skew_ms from hub_instance.
alter table hub_instance add column clock_skew_ms bigint;
