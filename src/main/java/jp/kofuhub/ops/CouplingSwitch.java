package jp.kofuhub.ops;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The stop switch of the online coupling (DOMAIN §9: where leakage or misuse is found or feared,
 * the city stops the coupling). {@link #suspend} stops everything that crosses the hub's boundary
 * at once — the issuance-centre API, the koseki client, the registry sync, the settlement files —
 * and {@link #resume} starts it again. Both ask who and why.
 *
 * <ul>
 *   <li>The state is the {@code coupling_state} row of this deployment (V8), shared by every
 *       instance on the database: it survives a restart (a suspended hub starts suspended, {@link
 *       #align} at start) and the other instances follow it within {@code
 *       kofu.coupling.check-period} (route {@code coupling-watch}).
 *   <li>Every change is one database transaction: the row (locked) and one history row per
 *       municipality served (kind {@code COUPLING}, outcome {@code SUSPENDED}/{@code RESUMED}, no
 *       fee, no sheets, with operator and reason), so the history's hash chains record who stopped
 *       the coupling and why.
 *   <li>While suspended, {@link CouplingFilter} answers every request to the issuance-centre API
 *       503 {@code COUPLING_SUSPENDED}, and {@code CouplingGuard} (issuance) checks {@link
 *       #suspendedNow} before the koseki server is called and before a document is kept, so a
 *       request in flight gets no document either.
 * </ul>
 *
 * <b>One municipality</b> (issue #10, municipalities are tenants): {@link #suspendMunicipality} and
 * {@link #resumeMunicipality} stop and start the coupling of one 団体コード only — its row in {@code
 * municipality_coupling} (V10), one history row in its own chain; no route is touched. While it is
 * suspended its issuance-centre requests are refused 503 {@code COUPLING_SUSPENDED} by {@code
 * CouplingGuard} and {@code KosekiRegistrationService} (the municipality is named inside the
 * possibly sealed body, so not by the filter) before any transaction row is written, its registry
 * export files wait in the inbox ({@link #holdSync}, step {@code hold-suspended} of route {@code
 * registry-sync}) and its settlement is not written ({@code DailySettlement}); every other
 * municipality goes on.
 *
 * <p>Who is recorded is always the authenticated caller, never a typed name (issue #16): the
 * console user ({@code console:<login>}) for the JMX operations, the client certificate ({@code
 * cert:<CN>}) for {@code /actuator/coupling} ({@link CouplingEndpoint}); the Java methods taking an
 * operator are for those two callers only.
 *
 * <p>JMX: {@code jp.kofuhub:type=CouplingSwitch} (Hawtio), operations {@code
 * suspend(reason)}/{@code resume(reason)}, {@code suspendMunicipality(municipality, reason)}/{@code
 * resumeMunicipality(municipality, reason)}, attributes {@code Suspended}, {@code SuspendedSince},
 * {@code SuspendedBy}, {@code Reason}, {@code SuspendedMunicipalities}. Also {@code
 * /actuator/coupling[?municipality=…]} and {@code ./kofu coupling [--municipality …]}. Logs name
 * the operator and the reason's length and hash, never the reason itself.
 */
@ManagedResource(
        objectName = CouplingSwitch.OBJECT_NAME,
        description =
                "Kofu Hub: the stop switch of the online coupling (suspend and resume, audited)")
public class CouplingSwitch implements IssueBlocker {

    public static final String OBJECT_NAME = "jp.kofuhub:type=CouplingSwitch";

    /** The refusal code of requests while the coupling is suspended (HTTP 503). */
    public static final String CODE = "COUPLING_SUSPENDED";

    public static final int MAX_OPERATOR = 64;
    public static final int MAX_REASON = 400;

    private static final Logger LOG = LoggerFactory.getLogger(CouplingSwitch.class);

    /**
     * The state of the switch: suspended or not, since when, by whom, why (null until first used).
     */
    public record State(boolean suspended, OffsetDateTime since, String operator, String reason) {
        static final State NEVER = new State(false, null, null, null);
    }

    private final CouplingStore store;
    private final Clock clock;
    private final String deployment;
    private final CouplingRoutes routes;
    private final Supplier<Optional<String>> caller;
    private volatile State state = State.NEVER;

    /**
     * The municipalities with a {@code municipality_coupling} row, as this instance last read or
     * set them.
     */
    private volatile MunicipalStates municipal = MunicipalStates.NONE;

    /**
     * @param municipalities the codes of the municipalities served: each gets the history row
     * @param deployment this hub deployment's name (its {@code coupling_state} row)
     */
    public CouplingSwitch(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            IssuanceHistory history,
            Supplier<Collection<String>> municipalities,
            Clock clock,
            String deployment,
            CouplingRoutes routes) {
        this(jdbc, tx, history, municipalities, clock, deployment, routes, Optional::empty);
    }

    /**
     * @param caller who calls a JMX operation, as authenticated ({@code console:<login>} for a
     *     console user); empty: nobody authenticated, and the JMX operations refuse
     */
    public CouplingSwitch(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            IssuanceHistory history,
            Supplier<Collection<String>> municipalities,
            Clock clock,
            String deployment,
            CouplingRoutes routes,
            Supplier<Optional<String>> caller) {
        this.store = new CouplingStore(jdbc, tx, history, municipalities, deployment);
        this.clock = clock;
        this.deployment = deployment;
        this.routes = routes;
        this.caller = caller;
    }

    // ---------------------------------------------------------------- operations

    /**
     * Suspends the online coupling: the state row, a SUSPENDED history row per municipality, then
     * the boundary routes of this instance (the others follow within the check period).
     *
     * @return {@code SUSPENDED …} or {@code ALREADY_SUSPENDED …} (nothing recorded) with since and
     *     by whom
     * @throws IllegalArgumentException a blank operator or reason
     */
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
    public synchronized String resume(String operator, String reason) {
        return change(false, operator, reason);
    }

    /**
     * Suspends the online coupling of one municipality only: its {@code municipality_coupling} row
     * and one SUSPENDED history row in its chain, in one transaction. Its requests are refused, its
     * export files wait in the inbox, its settlement waits; other municipalities and the boundary
     * routes go on.
     *
     * @return {@code SUSPENDED …} or {@code ALREADY_SUSPENDED …} (nothing recorded)
     * @throws IllegalArgumentException a municipality this hub does not serve, a blank operator or
     *     reason
     */
    public synchronized String suspendMunicipality(
            String municipality, String operator, String reason) {
        return change(store.served(municipality), true, operator, reason);
    }

    /**
     * Resumes the online coupling of one municipality: its row and one RESUMED history row in its
     * chain. A whole-hub suspension ({@link #suspend}) still holds, if there is one.
     *
     * @return {@code RESUMED …} or {@code NOT_SUSPENDED} (nothing recorded)
     * @throws IllegalArgumentException a municipality this hub does not serve, a blank operator or
     *     reason
     */
    public synchronized String resumeMunicipality(
            String municipality, String operator, String reason) {
        return change(store.served(municipality), false, operator, reason);
    }

    // ---------------------------------------------------------------- JMX operations (the console)

    /**
     * {@link #suspend(String, String)} from the console: the operator recorded is the authenticated
     * caller ({@code console:<login>}), never a typed name.
     *
     * @throws IllegalStateException no authenticated caller
     */
    @ManagedOperation(
            description =
                    "Suspend every route crossing the hub's boundary and refuse new requests"
                            + " (COUPLING_SUSPENDED); recorded in the issuance history with the logged-in console user and the reason")
    @ManagedOperationParameters({
        @ManagedOperationParameter(
                name = "reason",
                description = "why (required, at most 400 characters, no personal data)")
    })
    public String suspend(String reason) {
        return suspend(authenticatedCaller(), reason);
    }

    /** {@link #resume(String, String)} from the console, as the authenticated caller. */
    @ManagedOperation(
            description =
                    "Resume the routes the stop switch suspended and accept requests again;"
                            + " recorded in the issuance history with the logged-in console user and the reason")
    @ManagedOperationParameters({
        @ManagedOperationParameter(
                name = "reason",
                description = "why (required, at most 400 characters, no personal data)")
    })
    public String resume(String reason) {
        return resume(authenticatedCaller(), reason);
    }

    /**
     * {@link #suspendMunicipality(String, String, String)} from the console, as the authenticated
     * caller.
     */
    @ManagedOperation(
            description =
                    "Suspend the online coupling of one municipality (団体コード): its requests are"
                            + " refused (COUPLING_SUSPENDED), its registry files wait, its settlement waits; the others go on."
                            + " Recorded in that municipality's issuance history with the logged-in console user and the reason")
    @ManagedOperationParameters({
        @ManagedOperationParameter(
                name = "municipality",
                description = "the 6-digit 団体コード, e.g. 012343"),
        @ManagedOperationParameter(
                name = "reason",
                description = "why (required, at most 400 characters, no personal data)")
    })
    public String suspendMunicipality(String municipality, String reason) {
        return suspendMunicipality(municipality, authenticatedCaller(), reason);
    }

    /**
     * {@link #resumeMunicipality(String, String, String)} from the console, as the authenticated
     * caller.
     */
    @ManagedOperation(
            description =
                    "Resume the online coupling of one municipality (団体コード); recorded in that"
                            + " municipality's issuance history with the logged-in console user and the reason")
    @ManagedOperationParameters({
        @ManagedOperationParameter(
                name = "municipality",
                description = "the 6-digit 団体コード, e.g. 012343"),
        @ManagedOperationParameter(
                name = "reason",
                description = "why (required, at most 400 characters, no personal data)")
    })
    public String resumeMunicipality(String municipality, String reason) {
        return resumeMunicipality(municipality, authenticatedCaller(), reason);
    }

    private String authenticatedCaller() {
        return caller.get()
                .filter(c -> !c.isBlank())
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "no authenticated caller: the stop switch records who changed it (log in to the console)"));
    }

    /**
     * Whether the coupling is suspended, as this instance last read or set it (no database access).
     */
    public boolean suspended() {
        return state.suspended();
    }

    /**
     * The readiness group's view (health component issuing): suspended means the hub must not
     * issue.
     */
    @Override
    public java.util.Optional<String> blockedBecause() {
        return suspended()
                ? java.util.Optional.of("COUPLING_SUSPENDED (the stop switch)")
                : java.util.Optional.empty();
    }

    /**
     * Health component issuing: the municipalities suspended on their own (the others issue;
     * readiness stays UP).
     */
    @Override
    public Map<String, String> blockedMunicipalities() {
        Map<String, String> out = new TreeMap<>();
        suspendedMunicipalities()
                .forEach(
                        (code, s) ->
                                out.put(
                                        code,
                                        CODE + " since " + s.since() + " by " + s.operator()));
        return out;
    }

    /**
     * Whether the coupling is suspended, read from the database now (any instance may have flipped
     * it).
     */
    public boolean suspendedNow() {
        return store.read().suspended();
    }

    /**
     * Whether the coupling of this municipality is suspended — the whole hub or the municipality
     * alone — as this instance last read or set it (no database access).
     */
    public boolean suspended(String municipality) {
        return suspended() || municipalState(municipality).suspended();
    }

    /**
     * Whether the coupling of this municipality is suspended — the whole hub or the municipality
     * alone — read from the database now with one statement (the issuance path asks this for every
     * request).
     */
    public boolean suspendedNow(String municipality) {
        return store.suspendedNow(municipality);
    }

    /**
     * One municipality's own switch as this instance last read or set it ({@link State#NEVER}-like
     * when unused).
     */
    public State municipalState(String municipality) {
        return municipal.of(municipality);
    }

    /**
     * The municipalities suspended on their own, by code, as this instance last read or set them.
     */
    public Map<String, State> suspendedMunicipalities() {
        return municipal.suspended();
    }

    /**
     * The municipality of a registry export file name ({@code <municipality>_<source>_…}), or
     * empty.
     */
    private static final Pattern FILE_MUNICIPALITY = Pattern.compile("^(\\d{6})_");

    /**
     * Step {@code hold-suspended} of route {@code registry-sync}, before the file is decrypted or
     * read: a file of a suspended municipality (named by the file name, which {@code RegistrySync}
     * later checks against the manifest) is neither applied nor quarantined — {@link
     * MunicipalitySuspendedException} leaves it in the inbox to be tried at a later poll, as a
     * sequence gap does. Files of the other municipalities in the same inbox go on. Memory state:
     * another instance's switch is followed within {@code kofu.coupling.check-period}, as the
     * boundary routes are.
     */
    public void holdSync(String fileName) {
        Matcher m = FILE_MUNICIPALITY.matcher(fileName == null ? "" : fileName);
        if (m.find() && municipalState(m.group(1)).suspended()) {
            throw new MunicipalitySuspendedException(m.group(1), fileName);
        }
    }

    /** The state as this instance last read or set it. */
    public State state() {
        return state;
    }

    /** Reads the state from the database into this instance (no route is touched). */
    public void load() {
        state = store.read();
        municipal = new MunicipalStates(store.readMunicipal());
        municipal
                .byCode()
                .forEach(
                        (code, s) -> {
                            if (s.suspended()) {
                                LOG.warn(
                                        "coupling of municipality {} is SUSPENDED since {} by {}",
                                        code,
                                        s.since(),
                                        s.operator());
                            }
                        });
        if (state.suspended()) {
            LOG.warn(
                    "coupling is SUSPENDED since {} by {}: the issuance-centre API refuses requests",
                    state.since(),
                    state.operator());
        }
    }

    /**
     * Brings this instance in line with the database: its boundary routes suspended while the state
     * row says suspended, the ones it suspended resumed otherwise. Called once Camel has started
     * the routes (a suspended hub starts suspended) and by the route {@code coupling-watch}.
     */
    public synchronized void align() {
        State now = store.read();
        State before = state;
        state = now;
        MunicipalStates municipalBefore = municipal;
        municipal = new MunicipalStates(store.readMunicipal());
        municipal
                .byCode()
                .forEach(
                        (code, s) -> {
                            if (s.suspended() != municipalBefore.of(code).suspended()) {
                                LOG.warn(
                                        "coupling of municipality {} {} on this instance: by {} (from the database)",
                                        code,
                                        s.suspended() ? "SUSPENDED" : "RESUMED",
                                        s.operator());
                            }
                        });
        if (now.suspended()) {
            routes.suspend();
        } else {
            routes.resume();
        }
        if (now.suspended() != before.suspended()) {
            LOG.warn(
                    "coupling {} on this instance: {} by {} (from the database)",
                    now.suspended() ? "SUSPENDED" : "RESUMED",
                    deployment,
                    now.operator());
        }
    }

    // ---------------------------------------------------------------- JMX attributes

    @ManagedAttribute(description = "true while the online coupling is suspended")
    public boolean isSuspended() {
        return suspended();
    }

    @ManagedAttribute(
            description = "when the coupling was suspended (ISO-8601), empty when it is not")
    public String getSuspendedSince() {
        State s = state;
        return s.suspended() && s.since() != null ? s.since().toString() : "";
    }

    @ManagedAttribute(description = "who suspended the coupling, empty when it is not suspended")
    public String getSuspendedBy() {
        State s = state;
        return s.suspended() && s.operator() != null ? s.operator() : "";
    }

    @ManagedAttribute(description = "the municipalities (団体コード) whose own coupling is suspended")
    public String[] getSuspendedMunicipalities() {
        return suspendedMunicipalities().keySet().toArray(String[]::new);
    }

    @ManagedAttribute(
            description = "why the coupling was suspended, empty when it is not suspended")
    public String getReason() {
        State s = state;
        return s.suspended() && s.reason() != null ? s.reason() : "";
    }

    // ---------------------------------------------------------------- the change

    private String change(boolean suspend, String operatorText, String reasonText) {
        return change(null, suspend, operatorText, reasonText);
    }

    /**
     * @param municipality null: the whole hub ({@code coupling_state}); else that municipality's
     *     own row
     */
    private String change(
            String municipality, boolean suspend, String operatorText, String reasonText) {
        String operator = cleanOperator(operatorText);
        String reason = cleanReason(reasonText);
        String verb = suspend ? "SUSPENDED" : "RESUMED";
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean hub = municipality == null;
        String transaction =
                (hub ? CouplingHistory.HUB_PREFIX : CouplingHistory.MUNICIPALITY_PREFIX)
                        + UUID.randomUUID();
        State after = store.change(municipality, suspend, now, operator, reason, transaction, verb);
        boolean changed = after == null;
        State s = changed ? new State(suspend, now, operator, reason) : after;
        String scope = hub ? "" : " of municipality " + municipality;
        if (hub) {
            state = s;
            // this instance's routes follow at once (also when another instance had flipped it
            // already)
            if (suspend) {
                routes.suspend();
            } else {
                routes.resume();
            }
        } else {
            municipal = municipal.with(municipality, s);
        }
        if (!changed) {
            LOG.info(
                    "coupling{} {}: {} asked by {}, no change",
                    scope,
                    suspend ? "suspend" : "resume",
                    suspend ? "already suspended" : "not suspended",
                    operator);
            return suspend
                    ? "ALREADY_SUSPENDED since " + s.since() + " by " + s.operator()
                    : "NOT_SUSPENDED";
        }
        LOG.warn(
                "coupling{} {} by {} (reason: {} characters, sha256 {}), transaction {}",
                scope,
                verb,
                operator,
                reason.length(),
                CouplingText.sha256(reason).substring(0, 16),
                transaction);
        return verb + (hub ? "" : " " + municipality) + " at " + now + " by " + operator;
    }

    // ---------------------------------------------------------------- operator text

    /**
     * The operator id: control and format characters removed, blanks collapsed, at most 64
     * characters.
     */
    public static String cleanOperator(String operator) {
        return CouplingText.cleanOperator(operator);
    }

    /**
     * The reason: control and format characters removed, blanks collapsed, at most 400 characters.
     */
    public static String cleanReason(String reason) {
        return CouplingText.cleanReason(reason);
    }
}
