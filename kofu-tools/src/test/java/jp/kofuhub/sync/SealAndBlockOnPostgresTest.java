package jp.kofuhub.sync;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.Postgres.class)
class SealAndBlockOnPostgresTest extends SealAndBlockScenarios {}
