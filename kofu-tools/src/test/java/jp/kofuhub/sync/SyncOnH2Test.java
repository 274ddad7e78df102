package jp.kofuhub.sync;

import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TestHub.H2.class)
class SyncOnH2Test extends SyncScenarios {}
