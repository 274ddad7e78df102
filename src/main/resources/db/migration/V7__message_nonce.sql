-- Kofu Hub, version 7: replay protection on the issuance-centre hop (protocol v1.1,
-- jp.kofuhub.issuance.ReplayGuard). Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- One row per request nonce the hub accepted. The nonce is the primary key: two instances that get
-- the same message at the same moment both insert, one wins and the other answers REPLAYED. Each
-- insert is its own short transaction, made after the signature is verified and before the request
-- is read. Rows are kept for twice the replay window (kofu.issuance.replay-window) and then purged by
-- the document-ttl timer: an older message is refused STALE_MESSAGE by its sentAt anyway. No content,
-- only the nonce and two instants.
create table message_nonce (
    -- 16 to 64 characters [A-Za-z0-9_-], chosen by the sender for each message
    nonce        varchar(64)  not null,
    -- the sender's sentAt and the hub's clock when it accepted the message
    sent_at      timestamp with time zone not null,
    received_at  timestamp with time zone not null,
    primary key (nonce)
);

create index message_nonce_received on message_nonce (received_at);
