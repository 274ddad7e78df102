package jp.kofuhub.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * PostgreSQL COPY through {@link CopyStream}, on the transaction's connection.
 *
 * <p>A table that already holds the municipality's rows (the monthly FULL over a loaded replica) is
 * replaced by the difference (issue #20 item 4): the snapshot is copied to a temporary staging
 * table ({@code kofu_full_<table>}, unlogged, no index while it fills, dropped with the
 * transaction); at {@link #finish()} the rows whose content differs from the snapshot's — compared
 * by {@code row_digest} (V83), the MD5 of the row's values this sink writes with every row; a row a
 * DELTA wrote has none and is always rewritten — or that it lacks are deleted and the snapshot's
 * rows not left in the table inserted; then the table must hold as many of the municipality's rows
 * as the file sent (a key twice in the file: DUPLICATE_KEY, as before). Deleting and inserting
 * every row instead left PostgreSQL old and new index entries side by side (125–137 s for 3.8
 * million residents). Readers see the old rows until the file's transaction commits, as before.
 * Rows that did not change keep their {@code source_sequence}: it is the file that last changed the
 * row.
 */
final class CopySink implements FullSink {
    private static final String STAGE = "kofu_history_stage";
    private static final String FULL_STAGE = "kofu_full_";
    private static final Logger LOG = LoggerFactory.getLogger(CopySink.class);
    private static final Pattern INSERT =
            Pattern.compile("insert into (\\w+) \\(([^)]*)\\) values.*", Pattern.DOTALL);
    private final JdbcTemplate jdbc;
    private final String m;
    private final Set<String> merged;
    private final Map<String, String> columns = new LinkedHashMap<>();
    private final Map<String, long[]> stagedRows = new HashMap<>();
    private final Set<String> digested = new HashSet<>();
    private final MessageDigest md5;

    /** The replica tables whose rows carry {@code row_digest} (V83): those a FULL replaces. */
    private static final Set<String> DIGESTED =
            ReplicaStatements.FULL_REPLACES.values().stream()
                    .flatMap(List::stream)
                    .collect(Collectors.toUnmodifiableSet());

    private final DataSource ds;
    private final Connection con;
    private final boolean juki;
    private final boolean staged;
    private final BooleanSupplier myNumbersWritten;
    private final Map<String, CopyStream.Target> targets = new HashMap<>();
    private final CopyStream stream;

    /**
     * @param m the municipality
     * @param merged the tables replaced by the difference (they hold the municipality's rows)
     * @param juki a JUKI snapshot: its tables are analysed before the reference checks
     * @param historyEmpty the municipality has no history rows yet (else they are staged)
     * @param myNumbersWritten whether the file wrote 個人番号 (asked at {@link #finish()})
     */
    CopySink(
            JdbcTemplate jdbc,
            DataSource ds,
            Connection con,
            String m,
            Set<String> merged,
            boolean juki,
            boolean historyEmpty,
            BooleanSupplier myNumbersWritten) {
        this.jdbc = jdbc;
        this.m = m;
        this.merged = merged;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        for (String table : merged) {
            jdbc.execute(
                    "create temporary table "
                            + FULL_STAGE
                            + table
                            + " (like "
                            + table
                            + " including defaults) on commit drop");
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
            String cols = mt.group(2);
            if (DIGESTED.contains(table)) {
                cols = cols + ", row_digest";
                digested.add(insert);
            }
            if (merged.contains(table)) {
                columns.put(table, cols);
                stagedRows.put(insert, new long[1]);
                table = FULL_STAGE + table;
            }
            t = stream.target(table, cols);
            targets.put(insert, t);
        }
        if (digested.contains(insert)) {
            Object[] values = Arrays.copyOf(row, row.length + 1);
            values[row.length] = digest(row);
            t.row(values);
        } else {
            t.row(row);
        }
        long[] n = stagedRows.get(insert);
        if (n != null) {
            n[0]++;
        }
    }

    @Override
    public void finish() {
        stream.finish();
        if (!merged.isEmpty()) {
            // the hash joins of the difference over millions of rows, in memory (this transaction
            // only)
            jdbc.execute("set local work_mem = '64MB'");
        }
        for (String table : merged) {
            replaceByDifference(table);
        }
        if (juki) {
            // Fresh statistics (ANALYZE counts this transaction's own rows) let the reference
            // checks in
            // end() hash-join millions of rows instead of probing an index per row (≈ 6 s instead
            // of
            // 16 s at 3.8 million residents); they commit with the file, so readers profit too.
            // Holds SHARE UPDATE EXCLUSIVE until commit: blocks only autovacuum and other ANALYZEs.
            // A table replaced by the difference keeps its statistics: it changed little.
            List<String> fresh = new ArrayList<>();
            for (String table :
                    myNumbersWritten.getAsBoolean()
                            ? List.of("household", "resident", "card_serial", "my_number")
                            : List.of("household", "resident", "card_serial")) {
                if (!merged.contains(table)) {
                    fresh.add(table);
                }
            }
            if (!fresh.isEmpty()) {
                jdbc.execute("analyze " + String.join(", ", fresh));
            }
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

    /**
     * The loaded {@code table} made equal to its staging table: the rows that differ or are gone
     * deleted, the staged rows not left inserted, then the count checked.
     */
    private void replaceByDifference(String table) {
        String stage = FULL_STAGE + table;
        List<String> key =
                jdbc.queryForList(
                        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid"
                                + " and a.attnum = any(i.indkey) where i.indrelid = ?::regclass and i.indisprimary"
                                + " order by array_position(i.indkey::int2[], a.attnum)",
                        String.class,
                        table);
        if (key.isEmpty()) {
            throw new IllegalStateException(table + " has no primary key");
        }
        long t0 = System.nanoTime();
        jdbc.execute("analyze " + stage);
        List<String> cols = new ArrayList<>();
        String written = columns.get(table);
        if (written != null) {
            for (String c : written.split(",")) {
                cols.add(c.trim());
            }
        }
        String sameKey =
                key.stream().map(k -> "s." + k + " = t." + k).collect(Collectors.joining(" and "));
        // the rows' content compared by its digest: 16 bytes a row in the hash join, not every
        // column
        String sameRow = " and s.row_digest = t.row_digest";
        long t1 = System.nanoTime();
        int deleted =
                jdbc.update(
                        "delete from "
                                + table
                                + " t where t.municipality_code = ? and not exists (select 1 from "
                                + stage
                                + " s where "
                                + sameKey
                                + sameRow
                                + ")",
                        m);
        long t2 = System.nanoTime();
        if (written == null) {
            return; // the snapshot had no rows for this table: all deleted
        }
        int inserted =
                jdbc.update(
                        "insert into "
                                + table
                                + " ("
                                + written
                                + ") select "
                                + cols.stream().map(c -> "s." + c).collect(Collectors.joining(", "))
                                + " from "
                                + stage
                                + " s where not exists (select 1 from "
                                + table
                                + " t where "
                                + sameKey
                                + ")");
        long t3 = System.nanoTime();
        // a key twice in the file: both copies new or changed fail the insert on the primary key;
        // one the same as the stored row leaves the other out, so fewer rows than the file's
        long staged = stagedCount(table);
        Long rows =
                jdbc.queryForObject(
                        "select count(*) from " + table + " where municipality_code = ?",
                        Long.class,
                        m);
        if (rows == null || rows != staged) {
            throw new DuplicateKeyException(
                    table
                            + ": a key appears twice in the snapshot ("
                            + rows
                            + " of "
                            + staged
                            + ")");
        }
        LOG.debug(
                "sync {}: {} replaced by the difference: {} deleted, {} inserted, {} unchanged"
                        + " (analyze {} ms, delete {} ms, insert {} ms, count {} ms)",
                m,
                table,
                deleted,
                inserted,
                staged - inserted,
                (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000,
                (System.nanoTime() - t3) / 1_000_000);
    }

    /**
     * The digest of a row's content as this sink writes it: MD5 over each value but the last
     * ({@code source_sequence}), with its kind and length, so that no two different rows can run
     * together into the same bytes.
     */
    private UUID digest(Object[] row) {
        md5.reset();
        for (int i = 0; i < row.length - 1; i++) {
            Object v = row[i];
            byte[] b;
            byte kind;
            if (v == null) {
                md5.update((byte) 0);
                continue;
            } else if (v instanceof String x) {
                kind = 1;
                b = x.getBytes(StandardCharsets.UTF_8);
            } else if (v instanceof byte[] x) {
                kind = 2;
                b = x;
            } else if (v instanceof java.math.BigDecimal x) {
                kind = 3;
                b = x.toPlainString().getBytes(StandardCharsets.US_ASCII);
            } else {
                // Boolean, Integer, Long, java.sql.Date: their text is their value
                kind = 4;
                b = v.toString().getBytes(StandardCharsets.US_ASCII);
            }
            md5.update(kind);
            md5.update((byte) (b.length >>> 24));
            md5.update((byte) (b.length >>> 16));
            md5.update((byte) (b.length >>> 8));
            md5.update((byte) b.length);
            md5.update(b);
        }
        ByteBuffer d = ByteBuffer.wrap(md5.digest());
        return new UUID(d.getLong(), d.getLong());
    }

    private long stagedCount(String table) {
        for (Map.Entry<String, long[]> e : stagedRows.entrySet()) {
            Matcher mt = INSERT.matcher(e.getKey());
            if (mt.matches() && mt.group(1).equals(table)) {
                return e.getValue()[0];
            }
        }
        return 0;
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
