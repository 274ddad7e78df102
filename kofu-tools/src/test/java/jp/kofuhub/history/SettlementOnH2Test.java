package jp.kofuhub.history;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = HistoryHub.H2.class)
class SettlementOnH2Test extends SettlementScenarios {}
