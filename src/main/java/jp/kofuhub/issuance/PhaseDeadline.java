package jp.kofuhub.issuance;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every phase of the centre's conversation has a deadline (issue #22): {@code
 * kofu.issuance.phase-deadline} (20 s) from the moment the route starts, below the web server's
 * async timeout ({@code spring.mvc.async.request-timeout}, 30 s) and the centre's own (60 s). The
 * route calls {@link #start} first and {@link #check} between its steps; past the deadline the
 * phase stops there and answers {@code 503 DEADLINE_PASSED} with {@code retryAfter}. An issue phase
 * that stops so lets go of its claim on the transaction ({@link Transactions#release}): the
 * centre's retry, on any instance, takes it over at once and makes the document — under the number
 * already taken, if any — or answers a documented refusal. Monotonic time ({@link
 * System#nanoTime}): a clock step neither shortens nor lengthens a phase.
 */
public class PhaseDeadline {

    static final String DEADLINE_PASSED = "DEADLINE_PASSED";
    static final String UNAVAILABLE = "UNAVAILABLE";
    private static final Logger LOG = LoggerFactory.getLogger(PhaseDeadline.class);
    static final String PROPERTY = "kofu.phaseDeadline";

    private final Duration deadline;
    private final Transactions transactions;
    private final LongSupplier nanos;

    /** Claims a phase let go of while the database was unreachable: released at the next beat. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public PhaseDeadline(Duration deadline, Transactions transactions) {
        this(deadline, transactions, System::nanoTime);
    }

    PhaseDeadline(Duration deadline, Transactions transactions, LongSupplier nanos) {
        this.deadline = deadline;
        this.transactions = transactions;
        this.nanos = nanos;
    }

    /**
     * The phase starts now: its deadline is set on the exchange, once (a caller that set it already
     * — a route calling another — keeps its own).
     */
    public void start(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) == null) {
            exchange.setProperty(PROPERTY, nanos.getAsLong() + deadline.toNanos());
        }
    }

    /**
     * Throws {@code DEADLINE_PASSED} when the phase is past its deadline, after letting go of the
     * issue phase's claim (variable {@code prepared}, when this instance numbered or took one).
     */
    public void check(Exchange exchange) {
        Long until = exchange.getProperty(PROPERTY, Long.class);
        if (until == null || nanos.getAsLong() - until < 0) {
            return;
        }
        Object prepared = exchange.getVariable("prepared");
        String tx = null;
        if (prepared instanceof PreparedCertificate p && !p.isReplay() && !p.isAgain()) {
            tx = p.getTransaction();
            transactions.release(tx);
        }
        LOG.warn(
                "phase past its deadline of {} at route {}{}: DEADLINE_PASSED",
                deadline,
                exchange.getFromRouteId(),
                tx == null ? "" : ", tx " + tx + " released for a retry");
        throw passed();
    }

    /**
     * The database failed under a phase (unreachable, restarting, a connection cut, a row lock held
     * past {@code kofu.db.lock-timeout-ms}; issue #22): the phase stops with {@code 503
     * UNAVAILABLE} and {@code retryAfter}, and an issue phase lets go of its claim as at its
     * deadline — now, or, when the database cannot be reached for that either, at the next
     * heartbeat that reaches it ({@link #releasePending}) — so the retry on any instance makes the
     * document under the number already taken. The 発行番号 is not voided: nothing about the document
     * is wrong.
     */
    public IssuanceException databaseUnavailable(Exchange exchange) {
        Object prepared = exchange.getVariable("prepared");
        String tx = null;
        if (prepared instanceof PreparedCertificate p && !p.isReplay() && !p.isAgain()) {
            tx = p.getTransaction();
            try {
                transactions.release(tx);
            } catch (RuntimeException stillDown) {
                pending.add(tx);
            }
        }
        LOG.warn(
                "database unavailable at route {}: UNAVAILABLE{}",
                exchange.getFromRouteId(),
                tx == null ? "" : ", tx " + tx + " released for a retry");
        return new IssuanceException(
                UNAVAILABLE,
                503,
                "the hub cannot reach its database now; ask again (a retry of the issue phase gets"
                        + " the document under the same number, or a refusal)",
                Map.of("retryAfter", "2"));
    }

    /**
     * Releases the claims let go of while the database was down (route {@code instance-heartbeat},
     * after the beat).
     */
    public void releasePending() {
        for (String tx : pending) {
            transactions.release(tx);
            pending.remove(tx);
        }
        // and the claims of issue phases that failed before their number, forgotten now
        transactions.forgetPending();
    }

    static IssuanceException passed() {
        return new IssuanceException(
                DEADLINE_PASSED,
                503,
                "the hub could not finish this phase within its deadline; ask again (a retry of"
                        + " the issue phase gets the document under the same number, or a refusal)",
                Map.of("retryAfter", "2"));
    }
}
