package jp.kofuhub.ops;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = CouplingHub.H2.class)
class CouplingOnH2Test extends CouplingScenarios {}
