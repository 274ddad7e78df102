-- Kofu Hub, version 9: several hub instances on one database (issue #10). Same script on H2
-- (MODE=PostgreSQL) and PostgreSQL 15.
--
-- A certificate is still never written to the database: the instance that made it holds it in memory
-- (DocumentStore). A retried issue phase that reaches another instance makes the same document again
-- from the replica, and may answer it only if it is the same: these columns say what "the same" is.
-- Digests and a date only — never content.
-- SHA-256 of the data document (the draft) the numbered PDF was made from
alter table issuance_transaction add column data_sha256 char(64);
-- SHA-256 of the XSL-FO the PDF was rendered from (data + 発行番号 + the templates): an instance
-- with other templates lays out differently and must not answer; null for 戸籍 (relayed, not laid out)
alter table issuance_transaction add column layout_sha256 char(64);
-- the day the document was drafted as of: its 発行日, printed on it, and the day of its eligibility
alter table issuance_transaction add column issue_date date;
