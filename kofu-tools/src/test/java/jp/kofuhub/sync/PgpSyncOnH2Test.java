package jp.kofuhub.sync;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = PgpHub.H2.class)
class PgpSyncOnH2Test extends PgpSyncScenarios {}
