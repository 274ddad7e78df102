-- Kofu Hub, version 10: the stop switch per municipality (issue #10: municipalities are tenants;
-- jp.kofuhub.ops.CouplingSwitch#suspendMunicipality). Same script on H2 (MODE=PostgreSQL) and PostgreSQL 15.
--
-- coupling_state (V8) stops the whole hub; a row here stops one municipality (全国地方公共団体コード) of a
-- deployment: its issuance-centre requests are refused COUPLING_SUSPENDED, its registry export files wait
-- in the inbox, its settlement is not written; the other municipalities go on. Every instance on the
-- database reads these rows at start and every kofu.coupling.check-period ms (route coupling-watch); the
-- issuance path reads them for each request. A row is locked (select … for update) while it changes.
-- Each change is also one COUPLING history row, in that municipality's chain only.
create table municipality_coupling (
    deployment        varchar(64)   not null,
    municipality_code char(6)       not null,
    suspended         boolean       not null,
    -- when the current state began, who set it and why (operator text: ids and reasons, no personal data)
    since             timestamp with time zone,
    operator          varchar(64),
    reason            varchar(400),
    primary key (deployment, municipality_code)
);
