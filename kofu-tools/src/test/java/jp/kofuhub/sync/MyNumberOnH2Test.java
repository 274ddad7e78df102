package jp.kofuhub.sync;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = MyNumberHub.H2.class)
class MyNumberOnH2Test extends MyNumberScenarios {}
