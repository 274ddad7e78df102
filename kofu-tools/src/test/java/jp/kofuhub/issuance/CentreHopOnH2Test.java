package jp.kofuhub.issuance;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = CentreHub.class)
class CentreHopOnH2Test extends CentreHopScenarios {}
