package jp.kofuhub.sync;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = PgpHub.Postgres.class)
class PgpSyncOnPostgresTest extends PgpSyncScenarios {}
