package jp.kofuhub.ops;

import java.util.Map;
import jp.kofuhub.support.TestHub;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The stop switch's own test hub: a suspended hub refuses every request, so it must never be a
 * context other test classes share. Its own in-memory database (its own {@code coupling_state} row
 * and history chains) and folders, and a short check period for the watcher.
 */
final class CouplingHub {

    private CouplingHub() {
    }

    static void watchFast(ConfigurableApplicationContext ctx) {
        ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("coupling-hub", Map.of(
                "kofu.coupling.check-period", "300",
                // @SpringBootTest turns JMX off; this hub exports the switch as config/application.yaml does
                "spring.jmx.enabled", "true",
                "kofu.coupling.route-timeout-seconds", "5")));
    }

    /** In-memory H2 of its own. */
    static class H2 extends TestHub.H2 {
        @Override
        protected String name() {
            return "h2-coupling";
        }

        @Override
        protected Map<String, Object> datasource() {
            return Map.of("spring.datasource.url", "jdbc:h2:mem:kofu-test-coupling;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "spring.datasource.username", "sa",
                    "spring.datasource.password", "");
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx);
            watchFast(ctx);
        }
    }
}
