package jp.kofuhub.sync;

import java.util.Map;
import jp.kofuhub.support.TestHub;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Test hubs for {@link MyNumberScenarios}: as {@link TestHub}, but serving the test-only municipalities
 * of {@value #PROFILES} (no production profile prints 個人番号), with inbox and quarantine folders of
 * their own — this is a context of its own next to the shared one, and must never take that one's
 * files. Same databases as {@link TestHub.H2} and {@link TestHub.Postgres}; the municipality codes
 * (990001, 990019: prefecture 99 does not exist) are used by no other test class.
 */
final class MyNumberHub {

    static final String PROFILES = "src/test/resources/my-number-municipalities";

    private MyNumberHub() {
    }

    private static void profiles(ConfigurableApplicationContext ctx) {
        ctx.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("my-number-profiles", Map.of("kofu.municipalities.dir", PROFILES)));
    }

    /** In-memory H2 (the shared test database), own folders, the test-only profiles. */
    static class H2 extends TestHub.H2 {
        @Override
        protected String name() {
            return "h2-my-number";
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx);
            profiles(ctx);
        }
    }

    /** The embedded PostgreSQL 15 (the shared test server), own folders, the test-only profiles. */
    static class Postgres extends TestHub.Postgres {
        @Override
        protected String name() {
            return "postgres-my-number";
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx);
            profiles(ctx);
        }
    }
}
