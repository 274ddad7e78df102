-- Kofu Hub, version 40 (issue #19): the stop switch's audit is read by kind (./kofu coupling history,
-- GET /actuator/coupling/history; jp.kofuhub.ops.CouplingHistory). The history holds every issuance;
-- the COUPLING rows are few: an index on kind and time finds them without reading the others.
-- Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
create index issuance_history_kind_time on issuance_history (kind, recorded_at);
