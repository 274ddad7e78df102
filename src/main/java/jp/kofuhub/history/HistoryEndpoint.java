package jp.kofuhub.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/history}: the hash chains of the issuance history, checked now.
 *
 * <ul>
 *   <li>{@code GET} — every municipality with history: {@code {"ok": true|false, "municipalities":
 *       [{municipality, rows, ok, firstBadSeq, problem}, …]}};
 *   <li>{@code GET /{municipality}} — one of them (a municipality without history is OK with 0
 *       rows).
 * </ul>
 *
 * Answers carry codes, counts and sequence numbers only, never a row's fields. Each call reads the
 * whole chain. Not yet protected: security for management endpoints arrives with a later issue.
 */
@Endpoint(id = "history")
public class HistoryEndpoint {

    private final IssuanceHistory history;

    public HistoryEndpoint(IssuanceHistory history) {
        this.history = history;
    }

    @ReadOperation
    public Map<String, Object> verifyAll() {
        List<Map<String, Object>> results =
                history.verifyAll().stream().map(HistoryEndpoint::describe).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", results.stream().allMatch(r -> Boolean.TRUE.equals(r.get("ok"))));
        out.put("municipalities", results);
        return out;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> verify(@Selector String municipality) {
        if (municipality == null || !municipality.matches("\\d{6}")) {
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("message", "municipality must be 6 digits");
            return new WebEndpointResponse<>(refused, 400);
        }
        return new WebEndpointResponse<>(describe(history.verify(municipality)), 200);
    }

    static Map<String, Object> describe(IssuanceHistory.VerifyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("municipality", r.municipality());
        m.put("rows", r.rows());
        m.put("ok", r.ok());
        m.put("firstBadSeq", r.firstBadSeq());
        m.put("problem", r.problem());
        return m;
    }
}
