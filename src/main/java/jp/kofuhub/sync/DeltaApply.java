package jp.kofuhub.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The writes of a DELTA ({@link ReplicaWriter}), set by set instead of record by record (issue #20
 * item 4). Each record replaces the row with its key, or deletes it; a resident record always
 * writes its history row but replaces the current row only when it is not older (lower 履歴番号) than
 * the stored one.
 *
 * <p>The records are collected by table and key while the file is read, keeping the meaning of
 * their order: for a key, the last record of the file wins (a later U replaces an earlier one, a D
 * after a U deletes, a U after a D writes); for a resident's current row, the record with the
 * highest 履歴番号 wins, and among equal ones the later. Every {@value #FLUSH} records, and at the end
 * of the file ({@link #flush()}), the collected keys are written with a few statements per table:
 * the keys deleted (a JDBC batch; on PostgreSQL one {@code = any(array)} statement), the surviving
 * rows inserted (a JDBC batch, which pgjdbc sends as multi-row inserts with {@code
 * reWriteBatchedInserts=true}). Chunks written in file order give the same rows as the records
 * written one by one. Everything runs in the file's transaction, so a failure anywhere still leaves
 * nothing of the file.
 */
final class DeltaApply {

    /** Records collected before they are written. */
    static final int FLUSH = 5000;

    /** Keys per {@code in (…)} read of the stored 履歴番号. */
    private static final int KEY_CHUNK = 500;

    /** The value of a key whose last record deletes it. */
    private static final Object[] DELETED = new Object[0];

    private final JdbcTemplate jdbc;
    private final String m;
    private final boolean postgres;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    /** 宛名番号 → the current row that wins so far (row[2] is its 履歴番号). */
    private final Map<String, Object[]> residents = new LinkedHashMap<>();

    /** (宛名番号, 履歴番号) → the history row. */
    private final Map<List<Object>, Object[]> history = new LinkedHashMap<>();

    private int pending;

    /** One replica table written by key. */
    private record Table(
            String name, String insert, String[] keyColumns, Map<List<Object>, Object[]> rows) {}

    DeltaApply(JdbcTemplate jdbc, String municipality) {
        this.jdbc = jdbc;
        this.m = municipality;
        this.postgres = isPostgres(jdbc);
    }

    private static boolean isPostgres(JdbcTemplate jdbc) {
        DataSource ds = jdbc.getDataSource();
        if (ds == null) {
            return false;
        }
        Boolean pg =
                jdbc.execute((ConnectionCallback<Boolean>) c -> c.isWrapperFor(PGConnection.class));
        return Boolean.TRUE.equals(pg);
    }

    /**
     * 個人番号 stay only where the profile prints them: removes every {@code my_number} row of the
     * municipality (at once, before any record).
     */
    void dropMyNumbers() {
        jdbc.update("delete from my_number where municipality_code = ?", m);
    }

    /** Deletes the row of {@code table} with this key. */
    void delete(String table, String keyColumn, String key) {
        table(table, null, keyColumn).rows().put(List.of(key), DELETED);
        counted();
    }

    /** Replaces the row of {@code table} with this key by {@code row}. */
    void replace(String insert, String table, String keyColumn, String key, Object[] row) {
        table(table, insert, keyColumn).rows().put(List.of(key), row);
        counted();
    }

    /** Replaces the tax record of one resident and fiscal year. */
    void replaceTax(int year, String atena, Object[] row) {
        table("tax_record", ReplicaStatements.INSERT_TAX, "fiscal_year", "atena_no")
                .rows()
                .put(List.of(year, atena), row);
        counted();
    }

    /**
     * Replaces the history row ({@code hist}) and, unless the stored resident is newer, the current
     * row ({@code row}) of one resident.
     */
    void resident(String atena, int historyNo, Object[] row, Object[] hist) {
        history.put(List.of(atena, historyNo), hist);
        Object[] before = residents.get(atena);
        if (before == null || (Integer) before[2] <= historyNo) {
            residents.put(atena, row);
        }
        counted();
    }

    /**
     * The table's collected keys; {@code insert} is null for a delete (the first record of a table
     * may be a D, a later U brings the statement).
     */
    private Table table(String name, String insert, String... keyColumns) {
        Table t = tables.get(name);
        if (t == null || (t.insert() == null && insert != null)) {
            t = new Table(name, insert, keyColumns, t == null ? new LinkedHashMap<>() : t.rows());
            tables.put(name, t);
        }
        return t;
    }

    private void counted() {
        if (++pending >= FLUSH) {
            flush();
        }
    }

    /** Writes what is collected: a few statements per table, whatever the number of records. */
    void flush() {
        if (pending == 0) {
            return;
        }
        for (Table t : tables.values()) {
            if (t.rows().isEmpty()) {
                continue;
            }
            deleteKeys(t.name(), t.keyColumns(), new ArrayList<>(t.rows().keySet()));
            List<Object[]> rows = new ArrayList<>();
            String insert = t.insert();
            for (Object[] row : t.rows().values()) {
                if (row != DELETED) {
                    rows.add(row);
                }
            }
            if (!rows.isEmpty()) {
                if (insert == null) {
                    throw new IllegalStateException("no insert statement for " + t.name());
                }
                insert(insert, rows);
            }
            t.rows().clear();
        }
        if (!history.isEmpty()) {
            deleteKeys(
                    "resident_history",
                    new String[] {"atena_no", "history_no"},
                    new ArrayList<>(history.keySet()));
            insert(ReplicaStatements.INSERT_HISTORY, new ArrayList<>(history.values()));
            history.clear();
        }
        if (!residents.isEmpty()) {
            writeResidents();
            residents.clear();
        }
        pending = 0;
    }

    /**
     * The current rows: a stored resident with a higher 履歴番号 keeps its row; the others are
     * replaced.
     */
    private void writeResidents() {
        Map<String, Integer> stored = storedHistoryNos(new ArrayList<>(residents.keySet()));
        List<List<Object>> replaced = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, Object[]> e : residents.entrySet()) {
            Integer current = stored.get(e.getKey());
            if (current != null && current > (Integer) e.getValue()[2]) {
                continue;
            }
            if (current != null) {
                replaced.add(List.of(e.getKey()));
            }
            rows.add(e.getValue());
        }
        if (!replaced.isEmpty()) {
            deleteKeys("resident", new String[] {"atena_no"}, replaced);
        }
        if (!rows.isEmpty()) {
            insert(ReplicaStatements.INSERT_RESIDENT, rows);
        }
    }

    private Map<String, Integer> storedHistoryNos(List<String> atenas) {
        Map<String, Integer> stored = new HashMap<>();
        for (int i = 0; i < atenas.size(); i += KEY_CHUNK) {
            List<String> chunk = atenas.subList(i, Math.min(atenas.size(), i + KEY_CHUNK));
            Object[] args = new Object[chunk.size() + 1];
            args[0] = m;
            for (int k = 0; k < chunk.size(); k++) {
                args[k + 1] = chunk.get(k);
            }
            jdbc.query(
                    "select atena_no, history_no from resident where municipality_code = ?"
                            + " and atena_no in ("
                            + "?,".repeat(chunk.size() - 1)
                            + "?)",
                    rs -> {
                        stored.put(rs.getString(1), rs.getInt(2));
                    },
                    args);
        }
        return stored;
    }

    /**
     * Deletes the rows of the municipality with these keys: on PostgreSQL one statement with an
     * array per key column, elsewhere a JDBC batch.
     */
    private void deleteKeys(String table, String[] keyColumns, List<List<Object>> keys) {
        if (postgres) {
            deleteByArrays(table, keyColumns, keys);
            return;
        }
        StringBuilder sql =
                new StringBuilder("delete from ")
                        .append(table)
                        .append(" where municipality_code = ?");
        for (String c : keyColumns) {
            sql.append(" and ").append(c).append(" = ?");
        }
        List<Object[]> args = new ArrayList<>(keys.size());
        for (List<Object> key : keys) {
            Object[] a = new Object[key.size() + 1];
            a[0] = m;
            for (int i = 0; i < key.size(); i++) {
                a[i + 1] = key.get(i);
            }
            args.add(a);
        }
        batch(sql.toString(), args);
    }

    private void deleteByArrays(String table, String[] keyColumns, List<List<Object>> keys) {
        StringBuilder sql =
                new StringBuilder("delete from ")
                        .append(table)
                        .append(" where municipality_code = ?");
        if (keyColumns.length == 1) {
            sql.append(" and ").append(keyColumns[0]).append(" = any(?)");
        } else {
            sql.append(" and (")
                    .append(String.join(", ", keyColumns))
                    .append(") in (select * from unnest(");
            for (int i = 0; i < keyColumns.length; i++) {
                sql.append(i > 0 ? ", ?" : "?");
            }
            sql.append("))");
        }
        jdbc.execute(
                (ConnectionCallback<Integer>)
                        c -> {
                            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                                ps.setString(1, m);
                                for (int col = 0; col < keyColumns.length; col++) {
                                    ps.setArray(col + 2, array(c, keys, col));
                                }
                                return ps.executeUpdate();
                            }
                        });
    }

    /** Column {@code col} of the keys as a PostgreSQL array (integer or text). */
    private static java.sql.Array array(Connection c, List<List<Object>> keys, int col)
            throws SQLException {
        boolean ints = keys.get(0).get(col) instanceof Integer;
        Object[] values = ints ? new Integer[keys.size()] : new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            values[i] = keys.get(i).get(col);
        }
        return c.createArrayOf(ints ? "int4" : "varchar", values);
    }

    private void insert(String insert, List<Object[]> rows) {
        batch(insert, rows);
    }

    /**
     * One JDBC batch. Values are bound by their Java type and a null as {@link Types#NULL} (the
     * server takes the column's type), so no parameter is looked up per row.
     */
    private void batch(String sql, List<Object[]> rows) {
        jdbc.batchUpdate(
                sql,
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        Object[] row = rows.get(i);
                        for (int k = 0; k < row.length; k++) {
                            if (row[k] == null) {
                                ps.setNull(k + 1, Types.NULL);
                            } else {
                                ps.setObject(k + 1, row[k]);
                            }
                        }
                    }

                    @Override
                    public int getBatchSize() {
                        return rows.size();
                    }
                });
    }
}
