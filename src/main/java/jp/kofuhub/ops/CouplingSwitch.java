package jp.kofuhub.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;
import jp.kofuhub.history.HistoryEntry;
import jp.kofuhub.history.IssuanceHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stop switch of the online coupling (DOMAIN §9: where leakage or misuse is found or feared, the
 * city stops the coupling). {@link #suspend} stops everything that crosses the hub's boundary at
 * once — the issuance-centre API, the koseki client, the registry sync, the settlement files — and
 * {@link #resume} starts it again. Both ask who and why.
 * <ul>
 * <li>The state is the {@code coupling_state} row of this deployment (V8), shared by every instance on
 * the database: it survives a restart (a suspended hub starts suspended, {@link #align} at start) and
 * the other instances follow it within {@code kofu.coupling.check-period} (route {@code coupling-watch}).</li>
 * <li>Every change is one database transaction: the row (locked) and one history row per municipality
 * served (kind {@code COUPLING}, outcome {@code SUSPENDED}/{@code RESUMED}, no fee, no sheets, with
 * operator and reason), so the history's hash chains record who stopped the coupling and why.</li>
 * <li>While suspended, {@link CouplingFilter} answers every request to the issuance-centre API 503
 * {@code COUPLING_SUSPENDED}, and {@code IssuanceService} checks {@link #suspendedNow} before the koseki
 * server is called and before a document is kept, so a request in flight gets no document either.</li>
 * </ul>
 * JMX: {@code jp.kofuhub:type=CouplingSwitch} (Hawtio), operations {@code suspend}/{@code resume},
 * attributes {@code Suspended}, {@code SuspendedSince}, {@code SuspendedBy}, {@code Reason}. Also
 * {@code /actuator/coupling} and {@code ./kofu coupling}. Logs name the operator and the reason's
 * length and hash, never the reason itself.
 */
@ManagedResource(objectName = CouplingSwitch.OBJECT_NAME,
        description = "Kofu Hub: the stop switch of the online coupling (suspend and resume, audited)")
public class CouplingSwitch {

    public static final String OBJECT_NAME = "jp.kofuhub:type=CouplingSwitch";

    /** The refusal code of requests while the coupling is suspended (HTTP 503). */
    public static final String CODE = "COUPLING_SUSPENDED";

    public static final int MAX_OPERATOR = 64;
    public static final int MAX_REASON = 400;

    private static final Logger LOG = LoggerFactory.getLogger(CouplingSwitch.class);

    /** The state of the switch: suspended or not, since when, by whom, why (null until first used). */
    public record State(boolean suspended, OffsetDateTime since, String operator, String reason) {
        static final State NEVER = new State(false, null, null, null);
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final IssuanceHistory history;
    private final Supplier<Collection<String>> municipalities;
    private final Clock clock;
    private final String deployment;
    private final CouplingRoutes routes;
    private volatile State state = State.NEVER;

    /**
     * @param municipalities the codes of the municipalities served: each gets the history row
     * @param deployment     this hub deployment's name (its {@code coupling_state} row)
     */
    public CouplingSwitch(JdbcTemplate jdbc, TransactionTemplate tx, IssuanceHistory history,
                          Supplier<Collection<String>> municipalities, Clock clock, String deployment,
                          CouplingRoutes routes) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.history = history;
        this.municipalities = municipalities;
        this.clock = clock;
        this.deployment = deployment;
        this.routes = routes;
    }

    // ---------------------------------------------------------------- operations

    /**
     * Suspends the online coupling: the state row, a SUSPENDED history row per municipality, then the
     * boundary routes of this instance (the others follow within the check period).
     *
     * @return {@code SUSPENDED …} or {@code ALREADY_SUSPENDED …} (nothing recorded) with since and by whom
     * @throws IllegalArgumentException a blank operator or reason
     */
    @ManagedOperation(description = "Suspend every route crossing the hub's boundary and refuse new requests"
            + " (COUPLING_SUSPENDED); recorded in the issuance history with who and why")
    @ManagedOperationParameters({
        @ManagedOperationParameter(name = "operator", description = "who suspends (operator id, required)"),
        @ManagedOperationParameter(name = "reason", description = "why (required, at most 400 characters, no personal data)")})
    public synchronized String suspend(String operator, String reason) {
        return change(true, operator, reason);
    }

    /**
     * Resumes the online coupling: the state row, a RESUMED history row per municipality, then the
     * routes this instance suspended.
     *
     * @return {@code RESUMED …} or {@code NOT_SUSPENDED} (nothing recorded)
     * @throws IllegalArgumentException a blank operator or reason
     */
    @ManagedOperation(description = "Resume the routes the stop switch suspended and accept requests again;"
            + " recorded in the issuance history with who and why")
    @ManagedOperationParameters({
        @ManagedOperationParameter(name = "operator", description = "who resumes (operator id, required)"),
        @ManagedOperationParameter(name = "reason", description = "why (required, at most 400 characters, no personal data)")})
    public synchronized String resume(String operator, String reason) {
        return change(false, operator, reason);
    }

    /** Whether the coupling is suspended, as this instance last read or set it (no database access). */
    public boolean suspended() {
        return state.suspended();
    }

    /** Whether the coupling is suspended, read from the database now (any instance may have flipped it). */
    public boolean suspendedNow() {
        return read().suspended();
    }

    /** The state as this instance last read or set it. */
    public State state() {
        return state;
    }

    /** Reads the state from the database into this instance (no route is touched). */
    public void load() {
        state = read();
        if (state.suspended()) {
            LOG.warn("coupling is SUSPENDED since {} by {}: the issuance-centre API refuses requests",
                    state.since(), state.operator());
        }
    }

    /**
     * Brings this instance in line with the database: its boundary routes suspended while the state
     * row says suspended, the ones it suspended resumed otherwise. Called once Camel has started the
     * routes (a suspended hub starts suspended) and by the route {@code coupling-watch}.
     */
    public synchronized void align() {
        State now = read();
        State before = state;
        state = now;
        if (now.suspended()) {
            routes.suspend();
        } else {
            routes.resume();
        }
        if (now.suspended() != before.suspended()) {
            LOG.warn("coupling {} on this instance: {} by {} (from the database)", now.suspended() ? "SUSPENDED" : "RESUMED",
                    deployment, now.operator());
        }
    }

    // ---------------------------------------------------------------- JMX attributes

    @ManagedAttribute(description = "true while the online coupling is suspended")
    public boolean isSuspended() {
        return suspended();
    }

    @ManagedAttribute(description = "when the coupling was suspended (ISO-8601), empty when it is not")
    public String getSuspendedSince() {
        State s = state;
        return s.suspended() && s.since() != null ? s.since().toString() : "";
    }

    @ManagedAttribute(description = "who suspended the coupling, empty when it is not suspended")
    public String getSuspendedBy() {
        State s = state;
        return s.suspended() && s.operator() != null ? s.operator() : "";
    }

    @ManagedAttribute(description = "why the coupling was suspended, empty when it is not suspended")
    public String getReason() {
        State s = state;
        return s.suspended() && s.reason() != null ? s.reason() : "";
    }

    // ---------------------------------------------------------------- the change

    private String change(boolean suspend, String operatorText, String reasonText) {
        String operator = cleanOperator(operatorText);
        String reason = cleanReason(reasonText);
        String verb = suspend ? "SUSPENDED" : "RESUMED";
        OffsetDateTime now = OffsetDateTime.now(clock);
        String transaction = "COUPLING-" + UUID.randomUUID();
        State after = tx.execute(s -> {
            jdbc.update("insert into coupling_state (deployment, suspended) values (?, false) on conflict do nothing",
                    deployment);
            State current = jdbc.query("select suspended, since, operator, reason from coupling_state where deployment = ?"
                    + " for update", rs -> rs.next() ? state(rs) : State.NEVER, deployment);
            if (current.suspended() == suspend) {
                return current; // nothing changes, nothing is recorded
            }
            jdbc.update("update coupling_state set suspended = ?, since = ?, operator = ?, reason = ? where deployment = ?",
                    suspend, now, operator, reason, deployment);
            for (String m : municipalities.get().stream().sorted().toList()) {
                history.append(new HistoryEntry(m, now, transaction, null, null, null, IssuanceHistory.COUPLING, null,
                        0, null, 0, verb, null, operator, reason));
            }
            return null;
        });
        boolean changed = after == null;
        state = changed ? new State(suspend, now, operator, reason) : after;
        // this instance's routes follow at once (also when another instance had flipped it already)
        if (suspend) {
            routes.suspend();
        } else {
            routes.resume();
        }
        State s = state;
        if (!changed) {
            LOG.info("coupling {}: {} asked by {}, no change", suspend ? "suspend" : "resume", suspend
                    ? "already suspended" : "not suspended", operator);
            return suspend ? "ALREADY_SUSPENDED since " + s.since() + " by " + s.operator() : "NOT_SUSPENDED";
        }
        LOG.warn("coupling {} by {} (reason: {} characters, sha256 {}), transaction {}", verb, operator,
                reason.length(), sha256(reason).substring(0, 16), transaction);
        return verb + " at " + now + " by " + operator;
    }

    private State read() {
        return jdbc.query("select suspended, since, operator, reason from coupling_state where deployment = ?",
                rs -> rs.next() ? state(rs) : State.NEVER, deployment);
    }

    private static State state(ResultSet rs) throws SQLException {
        return new State(rs.getBoolean(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3), rs.getString(4));
    }

    // ---------------------------------------------------------------- operator text

    /** The operator id: control and format characters removed, blanks collapsed, at most 64 characters. */
    public static String cleanOperator(String operator) {
        String s = clean(operator, MAX_OPERATOR);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("operator is required: who suspends or resumes the coupling");
        }
        return s;
    }

    /** The reason: control and format characters removed, blanks collapsed, at most 400 characters. */
    public static String cleanReason(String reason) {
        String s = clean(reason, MAX_REASON);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("reason is required: why the coupling is suspended or resumed"
                    + " (no personal data)");
        }
        return s;
    }

    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean invisible = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            if (invisible || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
            } else {
                b.appendCodePoint(cp);
            }
        });
        String s = b.toString().strip();
        if (s.length() > max) {
            int end = max;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--; // never cut a character in half
            }
            s = s.substring(0, end).strip();
        }
        return s;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
