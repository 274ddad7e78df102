package jp.kofuhub.issuance;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.Postgres.class)
class IssuanceOnPostgresTest extends IssuanceScenarios {}
