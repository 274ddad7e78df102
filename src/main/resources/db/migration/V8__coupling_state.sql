-- Kofu Hub, version 8: the stop switch of the online coupling (DOMAIN §9, ordinance Art. 9 ¶3;
-- jp.kofuhub.ops.CouplingSwitch). Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- One row per hub deployment (kofu.coupling.deployment): every instance on this database reads it at
-- start and every kofu.coupling.check-period ms, so a switch flipped on one instance stops them all
-- and a suspended hub starts suspended. The row is locked (select … for update) while it changes.
-- Operator ids and reasons are operator text: ids and reasons, never personal data.
create table coupling_state (
    deployment   varchar(64)   not null,
    suspended    boolean       not null,
    -- when the current state began, who set it and why (null until the switch is first used)
    since        timestamp with time zone,
    operator     varchar(64),
    reason       varchar(400),
    primary key (deployment)
);

-- Every suspend and resume is a row of the issuance history of every municipality served (kind
-- COUPLING, outcome SUSPENDED / RESUMED, no fee, no sheets) with who and why. These two columns are
-- null on every other row and are hashed only when set (HistoryChain): existing chains still verify.
alter table issuance_history add column operator varchar(64);
alter table issuance_history add column reason varchar(400);
