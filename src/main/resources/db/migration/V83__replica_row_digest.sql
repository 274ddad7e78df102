-- Issue #20 item 4: a digest of each replica row's content as a FULL wrote it (MD5 of the row's
-- values, source_sequence excluded; CopySink), so the monthly FULL over a loaded replica compares
-- 16 bytes per row instead of every column. Rows written by a DELTA carry none (null) and are always
-- rewritten by the next FULL. Nothing may change a row's content in place and keep its digest: the
-- replica is written only by inserts and deletes (ArchitectureTest).
alter table household add column row_digest uuid;
alter table resident add column row_digest uuid;
alter table card_serial add column row_digest uuid;
alter table my_number add column row_digest uuid;
alter table issuance_block add column row_digest uuid;
alter table seal_registration add column row_digest uuid;
alter table tax_record add column row_digest uuid;
alter table honseki_registration add column row_digest uuid;
