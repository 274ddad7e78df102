package jp.kofuhub.history;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = HistoryHub.Postgres.class)
class HistoryOnPostgresTest extends HistoryScenarios {}
