package jp.kofuhub.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** PostgreSQL COPY through {@link CopyStream}, on the transaction's connection. */
final class CopySink implements FullSink {
    private static final String STAGE = "kofu_history_stage";
    private static final Pattern INSERT =
            Pattern.compile("insert into (\\w+) \\(([^)]*)\\) values.*", Pattern.DOTALL);
    private final JdbcTemplate jdbc;
    private final DataSource ds;
    private final Connection con;
    private final boolean juki;
    private final boolean staged;
    private final BooleanSupplier myNumbersWritten;
    private final Map<String, CopyStream.Target> targets = new HashMap<>();
    private final CopyStream stream;

    /**
     * @param juki a JUKI snapshot: its tables are analysed before the reference checks
     * @param historyEmpty the municipality has no history rows yet (else they are staged)
     * @param myNumbersWritten whether the file wrote 個人番号 (asked at {@link #finish()})
     */
    CopySink(
            JdbcTemplate jdbc,
            DataSource ds,
            Connection con,
            boolean juki,
            boolean historyEmpty,
            BooleanSupplier myNumbersWritten) {
        this.jdbc = jdbc;
        this.ds = ds;
        this.con = con;
        this.juki = juki;
        this.myNumbersWritten = myNumbersWritten;
        this.staged = juki && !historyEmpty;
        if (staged) {
            // dropped with the transaction, committed or not
            jdbc.execute(
                    "create temporary table " + STAGE + " (like resident_history) on commit drop");
        }
        jdbc.getExceptionTranslator(); // initialised here, not on the writer's first failure
        try {
            stream = new CopyStream(con.unwrap(PGConnection.class).getCopyAPI(), this::translate);
        } catch (SQLException e) {
            DataSourceUtils.releaseConnection(con, ds);
            throw translate(e);
        }
    }

    private RuntimeException translate(SQLException e) {
        DataAccessException d = jdbc.getExceptionTranslator().translate("COPY", null, e);
        return d != null ? d : new UncategorizedSQLException("COPY", null, e);
    }

    @Override
    public void add(String insert, Object[] row) {
        CopyStream.Target t = targets.get(insert);
        if (t == null) {
            Matcher mt = INSERT.matcher(insert);
            if (!mt.matches() || insert.contains("select")) {
                throw new IllegalStateException("not a plain insert: " + insert);
            }
            String table =
                    insert.equals(ReplicaStatements.INSERT_HISTORY) && staged ? STAGE : mt.group(1);
            t = stream.target(table, mt.group(2));
            targets.put(insert, t);
        }
        t.row(row);
    }

    @Override
    public void finish() {
        stream.finish();
        if (juki) {
            // Fresh statistics (ANALYZE counts this transaction's own rows) let the reference
            // checks in
            // end() hash-join millions of rows instead of probing an index per row (≈ 6 s instead
            // of
            // 16 s at 3.8 million residents); they commit with the file, so readers profit too.
            // Holds SHARE UPDATE EXCLUSIVE until commit: blocks only autovacuum and other ANALYZEs.
            jdbc.execute(
                    myNumbersWritten.getAsBoolean()
                            ? "analyze household, resident, card_serial, my_number"
                            : "analyze household, resident, card_serial");
        }
        if (staged) {
            String cols =
                    "municipality_code, atena_no, history_no, household_no, status, change_reason, change_date,"
                            + " change_notified_date, processed_date, previous_address, source_sequence";
            jdbc.update(
                    "insert into resident_history ("
                            + cols
                            + ") select "
                            + cols
                            + " from "
                            + STAGE
                            + " s"
                            + " where not exists (select 1 from resident_history h where h.municipality_code = s.municipality_code"
                            + " and h.atena_no = s.atena_no and h.history_no = s.history_no)");
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            DataSourceUtils.releaseConnection(con, ds);
        }
    }
}
