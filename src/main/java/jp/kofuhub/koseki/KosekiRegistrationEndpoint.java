package jp.kofuhub.koseki;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/kosekiregistrations}: the city's review of 本籍地利用登録 applications made at kiosks.
 *
 * <ul>
 *   <li>{@code GET} — every application waiting for review: {@code {"count": n, "applications":
 *       [{municipality, registrationId, serial, appliedAt, status}, …]}} — ids and times, never a
 *       name, birth date, 本籍 or 筆頭者 (the reviewer reads those in the koseki system);
 *   <li>{@code POST} with JSON {@code {"registrationId": "HR-…", "decision": "APPROVE" | "REJECT",
 *       "operator": "…", "reason": "…"}} ({@code reason} required to reject; {@code municipality}
 *       needed only if the id exists in several) — {@code 200 APPROVED / REJECTED}, {@code 404
 *       NOT_FOUND}, {@code 409 NOT_PENDING} (already decided here or by the koseki side; {@code
 *       status} says how) or {@code AMBIGUOUS}, {@code 400 REFUSED} for a bad call.
 * </ul>
 *
 * Logs ids, the outcome and the operator, never the reason. Not yet protected: security for
 * management endpoints arrives with a later issue.
 */
@Endpoint(id = "kosekiregistrations")
public class KosekiRegistrationEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(KosekiRegistrationEndpoint.class);
    static final int MAX_OPERATOR = 100;
    static final int MAX_REASON = 400;

    private final KosekiRegistrations registrations;

    public KosekiRegistrationEndpoint(KosekiRegistrations registrations) {
        this.registrations = registrations;
    }

    @ReadOperation
    public Map<String, Object> list() {
        List<Map<String, Object>> waiting =
                registrations.waiting().stream().map(KosekiRegistrationEndpoint::describe).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", waiting.size());
        out.put("applications", waiting);
        return out;
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> decide(
            String registrationId,
            String decision,
            String operator,
            @Nullable String reason,
            @Nullable String municipality) {
        String d = decision == null ? "" : decision.strip().toUpperCase(Locale.ROOT);
        if (registrationId == null || !registrationId.matches("[0-9A-Za-z-]{1,20}")) {
            return refused("registrationId is malformed");
        }
        if (!d.equals("APPROVE") && !d.equals("REJECT")) {
            return refused("decision must be APPROVE or REJECT");
        }
        if (operator == null || operator.isBlank() || operator.length() > MAX_OPERATOR) {
            return refused("operator is required (at most " + MAX_OPERATOR + " characters)");
        }
        if (d.equals("REJECT") && (reason == null || reason.isBlank())) {
            return refused("reason is required to reject");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            return refused("reason is longer than " + MAX_REASON + " characters");
        }
        if (municipality != null && !municipality.matches("\\d{6}")) {
            return refused("municipality must be 6 digits");
        }
        KosekiRegistrations.Decision r =
                registrations.decide(
                        municipality,
                        registrationId,
                        d.equals("APPROVE"),
                        operator.strip(),
                        reason == null || reason.isBlank() ? null : reason.strip());
        LOG.info(
                "koseki registration {} {}: {} {} by {}",
                r.municipality() == null ? "-" : r.municipality(),
                registrationId,
                d,
                r.outcome(),
                clean(operator));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", r.outcome().name());
        body.put("registrationId", registrationId);
        body.put("municipality", r.municipality());
        body.put("status", r.status());
        int http =
                switch (r.outcome()) {
                    case APPROVED, REJECTED -> 200;
                    case NOT_FOUND -> 404;
                    case NOT_PENDING, AMBIGUOUS -> 409;
                };
        if (r.outcome() == KosekiRegistrations.Outcome.AMBIGUOUS) {
            body.put("message", "the id exists in several municipalities: give municipality");
        }
        return new WebEndpointResponse<>(body, http);
    }

    private static Map<String, Object> describe(KosekiRegistrations.Application a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("municipality", a.municipality());
        m.put("registrationId", a.registrationId());
        m.put("serial", a.serial());
        m.put("appliedAt", a.appliedAt() == null ? null : a.appliedAt().toInstant().toString());
        m.put("status", a.effectiveStatus());
        return m;
    }

    private static WebEndpointResponse<Map<String, Object>> refused(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", "REFUSED");
        body.put("message", message);
        return new WebEndpointResponse<>(body, 400);
    }

    /** An operator name for the log: one line, at most 100 characters. */
    static String clean(String s) {
        String t = s == null ? "" : s.strip().replaceAll("\\p{Cntrl}", "?");
        return t.length() > MAX_OPERATOR ? t.substring(0, MAX_OPERATOR) + "…" : t;
    }
}
