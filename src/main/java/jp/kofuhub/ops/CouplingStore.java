package jp.kofuhub.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import jp.kofuhub.history.HistoryEntry;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.ops.CouplingSwitch.State;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stop switch's rows ({@link CouplingSwitch}): this deployment's {@code coupling_state} row
 * (V8), its {@code municipality_coupling} rows (V10), and the {@code COUPLING} history rows that
 * record each change in the municipalities' hash chains, written in the same transaction as the
 * state row.
 */
final class CouplingStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final IssuanceHistory history;
    private final Supplier<Collection<String>> municipalities;
    private final String deployment;

    CouplingStore(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            IssuanceHistory history,
            Supplier<Collection<String>> municipalities,
            String deployment) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.history = history;
        this.municipalities = municipalities;
        this.deployment = deployment;
    }

    String deployment() {
        return deployment;
    }

    /**
     * Sets the state row (locked) and appends one history row per municipality it concerns (kind
     * {@code COUPLING}, outcome {@code verb}), in one transaction.
     *
     * @param municipality null: the whole hub ({@code coupling_state}, a row in every
     *     municipality's chain); else that municipality's own row and chain
     * @return null when the state changed; the stored state when it already was as asked (nothing
     *     recorded)
     */
    State change(
            String municipality,
            boolean suspend,
            OffsetDateTime now,
            String operator,
            String reason,
            String transaction,
            String verb) {
        boolean hub = municipality == null;
        return tx.execute(
                s -> {
                    State current;
                    if (hub) {
                        jdbc.update(
                                "insert into coupling_state (deployment, suspended) values (?, false) on conflict do nothing",
                                deployment);
                        current =
                                jdbc.query(
                                        "select suspended, since, operator, reason from coupling_state where deployment = ?"
                                                + " for update",
                                        rs -> rs.next() ? state(rs) : State.NEVER,
                                        deployment);
                    } else {
                        jdbc.update(
                                "insert into municipality_coupling (deployment, municipality_code, suspended) values (?, ?, false)"
                                        + " on conflict do nothing",
                                deployment,
                                municipality);
                        current =
                                jdbc.query(
                                        "select suspended, since, operator, reason from municipality_coupling"
                                                + " where deployment = ? and municipality_code = ? for update",
                                        rs -> rs.next() ? state(rs) : State.NEVER,
                                        deployment,
                                        municipality);
                    }
                    if (current.suspended() == suspend) {
                        return current; // nothing changes, nothing is recorded
                    }
                    if (hub) {
                        jdbc.update(
                                "update coupling_state set suspended = ?, since = ?, operator = ?, reason = ? where deployment = ?",
                                suspend,
                                now,
                                operator,
                                reason,
                                deployment);
                    } else {
                        jdbc.update(
                                "update municipality_coupling set suspended = ?, since = ?, operator = ?, reason = ?"
                                        + " where deployment = ? and municipality_code = ?",
                                suspend,
                                now,
                                operator,
                                reason,
                                deployment,
                                municipality);
                    }
                    // the whole hub: a row in every municipality's chain; one municipality: in its
                    // own chain only
                    for (String m :
                            hub
                                    ? municipalities.get().stream().sorted().toList()
                                    : List.of(municipality)) {
                        history.append(
                                new HistoryEntry(
                                        m,
                                        now,
                                        transaction,
                                        null,
                                        null,
                                        null,
                                        IssuanceHistory.COUPLING,
                                        null,
                                        0,
                                        null,
                                        0,
                                        verb,
                                        null,
                                        operator,
                                        reason));
                    }
                    return null;
                });
    }

    /** The code of a municipality this hub serves. */
    String served(String municipality) {
        String code = municipality == null ? "" : municipality.trim();
        if (!code.matches("\\d{6}") || !municipalities.get().contains(code)) {
            throw new IllegalArgumentException(
                    "municipality must be the 6-digit code of a municipality this hub serves");
        }
        return code;
    }

    /** Whether the whole hub or this municipality is suspended, read now with one statement. */
    boolean suspendedNow(String municipality) {
        Long n =
                jdbc.queryForObject(
                        "select (select count(*) from coupling_state where deployment = ? and suspended)"
                                + " + (select count(*) from municipality_coupling where deployment = ? and municipality_code = ?"
                                + " and suspended)",
                        Long.class,
                        deployment,
                        deployment,
                        municipality);
        return n != null && n > 0;
    }

    Map<String, State> readMunicipal() {
        Map<String, State> m = new TreeMap<>();
        jdbc.query(
                "select municipality_code, suspended, since, operator, reason from municipality_coupling"
                        + " where deployment = ?",
                rs -> {
                    m.put(
                            rs.getString(1).trim(),
                            new State(
                                    rs.getBoolean(2),
                                    rs.getObject(3, OffsetDateTime.class),
                                    rs.getString(4),
                                    rs.getString(5)));
                },
                deployment);
        return Map.copyOf(m);
    }

    State read() {
        return jdbc.query(
                "select suspended, since, operator, reason from coupling_state where deployment = ?",
                rs -> rs.next() ? state(rs) : State.NEVER,
                deployment);
    }

    private static State state(ResultSet rs) throws SQLException {
        return new State(
                rs.getBoolean(1),
                rs.getObject(2, OffsetDateTime.class),
                rs.getString(3),
                rs.getString(4));
    }
}
