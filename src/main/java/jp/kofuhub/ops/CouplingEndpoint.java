package jp.kofuhub.ops;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/coupling}: the stop switch of the online coupling ({@link CouplingSwitch}).
 *
 * <ul>
 *   <li>{@code GET} — {@code {"suspended": true|false, "since": …, "operator": …, "reason": …,
 *       "routes": […], "municipalities": {"012343": {"suspended": true, "since": …, "operator": …,
 *       "reason": …}, …}}} (the whole hub's switch, then every municipality suspended on its own;
 *       read from the database);
 *   <li>{@code GET ?municipality=012343} — that municipality's own switch, plus {@code
 *       "hubSuspended"} and {@code "effective"} (suspended by either);
 *   <li>{@code POST} with JSON {@code {"action": "suspend" | "resume", "reason": "…"}}, and {@code
 *       "municipality": "012343"} to switch that municipality only; the operator recorded is the
 *       caller's client certificate ({@code cert:<CN>}), never a name in the body (an {@code
 *       "operator"} there is ignored) — {@code 200 SUSPENDED / RESUMED}, {@code 200
 *       ALREADY_SUSPENDED / NOT_SUSPENDED} (nothing recorded), {@code 400 REFUSED} for a missing
 *       reason or action or a municipality this hub does not serve;
 *   <li>{@code GET /history[?municipality=012343][&limit=50]} — the audit (issue #19): every
 *       suspend and resume, newest first, {@code {"events": [{"at", "action": "SUSPENDED" |
 *       "RESUMED", "scope": "HUB" | "MUNICIPALITY", "operator", "reason", "municipalities": […],
 *       "transactionId"}, …]}} from the history rows ({@link CouplingHistory}); limit 1…500,
 *       default 50.
 * </ul>
 */
@Endpoint(id = "coupling")
public class CouplingEndpoint {

    /**
     * Recorded as the operator when the hub runs without TLS (dev profile): no certificate names
     * anyone.
     */
    public static final String NO_TLS = "anonymous:no-tls";

    private final CouplingSwitch coupling;
    private final java.util.List<String> routes;
    private final java.util.function.Supplier<String> caller;
    private final CouplingHistory history;

    /**
     * @param caller the authenticated caller of the current request ({@code cert:<CN>})
     */
    public CouplingEndpoint(
            CouplingSwitch coupling,
            java.util.List<String> routes,
            java.util.function.Supplier<String> caller,
            CouplingHistory history) {
        this.coupling = coupling;
        this.history = history;
        this.routes = java.util.List.copyOf(routes);
        this.caller = caller;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> state(@Nullable String municipality) {
        coupling.align(); // the database's word, and this instance in line with it
        if (municipality == null || municipality.isBlank()) {
            return new WebEndpointResponse<>(describe(coupling.state()), 200);
        }
        String code = municipality.trim();
        if (!code.matches("\\d{6}")) {
            return refused("municipality must be a 6-digit code");
        }
        return new WebEndpointResponse<>(describe(code), 200);
    }

    /** {@code GET /actuator/coupling/history}: the audit of the switch, newest first. */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> history(
            @Selector String what, @Nullable String municipality, @Nullable String limit) {
        if (!"history".equals(what)) {
            return new WebEndpointResponse<>(404);
        }
        String code = municipality == null || municipality.isBlank() ? null : municipality.trim();
        if (code != null && !code.matches("\\d{6}")) {
            return refused("municipality must be a 6-digit code");
        }
        int n = 50;
        if (limit != null && !limit.isBlank()) {
            if (!limit.trim().matches("\\d{1,3}")
                    || Integer.parseInt(limit.trim()) < 1
                    || Integer.parseInt(limit.trim()) > CouplingHistory.MAX_LIMIT) {
                return refused("limit must be 1 to " + CouplingHistory.MAX_LIMIT);
            }
            n = Integer.parseInt(limit.trim());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (code != null) {
            body.put("municipality", code);
        }
        body.put(
                "events",
                history.events(code, n).stream().map(CouplingHistory.Event::describe).toList());
        return new WebEndpointResponse<>(body, 200);
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(
            @Nullable String action, @Nullable String reason, @Nullable String municipality) {
        String a = action == null ? "" : action.trim().toLowerCase(Locale.ROOT);
        if (!a.equals("suspend") && !a.equals("resume")) {
            return refused("action must be suspend or resume");
        }
        boolean one = municipality != null && !municipality.isBlank();
        String operator = caller.get();
        String status;
        try {
            if (one) {
                status =
                        a.equals("suspend")
                                ? coupling.suspendMunicipality(municipality, operator, reason)
                                : coupling.resumeMunicipality(municipality, operator, reason);
            } else {
                status =
                        a.equals("suspend")
                                ? coupling.suspend(operator, reason)
                                : coupling.resume(operator, reason);
            }
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        Map<String, Object> body = one ? describe(municipality.trim()) : describe(coupling.state());
        body.put("outcome", status.split(" ", 2)[0]);
        body.put("message", status);
        return new WebEndpointResponse<>(body, 200);
    }

    private Map<String, Object> describe(CouplingSwitch.State s) {
        Map<String, Object> m = fields(s);
        m.put("routes", routes);
        Map<String, Object> municipalities = new LinkedHashMap<>();
        coupling.suspendedMunicipalities()
                .forEach((code, ms) -> municipalities.put(code, fields(ms)));
        m.put("municipalities", municipalities);
        return m;
    }

    /** One municipality's own switch, and whether it is suspended at all (its own or the hub's). */
    private Map<String, Object> describe(String municipality) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("municipality", municipality);
        m.putAll(fields(coupling.municipalState(municipality)));
        m.put("hubSuspended", coupling.suspended());
        m.put("effective", coupling.suspended(municipality) ? "SUSPENDED" : "ACTIVE");
        return m;
    }

    private static Map<String, Object> fields(CouplingSwitch.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suspended", s.suspended());
        m.put("since", s.since() == null ? null : s.since().toString());
        m.put("operator", s.operator());
        m.put("reason", s.reason());
        return m;
    }

    private static WebEndpointResponse<Map<String, Object>> refused(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", "REFUSED");
        body.put("message", message);
        return new WebEndpointResponse<>(body, 400);
    }
}
