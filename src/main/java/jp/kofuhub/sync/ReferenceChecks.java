package jp.kofuhub.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jp.kofuhub.registry.ExportFileException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reference checks at the end of a JUKI file ({@link ReplicaWriter#end()}): every current
 * resident the file wrote names a household, no deleted household still has current residents,
 * every serial and 個人番号 the file wrote names a resident.
 *
 * <p>A row "the file wrote" is one with {@code source_sequence >= } the file's sequence (no row has
 * a later one: files apply in order); for a FULL, every row of the municipality.
 *
 * <p>DELTA: the 宛名番号 of the R and N records and the serials of the C records the file wrote are
 * remembered, so that the checks look at just those rows by key instead of scanning the
 * municipality for the file's {@code source_sequence} (no index: at millions of residents that scan
 * took seconds per DELTA). Past {@link #TOUCHED_MAX} keys it falls back to the scan.
 */
final class ReferenceChecks {

    private static final int TOUCHED_MAX = 50_000;
    private static final int KEY_CHUNK = 500;

    private final JdbcTemplate jdbc;
    private final String m;
    private final long sequence;
    private final boolean full;
    private final List<String> deletedHouseholds = new ArrayList<>();
    private final Set<String> touchedResidents = new HashSet<>();
    private final Set<String> touchedSerials = new HashSet<>();
    private final Set<String> touchedNumbers = new HashSet<>();
    private boolean touchedOverflow;

    ReferenceChecks(JdbcTemplate jdbc, String municipality, long sequence, boolean full) {
        this.jdbc = jdbc;
        this.m = municipality;
        this.sequence = sequence;
        this.full = full;
    }

    void householdDeleted(String no) {
        deletedHouseholds.add(no);
    }

    void residentWritten(String atena) {
        touch(touchedResidents, atena);
    }

    void serialWritten(String serial) {
        touch(touchedSerials, serial);
    }

    void myNumberWritten(String atena) {
        touch(touchedNumbers, atena);
    }

    /**
     * Runs the checks.
     *
     * @param myNumbers the file wrote 個人番号 (N records with op U): only then are they checked
     * @throws ExportFileException {@code DANGLING_REFERENCE}
     */
    void run(boolean myNumbers) {
        long orphans =
                countWritten(
                        "select count(*) from resident r where r.municipality_code = ?"
                                + " and r.source_sequence >= ? and r.status <> 'REMOVED' and not exists (select 1 from household h"
                                + " where h.municipality_code = r.municipality_code and h.household_no = r.household_no)",
                        "r.atena_no",
                        touchedResidents);
        if (orphans > 0) {
            throw new ExportFileException(
                    "DANGLING_REFERENCE",
                    orphans + " resident(s) name a household the replica does not have");
        }
        // a deleted household that still has current residents and was not written again
        for (int i = 0; i < deletedHouseholds.size(); i += KEY_CHUNK) {
            List<String> chunk =
                    deletedHouseholds.subList(i, Math.min(deletedHouseholds.size(), i + KEY_CHUNK));
            Object[] args = new Object[chunk.size() + 1];
            args[0] = m;
            for (int k = 0; k < chunk.size(); k++) {
                args[k + 1] = chunk.get(k);
            }
            Long left =
                    jdbc.queryForObject(
                            "select count(*) from resident r where r.municipality_code = ?"
                                    + " and r.household_no in ("
                                    + "?,".repeat(chunk.size() - 1)
                                    + "?) and r.status <> 'REMOVED' and not exists (select 1 from household h"
                                    + " where h.municipality_code = r.municipality_code and h.household_no = r.household_no)",
                            Long.class,
                            args);
            if (left != null && left > 0) {
                throw new ExportFileException(
                        "DANGLING_REFERENCE", "a deleted household still has current residents");
            }
        }
        // H2 would walk the primary key (serials: random order) and fetch each row; its person
        // index is ~8x faster
        String cards =
                !byKey()
                                && "H2"
                                        .equals(
                                                jdbc.execute(
                                                        (ConnectionCallback<String>)
                                                                c ->
                                                                        c.getMetaData()
                                                                                .getDatabaseProductName()))
                        ? "card_serial c use index (card_serial_person)"
                        : "card_serial c";
        long cardOrphans =
                countWritten(
                        "select count(*) from "
                                + cards
                                + " where c.municipality_code = ?"
                                + " and c.source_sequence >= ? and not exists (select 1 from resident r"
                                + " where r.municipality_code = c.municipality_code and r.atena_no = c.atena_no)",
                        "c.serial",
                        touchedSerials);
        if (cardOrphans > 0) {
            throw new ExportFileException(
                    "DANGLING_REFERENCE",
                    cardOrphans + " serial(s) name a resident the replica does not have");
        }
        if (myNumbers) {
            long numberOrphans =
                    countWritten(
                            "select count(*) from my_number n where n.municipality_code = ?"
                                    + " and n.source_sequence >= ? and not exists (select 1 from resident r"
                                    + " where r.municipality_code = n.municipality_code and r.atena_no = n.atena_no)",
                            "n.atena_no",
                            touchedNumbers);
            if (numberOrphans > 0) {
                throw new ExportFileException(
                        "DANGLING_REFERENCE",
                        numberOrphans
                                + " 個人番号 record(s) name a resident the replica does not have");
            }
        }
    }

    /** A DELTA that wrote few enough keys: {@link #run} checks those rows only. */
    private boolean byKey() {
        return !full && !touchedOverflow;
    }

    private void touch(Set<String> keys, String key) {
        if (byKey()) {
            keys.add(key);
            touchedOverflow = keys.size() > TOUCHED_MAX;
        }
    }

    /**
     * Runs a reference check ({@code sql} with parameters municipality and sequence, counting this
     * file's rows that break it): over the municipality, or for a DELTA limited to the keys it
     * wrote, in chunks. The rows with this file's {@code source_sequence} are exactly the rows it
     * wrote (a DELTA), so both give the same count.
     */
    private long countWritten(String sql, String keyColumn, Set<String> keys) {
        if (!byKey()) {
            // a FULL: every row of the municipality is the file's, including those a FULL over a
            // loaded replica left unchanged with their earlier source_sequence (CopySink)
            Long n = jdbc.queryForObject(sql, Long.class, m, full ? 0L : sequence);
            return n == null ? 0 : n;
        }
        List<String> list = new ArrayList<>(keys);
        long total = 0;
        for (int i = 0; i < list.size(); i += KEY_CHUNK) {
            List<String> chunk = list.subList(i, Math.min(list.size(), i + KEY_CHUNK));
            Object[] args = new Object[chunk.size() + 2];
            args[0] = m;
            args[1] = sequence;
            for (int k = 0; k < chunk.size(); k++) {
                args[k + 2] = chunk.get(k);
            }
            Long n =
                    jdbc.queryForObject(
                            sql
                                    + " and "
                                    + keyColumn
                                    + " in ("
                                    + "?,".repeat(chunk.size() - 1)
                                    + "?)",
                            Long.class,
                            args);
            total += n == null ? 0 : n;
        }
        return total;
    }
}
