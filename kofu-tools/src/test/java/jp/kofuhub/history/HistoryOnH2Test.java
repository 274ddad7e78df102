package jp.kofuhub.history;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = HistoryHub.H2.class)
class HistoryOnH2Test extends HistoryScenarios {}
