package jp.kofuhub.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.registry.SourceSystem;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Writes the records of one export file into the replica tables. Called inside the file's
 * transaction by {@link RegistrySync}: it never commits and never reads the file itself.
 * A FULL snapshot replaces the municipality's rows; a DELTA upserts each record by its key. A
 * resident snapshot older than the stored one (lower 履歴番号) updates only the history, never the
 * current row.
 *
 * <p>個人番号 ({@code N} records) are written only for a municipality whose profile prints them: for
 * any other the first {@code N} record rejects the file ({@code MY_NUMBER_NOT_ALLOWED}), and every
 * JUKI file applied for it removes whatever {@code my_number} rows it still has (e.g. after the
 * profile was switched off). The number itself never appears in a message.
 *
 * <p>How a FULL is written (it may hold millions of records; memory stays bounded either way):
 * <ul>
 *   <li>PostgreSQL: {@code COPY FROM STDIN} on the transaction's connection ({@link CopyStream}),
 *       in chunks written by a second thread while this one reads and checks the file. History rows
 *       go straight into {@code resident_history} when the municipality has none yet; otherwise
 *       into a temporary table, from which only the (atena_no, history_no) not stored yet are
 *       inserted at the end (a FULL never replaces a stored history row).</li>
 *   <li>Other databases (H2): JDBC batches of {@value #BATCH} rows; history rows as a plain insert
 *       when the municipality has none yet, else insert-where-not-exists.</li>
 * </ul>
 * System property {@code kofu.sync.copy=false} turns COPY off (batches on PostgreSQL too; add
 * {@code reWriteBatchedInserts=true} to the JDBC URL then).
 */
class ReplicaWriter implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicaWriter.class);

    static final int BATCH = 5000;
    private static final boolean COPY = !"false".equals(System.getProperty("kofu.sync.copy"));
    /** Distinct era dates remembered (parsed once each); bounded, a snapshot has a few ten thousand. */
    private static final int DATE_CACHE = 200_000;
    private static final Set<String> OPS = Set.of("U", "D");
    private static final Set<String> U_ONLY = Set.of("U");
    private static final Set<String> RESIDENT_TYPES = Set.of("J", "F");
    private static final Set<String> SEXES = Set.of("1", "2");
    private static final Set<String> STATUSES = Set.of("RESIDENT", "MOVE_OUT_PLANNED", "REMOVED");
    private static final Set<String> SUPPORT = Set.of("NONE", "ACTIVE", "PROVISIONAL");
    private static final Set<String> CERT_KINDS = Set.of("CARD", "PHONE");
    private static final Set<String> CERT_STATUSES = Set.of("VALID", "REVOKED", "SUSPENDED");

    static final String INSERT_HOUSEHOLD = "insert into household (municipality_code, household_no, head_atena_no,"
            + " postal_code, address, katagaki, household_block, source_sequence) values (?,?,?,?,?,?,?,?)";
    static final String INSERT_RESIDENT = "insert into resident (municipality_code, atena_no, history_no, household_no,"
            + " juminhyo_code, resident_type, family_name, given_name, family_name_kana, given_name_kana, kana_confirmed,"
            + " kyu_uji, kyu_uji_kana, alpha_name, tsusho, tsusho_kana, nationality, residence_status,"
            + " residence_period_end, residence_card_no, birth_date, sex, relationship, honseki, hittosha,"
            + " address_since, previous_address, became_resident_date, notified_date, status, person_block,"
            + " support_measure, adult_guardianship, change_reason, change_date, change_notified_date, processed_date,"
            + " source_sequence) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_HISTORY = "insert into resident_history (municipality_code, atena_no, history_no,"
            + " household_no, status, change_reason, change_date, change_notified_date, processed_date, source_sequence)"
            + " values (?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_CARD = "insert into card_serial (municipality_code, serial, atena_no, cert_kind,"
            + " valid_until, status, source_sequence) values (?,?,?,?,?,?,?)";
    static final String INSERT_HISTORY_IF_NEW = "insert into resident_history (municipality_code, atena_no, history_no,"
            + " household_no, status, change_reason, change_date, change_notified_date, processed_date, source_sequence)"
            + " select ?,?,?,?,?,?,?,?,?,? where not exists (select 1 from resident_history"
            + " where municipality_code = ? and atena_no = ? and history_no = ?)";
    static final String INSERT_BLOCK = "insert into issuance_block (municipality_code, block_id, atena_no, household_no,"
            + " block_kind, valid_from, valid_until, source_sequence) values (?,?,?,?,?,?,?,?)";
    static final String INSERT_SEAL = "insert into seal_registration (municipality_code, registration_no, atena_no,"
            + " status, name_form, registered_date, cancelled_date, seal_image, source_sequence) values (?,?,?,?,?,?,?,?,?)";
    static final String INSERT_TAX = "insert into tax_record (municipality_code, fiscal_year, atena_no, address_jan1,"
            + " resident_jan1, filing_kind, income_salary, income_pension, income_business, income_other, total_income,"
            + " deductions, taxable_income, city_per_capita, city_income_levy, pref_per_capita, pref_income_levy,"
            + " non_taxed, source_sequence) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_MY_NUMBER = "insert into my_number (municipality_code, atena_no, my_number,"
            + " source_sequence) values (?,?,?,?)";
    static final String INSERT_HONSEKI = "insert into honseki_registration (municipality_code, registration_id, serial,"
            + " honseki, hittosha, status, applied_date, decided_date, source_sequence) values (?,?,?,?,?,?,?,?,?)";

    /** The tables a FULL snapshot of each source replaces, children first. */
    private static final Map<SourceSystem, List<String>> FULL_REPLACES = Map.of(
            SourceSystem.JUKI, List.of("my_number", "issuance_block", "card_serial", "resident", "household"),
            SourceSystem.INKAN, List.of("seal_registration"),
            SourceSystem.ZEI, List.of("tax_record"),
            SourceSystem.KOSEKI, List.of("honseki_registration"));
    private static final Set<String> BLOCK_KINDS = Set.of("SUPPORT_MEASURE", "SUPPORT_MEASURE_PROVISIONAL", "SUPPRESSION");
    private static final Set<String> SEAL_STATUSES = Set.of("VALID", "CANCELLED");
    private static final Set<String> NAME_FORMS = Set.of("NAME", "KYU_UJI", "TSUSHO", "ALPHA");
    private static final Set<String> FILING_KINDS = Set.of("RETURN", "EMPLOYER", "PENSION", "NONE");
    private static final Set<String> HONSEKI_STATUSES = Set.of("PENDING", "APPROVED", "REJECTED", "CANCELLED");
    private static final int MAX_SEAL_IMAGE_BYTES = 256 * 1024;

    /** Column positions of the hot record types (H, R, C). */
    private static final int H_OP = RecordType.H.col("op");
    private static final int H_NO = RecordType.H.col("household_no");
    private static final int H_HEAD = RecordType.H.col("head_atena_no");
    private static final int H_POSTAL = RecordType.H.col("postal_code");
    private static final int H_ADDRESS = RecordType.H.col("address");
    private static final int H_KATAGAKI = RecordType.H.col("katagaki");
    private static final int H_BLOCK = RecordType.H.col("household_block");
    private static final int R_OP = RecordType.R.col("op");
    private static final int R_ATENA = RecordType.R.col("atena_no");
    private static final int C_OP = RecordType.C.col("op");
    private static final int C_SERIAL = RecordType.C.col("serial");
    private static final int C_ATENA = RecordType.C.col("atena_no");
    private static final int C_KIND = RecordType.C.col("cert_kind");
    private static final int C_VALID = RecordType.C.col("valid_until");
    private static final int C_STATUS = RecordType.C.col("status");
    private static final Pattern INSERT = Pattern.compile("insert into (\\w+) \\(([^)]*)\\) values.*", Pattern.DOTALL);

    private final JdbcTemplate jdbc;
    private final ExportHeader header;
    private final String m;
    private final boolean full;
    private final SourceSystem source;
    /** The municipality's profile prints 個人番号: only then are N records accepted. */
    private final boolean myNumberAllowed;
    /** N records written (U) by this file: they get the reference check in {@link #end()}. */
    private long myNumbersWritten;
    private final List<String> deletedHouseholds = new ArrayList<>();
    /**
     * DELTA: the 宛名番号 of the R and N records and the serials of the C records this file wrote, so that
     * {@link #end()} checks just those rows by key instead of scanning the municipality for the file's
     * {@code source_sequence} (no index: at millions of residents that scan took seconds per DELTA).
     * Past {@link #TOUCHED_MAX} keys it falls back to the scan.
     */
    private final java.util.Set<String> touchedResidents = new java.util.HashSet<>();
    private final java.util.Set<String> touchedSerials = new java.util.HashSet<>();
    private final java.util.Set<String> touchedNumbers = new java.util.HashSet<>();
    private boolean touchedOverflow;
    private static final int TOUCHED_MAX = 50_000;
    private static final int KEY_CHUNK = 500;
    private final Map<String, java.sql.Date> dates = new HashMap<>();
    /** Where a FULL's rows go; null for a DELTA. */
    private FullSink sink;
    /** The statement a FULL's history rows are written with: {@link #INSERT_HISTORY} or {@link #INSERT_HISTORY_IF_NEW}. */
    private String historyInsert = INSERT_HISTORY_IF_NEW;

    /** {@code myNumberAllowed}: the municipality's profile prints 個人番号 ({@code printMyNumber}). */
    ReplicaWriter(JdbcTemplate jdbc, ExportHeader header, boolean myNumberAllowed) {
        this.jdbc = jdbc;
        this.header = header;
        this.m = header.municipality();
        this.full = header.kind() == ExportHeader.Kind.FULL;
        this.source = SourceSystem.of(header.source());
        this.myNumberAllowed = myNumberAllowed;
    }

    /** Before the first record of a FULL snapshot: the snapshot replaces everything of the source. */
    void begin() {
        if (source == SourceSystem.JUKI && !myNumberAllowed && !full) {
            // 個人番号 stay only where the profile prints them (a FULL deletes the table below anyway)
            jdbc.update("delete from my_number where municipality_code = ?", m);
        }
        if (!full) {
            return;
        }
        for (String table : FULL_REPLACES.get(source)) {
            jdbc.update("delete from " + table + " where municipality_code = ?", m);
        }
        boolean historyEmpty = source == SourceSystem.JUKI && !Boolean.TRUE.equals(jdbc.query(
                "select 1 from resident_history where municipality_code = ? fetch first 1 rows only",
                (org.springframework.jdbc.core.ResultSetExtractor<Boolean>) rs -> rs.next(), m));
        DataSource ds = jdbc.getDataSource();
        Connection con = ds == null ? null : DataSourceUtils.getConnection(ds);
        boolean postgres;
        try {
            postgres = COPY && con != null && con.isWrapperFor(PGConnection.class);
        } catch (SQLException e) {
            postgres = false;
        }
        if (postgres) {
            sink = new CopySink(ds, con, historyEmpty);
            historyInsert = INSERT_HISTORY;
        } else {
            if (con != null) {
                DataSourceUtils.releaseConnection(con, ds);
            }
            historyInsert = historyEmpty ? INSERT_HISTORY : INSERT_HISTORY_IF_NEW;
            sink = new BatchSink();
        }
    }

    void accept(RecordType type, String[] fields, long line) {
        RecordFields r = new RecordFields(type, fields, line);
        if (!source.recordTypes().contains(type)) {
            throw new ExportFileException("RECORD_TYPE_NOT_FOR_SOURCE",
                    "payload line " + line + ": source " + source + " does not send " + type + " records");
        }
        if (type == RecordType.N && !myNumberAllowed) {
            throw new ExportFileException("MY_NUMBER_NOT_ALLOWED", "payload line " + line
                    + ": municipality " + m + " does not print 個人番号, so its replica takes no N records");
        }
        try {
            switch (type) {
                case H -> household(r, fields);
                case R -> resident(r, fields);
                case C -> card(r, fields);
                case B -> block(r);
                case S -> seal(r);
                case T -> tax(r);
                case K -> honseki(r);
                case N -> myNumber(r);
                default -> throw new ExportFileException("UNKNOWN_RECORD_TYPE", "payload line " + line);
            }
        } catch (DuplicateKeyException e) {
            throw new ExportFileException("DUPLICATE_KEY", "payload line " + line + ": " + type + " key appears twice");
        }
    }

    /** Writes what is still batched and checks that every current resident has a household. */
    void end() {
        long t0 = System.nanoTime();
        if (sink != null) {
            sink.finish();
        }
        long t1 = System.nanoTime();
        if (source != SourceSystem.JUKI || header.totalRecords() == 0) {
            // the reference checks concern households, residents, serials and 個人番号: only JUKI files write them
            return;
        }
        long orphans = countWritten("select count(*) from resident r where r.municipality_code = ?"
                + " and r.source_sequence = ? and r.status <> 'REMOVED' and not exists (select 1 from household h"
                + " where h.municipality_code = r.municipality_code and h.household_no = r.household_no)",
                "r.atena_no", touchedResidents);
        if (orphans > 0) {
            throw new ExportFileException("DANGLING_REFERENCE", orphans + " resident(s) name a household the replica does not have");
        }
        for (String no : deletedHouseholds) {
            Integer left = jdbc.queryForObject("select count(*) from resident where municipality_code = ?"
                    + " and household_no = ? and status <> 'REMOVED'", Integer.class, m, no);
            boolean recreated = Boolean.TRUE.equals(jdbc.queryForObject("select count(*) > 0 from household"
                    + " where municipality_code = ? and household_no = ?", Boolean.class, m, no));
            if (left != null && left > 0 && !recreated) {
                throw new ExportFileException("DANGLING_REFERENCE", "a deleted household still has current residents");
            }
        }
        // H2 would walk the primary key (serials: random order) and fetch each row; its person index is ~8x faster
        String cards = !byKey() && "H2".equals(jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<String>)
                c -> c.getMetaData().getDatabaseProductName())) ? "card_serial c use index (card_serial_person)" : "card_serial c";
        long cardOrphans = countWritten("select count(*) from " + cards + " where c.municipality_code = ?"
                + " and c.source_sequence = ? and not exists (select 1 from resident r"
                + " where r.municipality_code = c.municipality_code and r.atena_no = c.atena_no)",
                "c.serial", touchedSerials);
        if (cardOrphans > 0) {
            throw new ExportFileException("DANGLING_REFERENCE", cardOrphans + " serial(s) name a resident the replica does not have");
        }
        if (myNumbersWritten > 0) {
            long numberOrphans = countWritten("select count(*) from my_number n where n.municipality_code = ?"
                    + " and n.source_sequence = ? and not exists (select 1 from resident r"
                    + " where r.municipality_code = n.municipality_code and r.atena_no = n.atena_no)",
                    "n.atena_no", touchedNumbers);
            if (numberOrphans > 0) {
                throw new ExportFileException("DANGLING_REFERENCE",
                        numberOrphans + " 個人番号 record(s) name a resident the replica does not have");
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("sync {} {} seq {}: last rows written in {} ms ({}), reference checks {} ms", m, header.source(),
                    header.sequence(), (t1 - t0) / 1_000_000, sink == null ? "statements" : sink.getClass().getSimpleName(),
                    (System.nanoTime() - t1) / 1_000_000);
        }
    }

    /** A DELTA that wrote few enough keys: {@link #end()} checks those rows only. */
    private boolean byKey() {
        return !full && !touchedOverflow;
    }

    private void touch(java.util.Set<String> keys, String key) {
        if (byKey()) {
            keys.add(key);
            touchedOverflow = keys.size() > TOUCHED_MAX;
        }
    }

    /**
     * Runs a reference check ({@code sql} with parameters municipality and sequence, counting this file's rows
     * that break it): over the municipality, or for a DELTA limited to the keys it wrote, in chunks. The rows
     * with this file's {@code source_sequence} are exactly the rows it wrote, so both give the same count.
     */
    private long countWritten(String sql, String keyColumn, java.util.Set<String> keys) {
        if (!byKey()) {
            Long n = jdbc.queryForObject(sql, Long.class, m, header.sequence());
            return n == null ? 0 : n;
        }
        List<String> list = new ArrayList<>(keys);
        long total = 0;
        for (int i = 0; i < list.size(); i += KEY_CHUNK) {
            List<String> chunk = list.subList(i, Math.min(list.size(), i + KEY_CHUNK));
            Object[] args = new Object[chunk.size() + 2];
            args[0] = m;
            args[1] = header.sequence();
            for (int k = 0; k < chunk.size(); k++) {
                args[k + 2] = chunk.get(k);
            }
            Long n = jdbc.queryForObject(sql + " and " + keyColumn + " in (" + "?,".repeat(chunk.size() - 1) + "?)",
                    Long.class, args);
            total += n == null ? 0 : n;
        }
        return total;
    }

    private void household(RecordFields r, String[] f) {
        String op = oneOf(r, f, H_OP, "op", OPS);
        String no = digits(r, f, H_NO, "household_no", 1, 20, true);
        if (op.equals("D")) {
            requireDelta(r, "household_no");
            jdbc.update("delete from household where municipality_code = ? and household_no = ?", m, no);
            deletedHouseholds.add(no);
            return;
        }
        Object[] row = {m, no, digits(r, f, H_HEAD, "head_atena_no", 15, 15, false), str(f, H_POSTAL),
            required(r, f, H_ADDRESS, "address"), str(f, H_KATAGAKI), flag(r, f, H_BLOCK, "household_block"),
            header.sequence()};
        if (full) {
            sink.add(INSERT_HOUSEHOLD, row);
        } else {
            jdbc.update("delete from household where municipality_code = ? and household_no = ?", m, no);
            jdbc.update(INSERT_HOUSEHOLD, row);
        }
    }

    private void resident(RecordFields r, String[] f) {
        if (!"U".equals(f[R_OP])) {
            r.oneOf("op", U_ONLY);
        }
        String atena = required(r, f, R_ATENA, "atena_no");
        if (!AtenaNumber.isValid(atena)) {
            throw r.bad("atena_no", "check digit (modulus 11) does not match");
        }
        int historyNo = r.integer("history_no");
        String type = oneOf(r, f, R[5], "resident_type", RESIDENT_TYPES);
        if (type.equals("J") && (str(f, R[6]) == null || str(f, R[7]) == null)) {
            throw r.bad("family_name", "a Japanese resident needs family and given name");
        }
        if (type.equals("F") && str(f, R[13]) == null) {
            throw r.bad("alpha_name", "a foreign resident needs the alphabetic name");
        }
        // the columns in file order, as RecordType.R lists them (R[i] = field index of column i)
        Object[] row = {m, atena, historyNo, digits(r, f, R[3], "household_no", 1, 20, true),
            digits(r, f, R[4], "juminhyo_code", 11, 11, false), type,
            str(f, R[6]), str(f, R[7]), str(f, R[8]), str(f, R[9]),
            flag(r, f, R[10], "kana_confirmed"), str(f, R[11]), str(f, R[12]), str(f, R[13]),
            str(f, R[14]), str(f, R[15]), str(f, R[16]), str(f, R[17]),
            date(r, f, R[18], "residence_period_end"), str(f, R[19]),
            requiredDate(r, f, R[20], "birth_date"), oneOf(r, f, R[21], "sex", SEXES),
            required(r, f, R[22], "relationship"),
            str(f, R[23]), str(f, R[24]), date(r, f, R[25], "address_since"), str(f, R[26]),
            date(r, f, R[27], "became_resident_date"), date(r, f, R[28], "notified_date"),
            oneOf(r, f, R[29], "status", STATUSES),
            flag(r, f, R[30], "person_block"), oneOf(r, f, R[31], "support_measure", SUPPORT),
            flag(r, f, R[32], "adult_guardianship"),
            str(f, R[33]), date(r, f, R[34], "change_date"), date(r, f, R[35], "change_notified_date"),
            date(r, f, R[36], "processed_date"),
            header.sequence()};
        Object[] hist = {m, atena, historyNo, row[3], row[29], row[33], row[34], row[35], row[36], header.sequence()};
        if (full) {
            sink.add(INSERT_RESIDENT, row);
            if (historyInsert == INSERT_HISTORY) {
                sink.add(INSERT_HISTORY, hist);
            } else {
                Object[] histIfNew = java.util.Arrays.copyOf(hist, hist.length + 3);
                histIfNew[hist.length] = m;
                histIfNew[hist.length + 1] = atena;
                histIfNew[hist.length + 2] = historyNo;
                sink.add(INSERT_HISTORY_IF_NEW, histIfNew);
            }
            return;
        }
        touch(touchedResidents, atena);
        jdbc.update("delete from resident_history where municipality_code = ? and atena_no = ? and history_no = ?",
                m, atena, historyNo);
        jdbc.update(INSERT_HISTORY, hist);
        Integer current = jdbc.query("select history_no from resident where municipality_code = ? and atena_no = ?",
                rs -> rs.next() ? rs.getInt(1) : null, m, atena);
        if (current != null && current > historyNo) {
            return;
        }
        jdbc.update("delete from resident where municipality_code = ? and atena_no = ?", m, atena);
        jdbc.update(INSERT_RESIDENT, row);
    }

    private void card(RecordFields r, String[] f) {
        String op = oneOf(r, f, C_OP, "op", OPS);
        String serial = alnum(r, f, C_SERIAL, "serial", 8, 40);
        if (op.equals("D")) {
            requireDelta(r, "serial");
            jdbc.update("delete from card_serial where municipality_code = ? and serial = ?", m, serial);
            return;
        }
        Object[] row = {m, serial, required(r, f, C_ATENA, "atena_no"), oneOf(r, f, C_KIND, "cert_kind", CERT_KINDS),
            date(r, f, C_VALID, "valid_until"), oneOf(r, f, C_STATUS, "status", CERT_STATUSES), header.sequence()};
        if (full) {
            sink.add(INSERT_CARD, row);
        } else {
            touch(touchedSerials, serial);
            jdbc.update("delete from card_serial where municipality_code = ? and serial = ?", m, serial);
            jdbc.update(INSERT_CARD, row);
        }
    }

    private void block(RecordFields r) {
        String op = r.op();
        String id = r.matching("block_id", "[0-9A-Za-z-]{1,20}", true);
        if (deleted(r, op, "issuance_block", "block_id", id)) {
            // a real removal of the block; the registry never sends a temporary lift (一時解除)
            return;
        }
        String atena = r.matching("atena_no", "[0-9]{15}", false);
        String household = r.matching("household_no", "[0-9]{1,20}", false);
        if ((atena == null) == (household == null)) {
            throw r.bad("atena_no", "a block names exactly one of atena_no and household_no");
        }
        upsert(INSERT_BLOCK, "issuance_block", "block_id", id,
                new Object[] {m, id, atena, household, r.oneOf("block_kind", BLOCK_KINDS), r.date("valid_from"),
                    r.date("valid_until"), header.sequence()});
    }

    private void seal(RecordFields r) {
        String op = r.op();
        String no = r.matching("registration_no", "[0-9A-Za-z-]{1,20}", true);
        if (deleted(r, op, "seal_registration", "registration_no", no)) {
            return;
        }
        String status = r.oneOf("status", SEAL_STATUSES);
        java.sql.Date cancelled = r.date("cancelled_date");
        if (status.equals("CANCELLED") && cancelled == null) {
            throw r.bad("cancelled_date", "a cancelled registration needs its cancellation date");
        }
        byte[] image = r.base64("seal_image", MAX_SEAL_IMAGE_BYTES, status.equals("VALID"));
        upsert(INSERT_SEAL, "seal_registration", "registration_no", no,
                new Object[] {m, no, r.matching("atena_no", "[0-9]{15}", true), status, r.oneOf("name_form", NAME_FORMS),
                    r.requiredDate("registered_date"), cancelled, image, header.sequence()});
    }

    private void tax(RecordFields r) {
        r.oneOf("op", Set.of("U"));
        int year = r.integer("fiscal_year");
        if (year < 2000 || year > 2100) {
            throw r.bad("fiscal_year", "out of range");
        }
        String atena = r.matching("atena_no", "[0-9]{15}", true);
        Object[] row = {m, year, atena, r.str("address_jan1"), r.flag("resident_jan1"), r.oneOf("filing_kind", FILING_KINDS),
            r.yen("income_salary"), r.yen("income_pension"), r.yen("income_business"), r.yen("income_other"),
            r.yen("total_income"), r.yen("deductions"), r.yen("taxable_income"), r.yen("city_per_capita"),
            r.yen("city_income_levy"), r.yen("pref_per_capita"), r.yen("pref_income_levy"), r.flag("non_taxed"),
            header.sequence()};
        if (full) {
            sink.add(INSERT_TAX, row);
        } else {
            jdbc.update("delete from tax_record where municipality_code = ? and fiscal_year = ? and atena_no = ?", m, year, atena);
            jdbc.update(INSERT_TAX, row);
        }
    }

    private void honseki(RecordFields r) {
        String op = r.op();
        String id = r.matching("registration_id", "[0-9A-Za-z-]{1,20}", true);
        if (deleted(r, op, "honseki_registration", "registration_id", id)) {
            return;
        }
        upsert(INSERT_HONSEKI, "honseki_registration", "registration_id", id,
                new Object[] {m, id, r.matching("serial", "[0-9A-Za-z]{8,40}", true), r.required("honseki"),
                    r.required("hittosha"), r.oneOf("status", HONSEKI_STATUSES), r.requiredDate("applied_date"),
                    r.date("decided_date"), header.sequence()});
    }

    /** 個人番号 of one resident; only reached when the municipality prints it. */
    private void myNumber(RecordFields r) {
        String op = r.op();
        String atena = r.matching("atena_no", "[0-9]{15}", true);
        if (deleted(r, op, "my_number", "atena_no", atena)) {
            return;
        }
        String number = r.myNumber("my_number");
        touch(touchedNumbers, atena);
        upsert(INSERT_MY_NUMBER, "my_number", "atena_no", atena, new Object[] {m, atena, number, header.sequence()});
        myNumbersWritten++;
    }

    /** {@code D}: deletes the row with this key (DELTA only) and says so; {@code U}: false. */
    private boolean deleted(RecordFields r, String op, String table, String keyColumn, String key) {
        if (!op.equals("D")) {
            return false;
        }
        requireDelta(r, keyColumn);
        jdbc.update("delete from " + table + " where municipality_code = ? and " + keyColumn + " = ?", m, key);
        return true;
    }

    /** FULL: batched insert. DELTA: replace the row with the same key. */
    private void upsert(String insert, String table, String keyColumn, String key, Object[] row) {
        if (full) {
            sink.add(insert, row);
        } else {
            jdbc.update("delete from " + table + " where municipality_code = ? and " + keyColumn + " = ?", m, key);
            jdbc.update(insert, row);
        }
    }

    private void requireDelta(RecordFields r, String col) {
        if (full) {
            throw r.bad(col, "a FULL snapshot cannot delete");
        }
    }

    /** Stops a FULL's writing and gives its connection back; after a failure nothing more is written. */
    @Override
    public void close() {
        if (sink != null) {
            sink.close();
        }
    }

    // ---- field checks: the same checks and messages as RecordFields, without regular expressions ----

    /** Field index of each column of R, in RecordType.R order (R[i] == i, named for reading). */
    private static final int[] R = java.util.stream.IntStream.range(0, RecordType.R.columns().size()).toArray();

    static {
        List<String> cols = RecordType.R.columns();
        String[] expected = {"op", "atena_no", "history_no", "household_no", "juminhyo_code", "resident_type",
            "family_name", "given_name", "family_name_kana", "given_name_kana", "kana_confirmed", "kyu_uji",
            "kyu_uji_kana", "alpha_name", "tsusho", "tsusho_kana", "nationality", "residence_status",
            "residence_period_end", "residence_card_no", "birth_date", "sex", "relationship", "honseki", "hittosha",
            "address_since", "previous_address", "became_resident_date", "notified_date", "status", "person_block",
            "support_measure", "adult_guardianship", "change_reason", "change_date", "change_notified_date",
            "processed_date"};
        if (!cols.equals(List.of(expected))) {
            throw new IllegalStateException("RecordType.R changed: update ReplicaWriter.resident");
        }
    }

    private static String str(String[] f, int i) {
        String v = f[i];
        return v.isEmpty() ? null : v;
    }

    private static String required(RecordFields r, String[] f, int i, String col) {
        String v = f[i];
        return v.isEmpty() ? r.required(col) : v;
    }

    private static String oneOf(RecordFields r, String[] f, int i, String col, Set<String> allowed) {
        String v = f[i];
        return allowed.contains(v) ? v : r.oneOf(col, allowed);
    }

    private static boolean flag(RecordFields r, String[] f, int i, String col) {
        String v = f[i];
        if (v.equals("1")) {
            return true;
        }
        if (v.equals("0") || v.isEmpty()) {
            return false;
        }
        return r.flag(col);
    }

    /** {@code [0-9]{min,max}}; empty is "required" or null. */
    private static String digits(RecordFields r, String[] f, int i, String col, int min, int max, boolean required) {
        String v = f[i];
        if (v.isEmpty()) {
            return required ? r.required(col) : null;
        }
        int n = v.length();
        boolean ok = n >= min && n <= max;
        for (int k = 0; ok && k < n; k++) {
            char c = v.charAt(k);
            ok = c >= '0' && c <= '9';
        }
        if (!ok) {
            throw r.bad(col, "malformed");
        }
        return v;
    }

    /** Required {@code [0-9A-Za-z]{min,max}}. */
    private static String alnum(RecordFields r, String[] f, int i, String col, int min, int max) {
        String v = f[i];
        if (v.isEmpty()) {
            return r.required(col);
        }
        int n = v.length();
        boolean ok = n >= min && n <= max;
        for (int k = 0; ok && k < n; k++) {
            char c = v.charAt(k);
            ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        }
        if (!ok) {
            throw r.bad(col, "malformed");
        }
        return v;
    }

    /** An era date, parsed once per distinct value; invalid ones are left to RecordFields to report. */
    private java.sql.Date date(RecordFields r, String[] f, int i, String col) {
        String v = f[i];
        if (v.isEmpty()) {
            return null;
        }
        java.sql.Date d = dates.get(v);
        if (d == null) {
            d = r.date(col);
            if (dates.size() < DATE_CACHE) {
                dates.put(v, d);
            }
        }
        return d;
    }

    private java.sql.Date requiredDate(RecordFields r, String[] f, int i, String col) {
        if (f[i].isEmpty()) {
            r.required(col);
        }
        return date(r, f, i, col);
    }

    // ---- where a FULL's rows go ----

    /** The rows of a FULL snapshot, by the insert statement that names their table and columns. */
    private interface FullSink {
        void add(String insert, Object[] row);

        /** Everything added is written (or the failure thrown). */
        void finish();

        /** Stops; what was not written is dropped. */
        void close();
    }

    /** JDBC batches, households before residents before cards, every {@value #BATCH} rows of any table. */
    private final class BatchSink implements FullSink {
        private final Map<String, List<Object[]>> batches = new LinkedHashMap<>();

        BatchSink() {
            for (String sql : List.of(INSERT_HOUSEHOLD, INSERT_RESIDENT, historyInsert, INSERT_CARD)) {
                batches.put(sql, new ArrayList<>());
            }
        }

        @Override
        public void add(String insert, Object[] row) {
            List<Object[]> batch = batches.computeIfAbsent(insert, k -> new ArrayList<>());
            batch.add(row);
            if (batch.size() >= BATCH) {
                finish();
            }
        }

        @Override
        public void finish() {
            for (Map.Entry<String, List<Object[]>> e : batches.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    jdbc.batchUpdate(e.getKey(), e.getValue());
                    e.getValue().clear();
                }
            }
        }

        @Override
        public void close() {
            batches.clear();
        }
    }

    /** PostgreSQL COPY through {@link CopyStream}, on the transaction's connection. */
    private final class CopySink implements FullSink {
        private static final String STAGE = "kofu_history_stage";
        private final DataSource ds;
        private final Connection con;
        private final boolean staged;
        private final Map<String, CopyStream.Target> targets = new HashMap<>();
        private final CopyStream stream;

        CopySink(DataSource ds, Connection con, boolean historyEmpty) {
            this.ds = ds;
            this.con = con;
            this.staged = source == SourceSystem.JUKI && !historyEmpty;
            if (staged) {
                // dropped with the transaction, committed or not
                jdbc.execute("create temporary table " + STAGE + " (like resident_history) on commit drop");
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
                String table = insert.equals(INSERT_HISTORY) && staged ? STAGE : mt.group(1);
                t = stream.target(table, mt.group(2));
                targets.put(insert, t);
            }
            t.row(row);
        }

        @Override
        public void finish() {
            stream.finish();
            if (source == SourceSystem.JUKI) {
                // Fresh statistics (ANALYZE counts this transaction's own rows) let the reference checks in
                // end() hash-join millions of rows instead of probing an index per row (≈ 6 s instead of
                // 16 s at 3.8 million residents); they commit with the file, so readers profit too.
                // Holds SHARE UPDATE EXCLUSIVE until commit: blocks only autovacuum and other ANALYZEs.
                jdbc.execute(myNumbersWritten > 0 ? "analyze household, resident, card_serial, my_number"
                        : "analyze household, resident, card_serial");
            }
            if (staged) {
                String cols = "municipality_code, atena_no, history_no, household_no, status, change_reason, change_date,"
                        + " change_notified_date, processed_date, source_sequence";
                jdbc.update("insert into resident_history (" + cols + ") select " + cols + " from " + STAGE + " s"
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
}
