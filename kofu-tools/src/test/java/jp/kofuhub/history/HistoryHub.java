package jp.kofuhub.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jp.kofuhub.support.TestHub;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Test hubs for the history and settlement scenarios: as {@link TestHub}, plus
 * <ul>
 * <li>a settlement outbox folder ({@code kofu.settlement.outbox-uri}, read back through
 * {@code kofu.test.settlement-dir});</li>
 * <li>municipality {@value #SETTLED} served, with a copy of the test-only profile 990002 under its own
 * code, so the periodic settlement ({@code direct:settle-pending}) has a municipality of this
 * package's own to settle; 990002's rows belong to other test classes;</li>
 * <li>the settlement timer set to a day, so only the tests trigger settlements.</li>
 * </ul>
 * A context of its own next to the shared one, so it has its own inbox and quarantine folders too
 * (it must never take that one's files); same databases as {@link TestHub.H2} and
 * {@link TestHub.Postgres}. Rows are in this package's own municipalities, 990011 and 990012.
 */
final class HistoryHub {

    static final String SETTLED = "990012";

    private HistoryHub() {
    }

    private static void settlement(ConfigurableApplicationContext ctx) {
        Path outbox = Path.of(ctx.getEnvironment().getRequiredProperty("kofu.test.inbox-dir")).resolveSibling("settlement");
        Path profiles = Path.of(ctx.getEnvironment().getRequiredProperty("kofu.municipalities.dir"));
        try {
            String shiken = Files.readString(profiles.resolve("990002-shiken.yaml"), StandardCharsets.UTF_8);
            Files.writeString(profiles.resolve(SETTLED + "-settled.yaml"),
                    shiken.replace("code: \"990002\"", "code: \"" + SETTLED + "\""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("history-settlement", Map.of(
                "kofu.test.settlement-dir", outbox.toString(),
                "kofu.settlement.outbox-uri", "file:" + outbox,
                "kofu.settlement.check-period", "86400000")));
    }

    /** In-memory H2 (the shared test database), own folders, a settlement outbox folder. */
    static class H2 extends TestHub.H2 {
        @Override
        protected String name() {
            return "h2-history";
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx);
            settlement(ctx);
        }
    }

    /** The embedded PostgreSQL 15 (the shared test server), own folders, a settlement outbox folder. */
    static class Postgres extends TestHub.Postgres {
        @Override
        protected String name() {
            return "postgres-history";
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx);
            settlement(ctx);
        }
    }
}
