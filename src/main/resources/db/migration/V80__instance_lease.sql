-- Kofu Hub, version 80: an instance's claim on a transaction is a lease (issue #22). Same script on
-- H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- Every running hub instance has a row here and renews its heartbeat every
-- kofu.cluster.lease.heartbeat (1 s), in the database's clock (current_timestamp), so a clock step on one
-- instance does not move it. An ISSUING transaction names the instance that claimed it
-- (issuance_transaction.instance_id, V4) and when, in the database's clock (claimed_at). A retry on
-- another instance takes the claim over once the claimant's heartbeat is older than
-- kofu.cluster.lease.timeout (5 s), its row is gone (stopped), or the claim is older than
-- kofu.cluster.lease.claim-limit — then it makes the document again under the same 発行番号.
create table hub_instance (
    -- DocumentStore.instanceId(): a random id per process start
    instance_id   varchar(64) not null,
    started_at    timestamp with time zone not null,
    heartbeat_at  timestamp with time zone not null,
    primary key (instance_id)
);

-- when the instance in instance_id claimed the issue phase (database clock)
alter table issuance_transaction add column claimed_at timestamp with time zone;
