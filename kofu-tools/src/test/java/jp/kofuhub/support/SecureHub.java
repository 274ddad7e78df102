package jp.kofuhub.support;

import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A test hub like {@link TestHub.H2} (its own in-memory database and folders, so it never shares
 * rows or an inbox with the plain H2 hub that Spring caches beside it) whose listener is the real
 * one: HTTPS with client certificates (mutual TLS) from the run's demo key set {@link TestHub#KEYS}
 * and the client-certificate filter on.
 */
public class SecureHub extends TestHub {

    @Override
    protected String name() {
        return "h2-tls";
    }

    @Override
    protected Map<String, Object> datasource() {
        return Map.of("spring.datasource.url", "jdbc:h2:mem:kofu-test-tls;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "spring.datasource.username", "sa",
                "spring.datasource.password", "");
    }

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        super.initialize(ctx);
        ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("secure-hub",
                Map.of("server.ssl.enabled", "true")));
    }
}
