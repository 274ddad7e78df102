package jp.kofuhub.sync;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = MyNumberHub.Postgres.class)
class MyNumberOnPostgresTest extends MyNumberScenarios {}
