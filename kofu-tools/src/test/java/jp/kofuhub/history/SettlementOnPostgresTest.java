package jp.kofuhub.history;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = HistoryHub.Postgres.class)
class SettlementOnPostgresTest extends SettlementScenarios {}
