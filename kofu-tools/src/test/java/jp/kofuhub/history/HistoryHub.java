package jp.kofuhub.history;

import java.nio.file.Path;
import java.util.Map;
import jp.kofuhub.support.TestHub;

/**
 * Test hubs for the history and settlement scenarios: as {@link TestHub}, plus
 *
 * <ul>
 *   <li>a settlement outbox folder ({@code kofu.settlement.outbox-uri}, read back through {@code
 *       kofu.test.settlement-dir});
 *   <li>municipality {@value #SETTLED} served, with a copy of the test-only profile 990002 under
 *       its own code, so the periodic settlement ({@code direct:settle-pending}) has a municipality
 *       of this package's own to settle; 990002's rows belong to other test classes;
 *   <li>the settlement timer set to a day, so only the tests trigger settlements.
 * </ul>
 *
 * A context of its own next to the shared one, so it has its own inbox and quarantine folders too
 * (it must never take that one's files); same databases as {@link TestHub.H2} and {@link
 * TestHub.Postgres}. Rows are in this package's own municipalities, 990011 and 990012.
 */
final class HistoryHub {

    static final String SETTLED = "990012";

    private HistoryHub() {}

    private static Map<String, Object> settlement(TestHub.Work w) {
        w.copyProfile("990002-shiken.yaml", SETTLED, "settled");
        Path outbox = w.dir().resolve("settlement");
        return Map.of(
                "kofu.test.settlement-dir",
                outbox.toString(),
                "kofu.settlement.outbox-uri",
                "file:" + outbox,
                "kofu.settlement.check-period",
                "86400000");
    }

    /** In-memory H2 (the shared test database), own folders, a settlement outbox folder. */
    static class H2 extends TestHub {
        H2() {
            super(hub("h2-history").with(HistoryHub::settlement));
        }
    }

    /**
     * The embedded PostgreSQL 15 (the shared test server), own folders, a settlement outbox folder.
     */
    static class Postgres extends TestHub {
        Postgres() {
            super(hub("postgres-history").postgres().with(HistoryHub::settlement));
        }
    }
}
