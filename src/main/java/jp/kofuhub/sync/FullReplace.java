package jp.kofuhub.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import jp.kofuhub.registry.SourceSystem;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * A FULL snapshot replacing everything of its source for one municipality ({@link ReplicaWriter}):
 * the rows go to a {@link FullSink} — {@link CopySink} on PostgreSQL (unless {@code
 * kofu.sync.copy=false}), which replaces a loaded table by the difference (issue #20 item 4),
 * {@link BatchSink} elsewhere, after the tables are emptied. History rows go in as plain inserts
 * when the municipality has none yet; otherwise only the (atena_no, history_no) not stored yet are
 * added (a FULL never replaces a stored history row).
 */
final class FullReplace {

    private static final boolean COPY = !"false".equals(System.getProperty("kofu.sync.copy"));

    private final FullSink sink;

    /**
     * The statement history rows are written with: {@code INSERT_HISTORY} or {@code
     * INSERT_HISTORY_IF_NEW}.
     */
    private final String historyInsert;

    private FullReplace(FullSink sink, String historyInsert) {
        this.sink = sink;
        this.historyInsert = historyInsert;
    }

    /**
     * Deletes the municipality's rows of every table the source's snapshot replaces and opens the
     * sink.
     *
     * @param myNumbersWritten whether the file wrote 個人番号 (asked when the rows are finished)
     */
    static FullReplace begin(
            JdbcTemplate jdbc, String m, SourceSystem source, BooleanSupplier myNumbersWritten) {
        DataSource ds = jdbc.getDataSource();
        Connection con = ds == null ? null : DataSourceUtils.getConnection(ds);
        boolean postgres;
        try {
            postgres = COPY && con != null && con.isWrapperFor(PGConnection.class);
        } catch (SQLException e) {
            postgres = false;
        }
        // on PostgreSQL a loaded table is replaced by the difference (CopySink): the snapshot is
        // copied to a staging table and only the rows that changed are deleted and inserted; an
        // empty one is copied to straight. Elsewhere every table is emptied first.
        Set<String> merged = new LinkedHashSet<>();
        for (String table : ReplicaStatements.FULL_REPLACES.get(source)) {
            if (postgres) {
                if (hasRows(jdbc, table, m)) {
                    merged.add(table);
                }
            } else {
                jdbc.update("delete from " + table + " where municipality_code = ?", m);
            }
        }
        boolean historyEmpty =
                source == SourceSystem.JUKI
                        && !Boolean.TRUE.equals(
                                jdbc.query(
                                        "select 1 from resident_history where municipality_code = ? fetch first 1 rows only",
                                        (ResultSetExtractor<Boolean>) rs -> rs.next(),
                                        m));
        if (postgres) {
            return new FullReplace(
                    new CopySink(
                            jdbc,
                            ds,
                            con,
                            m,
                            merged,
                            source == SourceSystem.JUKI,
                            historyEmpty,
                            myNumbersWritten),
                    ReplicaStatements.INSERT_HISTORY);
        }
        if (con != null) {
            DataSourceUtils.releaseConnection(con, ds);
        }
        String historyInsert =
                historyEmpty
                        ? ReplicaStatements.INSERT_HISTORY
                        : ReplicaStatements.INSERT_HISTORY_IF_NEW;
        return new FullReplace(new BatchSink(jdbc, historyInsert), historyInsert);
    }

    private static boolean hasRows(JdbcTemplate jdbc, String table, String m) {
        return Boolean.TRUE.equals(
                jdbc.query(
                        "select 1 from "
                                + table
                                + " where municipality_code = ? fetch first 1 rows only",
                        (ResultSetExtractor<Boolean>) rs -> rs.next(),
                        m));
    }

    void add(String insert, Object[] row) {
        sink.add(insert, row);
    }

    /**
     * One history row of a resident ({@code hist} in {@code INSERT_HISTORY} order), unless it is
     * stored already.
     */
    void addHistory(Object[] hist, String m, String atena, int historyNo) {
        if (historyInsert == ReplicaStatements.INSERT_HISTORY) {
            sink.add(ReplicaStatements.INSERT_HISTORY, hist);
        } else {
            Object[] histIfNew = java.util.Arrays.copyOf(hist, hist.length + 3);
            histIfNew[hist.length] = m;
            histIfNew[hist.length + 1] = atena;
            histIfNew[hist.length + 2] = historyNo;
            sink.add(ReplicaStatements.INSERT_HISTORY_IF_NEW, histIfNew);
        }
    }

    /** Everything added is written (or the failure thrown). */
    void finish() {
        sink.finish();
    }

    /** Stops the writing and gives the connection back; what was not written is dropped. */
    void close() {
        sink.close();
    }

    /** How the rows are written, for the log. */
    String how() {
        return sink.getClass().getSimpleName();
    }
}
