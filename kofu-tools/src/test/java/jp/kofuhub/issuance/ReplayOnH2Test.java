package jp.kofuhub.issuance;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.H2.class)
class ReplayOnH2Test extends ReplayScenarios {}
