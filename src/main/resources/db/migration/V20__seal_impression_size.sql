-- Kofu Hub, version 20: the physical size of a seal impression (issue #18; registry-export.md 1.5, S field
-- impression_mm). Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- The 印鑑登録証明書 prints the 印影 at its real size so it can be compared with the stamped seal: the width
-- and height in millimetres the seal registry measured, of the whole PNG it sends. Null for a registration
-- delivered before contract 1.5 (or without the field): its certificate is refused SEAL_SIZE_UNKNOWN until
-- the registry sends it again with the size.
alter table seal_registration add column impression_width_mm numeric(4,1);
alter table seal_registration add column impression_height_mm numeric(4,1);
