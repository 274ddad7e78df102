package jp.kofuhub.ops;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/coupling}: the stop switch of the online coupling ({@link CouplingSwitch}).
 * <ul>
 * <li>{@code GET} — {@code {"suspended": true|false, "since": …, "operator": …, "reason": …, "routes": […]}}
 * (since, operator and reason of the last change, read from the database);</li>
 * <li>{@code POST} with JSON {@code {"action": "suspend" | "resume", "operator": "…", "reason": "…"}}
 * — {@code 200 SUSPENDED / RESUMED}, {@code 200 ALREADY_SUSPENDED / NOT_SUSPENDED} (nothing recorded),
 * {@code 400 REFUSED} for a missing operator, reason or action.</li>
 * </ul>
 */
@Endpoint(id = "coupling")
public class CouplingEndpoint {

    private final CouplingSwitch coupling;
    private final java.util.List<String> routes;

    public CouplingEndpoint(CouplingSwitch coupling, java.util.List<String> routes) {
        this.coupling = coupling;
        this.routes = java.util.List.copyOf(routes);
    }

    @ReadOperation
    public Map<String, Object> state() {
        coupling.align(); // the database's word, and this instance in line with it
        return describe(coupling.state());
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(@Nullable String action, @Nullable String operator,
                                                           @Nullable String reason) {
        String a = action == null ? "" : action.trim().toLowerCase(Locale.ROOT);
        if (!a.equals("suspend") && !a.equals("resume")) {
            return refused("action must be suspend or resume");
        }
        String status;
        try {
            status = a.equals("suspend") ? coupling.suspend(operator, reason) : coupling.resume(operator, reason);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        Map<String, Object> body = describe(coupling.state());
        body.put("outcome", status.split(" ", 2)[0]);
        body.put("message", status);
        return new WebEndpointResponse<>(body, 200);
    }

    private Map<String, Object> describe(CouplingSwitch.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suspended", s.suspended());
        m.put("since", s.since() == null ? null : s.since().toString());
        m.put("operator", s.operator());
        m.put("reason", s.reason());
        m.put("routes", routes);
        return m;
    }

    private static WebEndpointResponse<Map<String, Object>> refused(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", "REFUSED");
        body.put("message", message);
        return new WebEndpointResponse<>(body, 400);
    }
}
