package jp.kofuhub.koseki;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.Postgres.class)
class KosekiRegistrationOnPostgresTest extends KosekiRegistrationScenarios {}
