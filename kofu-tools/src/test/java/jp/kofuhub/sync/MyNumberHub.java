package jp.kofuhub.sync;

import jp.kofuhub.support.TestHub;

/**
 * Test hubs for {@link MyNumberScenarios}: as {@link TestHub}, but serving the test-only
 * municipalities of {@value #PROFILES} (no production profile prints 個人番号), with inbox and
 * quarantine folders of their own — this is a context of its own next to the shared one, and must
 * never take that one's files. Same databases as {@link TestHub.H2} and {@link TestHub.Postgres};
 * the municipality codes (990001, 990019: prefecture 99 does not exist) are used by no other test
 * class.
 */
final class MyNumberHub {

    static final String PROFILES = "src/test/resources/my-number-municipalities";

    private MyNumberHub() {}

    /** In-memory H2 (the shared test database), own folders, the test-only profiles. */
    static class H2 extends TestHub {
        H2() {
            super(hub("h2-my-number").with("kofu.municipalities.dir", PROFILES));
        }
    }

    /** The embedded PostgreSQL 15 (the shared test server), own folders, the test-only profiles. */
    static class Postgres extends TestHub {
        Postgres() {
            super(hub("postgres-my-number").postgres().with("kofu.municipalities.dir", PROFILES));
        }
    }
}
