-- Kofu Hub, version 21: the 転入前住所 of each snapshot in the history (issue #18). Same script on H2
-- (MODE=PostgreSQL) and PostgreSQL 15.
--
-- The 住民票 prints as 前住所 the address before the person moved INTO the city, or nothing; never the previous
-- address inside the city before a 転居 (DOMAIN §5). The hub takes it from the person's history: the
-- previous_address of the latest snapshot whose 異動事由 is 転入 (jp.kofuhub.replica.ReplicaReader), so a
-- registry that sends a 転居 snapshot with the old in-city address there (the 異動前住所) does not change
-- what prints. Null in rows stored before this version.
alter table resident_history add column previous_address varchar(400);
