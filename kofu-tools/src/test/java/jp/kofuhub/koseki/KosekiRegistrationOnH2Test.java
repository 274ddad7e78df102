package jp.kofuhub.koseki;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.H2.class)
class KosekiRegistrationOnH2Test extends KosekiRegistrationScenarios {}
