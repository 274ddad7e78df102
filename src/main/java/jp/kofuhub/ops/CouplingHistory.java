package jp.kofuhub.ops;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.kofuhub.history.IssuanceHistory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The stop switch's audit, read from the issuance history (kind {@code COUPLING}): every suspend
 * and resume, newest first, with when, what, who (the authenticated operator: {@code
 * console:<login>} or {@code cert:<CN>}), why, and which municipalities it concerned. A whole-hub
 * change is one row in every municipality's chain with one transaction id; it is shown as one
 * event. Read-only; the chains themselves are checked by {@code verify-history}.
 */
public class CouplingHistory {

    /** Transaction id prefix of a whole-hub change (since issue #19). */
    static final String HUB_PREFIX = "COUPLING-HUB-";

    /** Transaction id prefix of one municipality's change (since issue #19). */
    static final String MUNICIPALITY_PREFIX = "COUPLING-MUN-";

    /** At most this many events per answer. */
    public static final int MAX_LIMIT = 500;

    private final JdbcTemplate jdbc;

    public CouplingHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One suspend or resume.
     *
     * @param scope {@code HUB} (the whole hub) or {@code MUNICIPALITY} (one municipality's own
     *     switch)
     * @param municipalities the chains it was recorded in (with a municipality filter: that one)
     */
    public record Event(
            OffsetDateTime at,
            String action,
            String scope,
            String operator,
            String reason,
            List<String> municipalities,
            String transactionId) {

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at.toString());
            m.put("action", action);
            m.put("scope", scope);
            m.put("operator", operator);
            m.put("reason", reason);
            m.put("municipalities", municipalities);
            m.put("transactionId", transactionId);
            return m;
        }
    }

    /**
     * The newest {@code limit} events (1…{@link #MAX_LIMIT}), newest first; with {@code
     * municipality} only those recorded in its chain (its own and the whole hub's).
     */
    public List<Event> events(String municipality, int limit) {
        int n = Math.max(1, Math.min(limit, MAX_LIMIT));
        boolean one = municipality != null;
        List<Object> args = new ArrayList<>();
        args.add(IssuanceHistory.COUPLING);
        if (one) {
            args.add(municipality);
        }
        List<String> ids =
                jdbc.queryForList(
                        "select transaction_id from issuance_history where kind = ?"
                                + (one ? " and municipality_code = ?" : "")
                                + " group by transaction_id order by max(recorded_at) desc,"
                                + " transaction_id limit "
                                + n,
                        String.class,
                        args.toArray());
        List<Event> out = new ArrayList<>();
        for (String id : ids) {
            List<Map<String, Object>> rows =
                    jdbc.queryForList(
                            "select municipality_code, recorded_at, outcome, operator, reason from"
                                    + " issuance_history where kind = ? and transaction_id = ?"
                                    + (one ? " and municipality_code = ?" : "")
                                    + " order by municipality_code",
                            one
                                    ? new Object[] {IssuanceHistory.COUPLING, id, municipality}
                                    : new Object[] {IssuanceHistory.COUPLING, id});
            if (rows.isEmpty()) {
                continue;
            }
            Map<String, Object> first = rows.get(0);
            List<String> codes =
                    rows.stream()
                            .map(r -> String.valueOf(r.get("municipality_code")).trim())
                            .toList();
            out.add(
                    new Event(
                            at(first.get("recorded_at")),
                            (String) first.get("outcome"),
                            scope(id, codes.size()),
                            (String) first.get("operator"),
                            (String) first.get("reason"),
                            codes,
                            id));
        }
        return out;
    }

    /**
     * HUB or MUNICIPALITY; rows before issue #19 have no prefix: several chains mean the hub, one
     * is UNKNOWN (a municipality's switch, or the hub's on a hub serving one municipality).
     */
    static String scope(String transactionId, int chains) {
        if (transactionId.startsWith(HUB_PREFIX)) {
            return "HUB";
        }
        if (transactionId.startsWith(MUNICIPALITY_PREFIX)) {
            return "MUNICIPALITY";
        }
        return chains > 1 ? "HUB" : "UNKNOWN";
    }

    private static OffsetDateTime at(Object v) {
        if (v instanceof OffsetDateTime o) {
            return o;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        if (v instanceof java.time.Instant i) {
            return i.atOffset(java.time.ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(String.valueOf(v));
    }
}
