package jp.kofuhub.sync;

import static jp.kofuhub.sync.FastFields.R;
import static jp.kofuhub.sync.FastFields.alnum;
import static jp.kofuhub.sync.FastFields.digits;
import static jp.kofuhub.sync.FastFields.flag;
import static jp.kofuhub.sync.FastFields.oneOf;
import static jp.kofuhub.sync.FastFields.required;
import static jp.kofuhub.sync.FastFields.str;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_BLOCK;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_CARD;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_HONSEKI;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_HOUSEHOLD;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_MY_NUMBER;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_RESIDENT;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_SEAL;
import static jp.kofuhub.sync.ReplicaStatements.INSERT_TAX;

import java.util.Set;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.registry.SourceSystem;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes the records of one export file into the replica tables. Called inside the file's
 * transaction by {@link RegistrySync}: it never commits and never reads the file itself. A FULL
 * snapshot replaces the municipality's rows; a DELTA upserts each record by its key, collected and
 * written in batches by {@link DeltaApply} (flushed in {@link #end()}). A resident snapshot older
 * than the stored one (lower 履歴番号) updates only the history, never the current row.
 *
 * <p>個人番号 ({@code N} records) are written only for a municipality whose profile prints them: for
 * any other the first {@code N} record rejects the file ({@code MY_NUMBER_NOT_ALLOWED}), and every
 * JUKI file applied for it removes whatever {@code my_number} rows it still has (e.g. after the
 * profile was switched off). The number itself never appears in a message.
 *
 * <p>How a FULL is written (it may hold millions of records; memory stays bounded either way):
 *
 * <ul>
 *   <li>PostgreSQL: {@code COPY FROM STDIN} on the transaction's connection ({@link CopyStream},
 *       {@link CopySink}), in chunks written by a second thread while this one reads and checks the
 *       file. History rows go straight into {@code resident_history} when the municipality has none
 *       yet; otherwise into a temporary table, from which only the (atena_no, history_no) not
 *       stored yet are inserted at the end (a FULL never replaces a stored history row).
 *   <li>Other databases (H2): JDBC batches of {@value BatchSink#BATCH} rows; history rows as a
 *       plain insert when the municipality has none yet, else insert-where-not-exists.
 * </ul>
 *
 * The FULL side is {@link FullReplace}, the DELTA side {@link DeltaApply}, the end-of-file checks
 * {@link ReferenceChecks}, the statements {@link ReplicaStatements}. System property {@code
 * kofu.sync.copy=false} turns COPY off (batches on PostgreSQL too; add {@code
 * reWriteBatchedInserts=true} to the JDBC URL then).
 */
class ReplicaWriter implements AutoCloseable {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ReplicaWriter.class);

    private static final Set<String> OPS = Set.of("U", "D");
    private static final Set<String> U_ONLY = Set.of("U");
    private static final Set<String> RESIDENT_TYPES = Set.of("J", "F");
    private static final Set<String> SEXES = Set.of("1", "2");
    private static final Set<String> STATUSES = Set.of("RESIDENT", "MOVE_OUT_PLANNED", "REMOVED");
    private static final Set<String> SUPPORT = Set.of("NONE", "ACTIVE", "PROVISIONAL");
    private static final Set<String> CERT_KINDS = Set.of("CARD", "PHONE");
    private static final Set<String> CERT_STATUSES = Set.of("VALID", "REVOKED", "SUSPENDED");
    private static final Set<String> BLOCK_KINDS =
            Set.of("SUPPORT_MEASURE", "SUPPORT_MEASURE_PROVISIONAL", "SUPPRESSION");
    private static final Set<String> SEAL_STATUSES = Set.of("VALID", "CANCELLED");
    private static final Set<String> NAME_FORMS = Set.of("NAME", "KYU_UJI", "TSUSHO", "ALPHA");
    private static final Set<String> FILING_KINDS = Set.of("RETURN", "EMPLOYER", "PENSION", "NONE");
    private static final Set<String> HONSEKI_STATUSES =
            Set.of("PENDING", "APPROVED", "REJECTED", "CANCELLED");
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

    private final JdbcTemplate jdbc;
    private final ExportHeader header;
    private final String m;
    private final boolean full;
    private final SourceSystem source;

    /** The municipality's profile prints 個人番号: only then are N records accepted. */
    private final boolean myNumberAllowed;

    /** N records written (U) by this file: they get the reference check in {@link #end()}. */
    private long myNumbersWritten;

    private final ReferenceChecks checks;
    private final DeltaApply delta;
    private final FastFields fields = new FastFields();

    /** Where a FULL's rows go; null for a DELTA. */
    private FullReplace sink;

    /** {@code myNumberAllowed}: the municipality's profile prints 個人番号 ({@code printMyNumber}). */
    ReplicaWriter(JdbcTemplate jdbc, ExportHeader header, boolean myNumberAllowed) {
        this.jdbc = jdbc;
        this.header = header;
        this.m = header.municipality();
        this.full = header.kind() == ExportHeader.Kind.FULL;
        this.source = SourceSystem.of(header.source());
        this.myNumberAllowed = myNumberAllowed;
        this.checks = new ReferenceChecks(jdbc, m, header.sequence(), full);
        this.delta = new DeltaApply(jdbc, m);
    }

    /**
     * Before the first record of a FULL snapshot: the snapshot replaces everything of the source.
     */
    void begin() {
        if (source == SourceSystem.JUKI && !myNumberAllowed && !full) {
            // 個人番号 stay only where the profile prints them (a FULL deletes the table below anyway)
            delta.dropMyNumbers();
        }
        if (!full) {
            return;
        }
        sink = FullReplace.begin(jdbc, m, source, () -> myNumbersWritten > 0);
    }

    void accept(RecordType type, String[] fields, long line) {
        RecordFields r = new RecordFields(type, fields, line);
        if (!source.recordTypes().contains(type)) {
            throw new ExportFileException(
                    "RECORD_TYPE_NOT_FOR_SOURCE",
                    "payload line "
                            + line
                            + ": source "
                            + source
                            + " does not send "
                            + type
                            + " records");
        }
        if (type == RecordType.N && !myNumberAllowed) {
            throw new ExportFileException(
                    "MY_NUMBER_NOT_ALLOWED",
                    "payload line "
                            + line
                            + ": municipality "
                            + m
                            + " does not print 個人番号, so its replica takes no N records");
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
                default ->
                        throw new ExportFileException(
                                "UNKNOWN_RECORD_TYPE", "payload line " + line);
            }
        } catch (DuplicateKeyException e) {
            throw new ExportFileException(
                    "DUPLICATE_KEY", "payload line " + line + ": " + type + " key appears twice");
        }
    }

    /** Writes what is still batched and checks that every current resident has a household. */
    void end() {
        long t0 = System.nanoTime();
        if (sink != null) {
            sink.finish();
        } else {
            delta.flush();
        }
        long t1 = System.nanoTime();
        if (source != SourceSystem.JUKI || header.totalRecords() == 0) {
            // the reference checks concern households, residents, serials and 個人番号: only JUKI files
            // write them
            return;
        }
        checks.run(myNumbersWritten > 0);
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "sync {} {} seq {}: last rows written in {} ms ({}), reference checks {} ms",
                    m,
                    header.source(),
                    header.sequence(),
                    (t1 - t0) / 1_000_000,
                    sink == null ? "statements" : sink.how(),
                    (System.nanoTime() - t1) / 1_000_000);
        }
    }

    private void household(RecordFields r, String[] f) {
        String op = oneOf(r, f, H_OP, "op", OPS);
        String no = digits(r, f, H_NO, "household_no", 1, 20, true);
        if (op.equals("D")) {
            requireDelta(r, "household_no");
            delta.delete("household", "household_no", no);
            checks.householdDeleted(no);
            return;
        }
        Object[] row = {
            m,
            no,
            digits(r, f, H_HEAD, "head_atena_no", 15, 15, false),
            str(f, H_POSTAL),
            required(r, f, H_ADDRESS, "address"),
            str(f, H_KATAGAKI),
            flag(r, f, H_BLOCK, "household_block"),
            header.sequence()
        };
        if (full) {
            sink.add(INSERT_HOUSEHOLD, row);
        } else {
            delta.replace(INSERT_HOUSEHOLD, "household", "household_no", no, row);
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
        Object[] row = {
            m,
            atena,
            historyNo,
            digits(r, f, R[3], "household_no", 1, 20, true),
            digits(r, f, R[4], "juminhyo_code", 11, 11, false),
            type,
            str(f, R[6]),
            str(f, R[7]),
            str(f, R[8]),
            str(f, R[9]),
            flag(r, f, R[10], "kana_confirmed"),
            str(f, R[11]),
            str(f, R[12]),
            str(f, R[13]),
            str(f, R[14]),
            str(f, R[15]),
            str(f, R[16]),
            str(f, R[17]),
            fields.date(r, f, R[18], "residence_period_end"),
            str(f, R[19]),
            fields.requiredDate(r, f, R[20], "birth_date"),
            oneOf(r, f, R[21], "sex", SEXES),
            required(r, f, R[22], "relationship"),
            str(f, R[23]),
            str(f, R[24]),
            fields.date(r, f, R[25], "address_since"),
            str(f, R[26]),
            fields.date(r, f, R[27], "became_resident_date"),
            fields.date(r, f, R[28], "notified_date"),
            oneOf(r, f, R[29], "status", STATUSES),
            flag(r, f, R[30], "person_block"),
            oneOf(r, f, R[31], "support_measure", SUPPORT),
            flag(r, f, R[32], "adult_guardianship"),
            str(f, R[33]),
            fields.date(r, f, R[34], "change_date"),
            fields.date(r, f, R[35], "change_notified_date"),
            fields.date(r, f, R[36], "processed_date"),
            header.sequence()
        };
        Object[] hist = {
            m,
            atena,
            historyNo,
            row[3],
            row[29],
            row[33],
            row[34],
            row[35],
            row[36],
            row[26],
            header.sequence()
        };
        if (full) {
            sink.add(INSERT_RESIDENT, row);
            sink.addHistory(hist, m, atena, historyNo);
            return;
        }
        checks.residentWritten(atena);
        delta.resident(atena, historyNo, row, hist);
    }

    private void card(RecordFields r, String[] f) {
        String op = oneOf(r, f, C_OP, "op", OPS);
        String serial = alnum(r, f, C_SERIAL, "serial", 8, 40);
        if (op.equals("D")) {
            requireDelta(r, "serial");
            delta.delete("card_serial", "serial", serial);
            return;
        }
        Object[] row = {
            m,
            serial,
            required(r, f, C_ATENA, "atena_no"),
            oneOf(r, f, C_KIND, "cert_kind", CERT_KINDS),
            fields.date(r, f, C_VALID, "valid_until"),
            oneOf(r, f, C_STATUS, "status", CERT_STATUSES),
            header.sequence()
        };
        if (full) {
            sink.add(INSERT_CARD, row);
        } else {
            checks.serialWritten(serial);
            delta.replace(INSERT_CARD, "card_serial", "serial", serial, row);
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
        upsert(
                INSERT_BLOCK,
                "issuance_block",
                "block_id",
                id,
                new Object[] {
                    m,
                    id,
                    atena,
                    household,
                    r.oneOf("block_kind", BLOCK_KINDS),
                    r.date("valid_from"),
                    r.date("valid_until"),
                    header.sequence()
                });
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
        java.math.BigDecimal[] size = impression(r);
        upsert(
                INSERT_SEAL,
                "seal_registration",
                "registration_no",
                no,
                new Object[] {
                    m,
                    no,
                    r.matching("atena_no", "[0-9]{15}", true),
                    status,
                    r.oneOf("name_form", NAME_FORMS),
                    r.requiredDate("registered_date"),
                    cancelled,
                    image,
                    size[0],
                    size[1],
                    header.sequence()
                });
    }

    /**
     * {@code impression_mm} (contract 1.6): {@code <width>x<height>} in millimetres, 1.0–99.9 with
     * at most one decimal, e.g. {@code 15x15} or {@code 12.5x18.0}; empty (or a record of an
     * earlier contract) gives no size, and the certificate is refused SEAL_SIZE_UNKNOWN.
     */
    static java.math.BigDecimal[] impression(RecordFields r) {
        String v =
                r.matching("impression_mm", "[0-9]{1,2}(\\.[0-9])?x[0-9]{1,2}(\\.[0-9])?", false);
        if (v == null || v.isEmpty()) {
            return new java.math.BigDecimal[2];
        }
        String[] wh = v.split("x");
        java.math.BigDecimal w = new java.math.BigDecimal(wh[0]);
        java.math.BigDecimal h = new java.math.BigDecimal(wh[1]);
        if (w.compareTo(java.math.BigDecimal.ONE) < 0
                || h.compareTo(java.math.BigDecimal.ONE) < 0) {
            throw r.bad("impression_mm", "an impression is at least 1 mm wide and high");
        }
        return new java.math.BigDecimal[] {w, h};
    }

    private void tax(RecordFields r) {
        r.oneOf("op", Set.of("U"));
        int year = r.integer("fiscal_year");
        if (year < 2000 || year > 2100) {
            throw r.bad("fiscal_year", "out of range");
        }
        String atena = r.matching("atena_no", "[0-9]{15}", true);
        Object[] row = {
            m,
            year,
            atena,
            r.str("address_jan1"),
            r.flag("resident_jan1"),
            r.oneOf("filing_kind", FILING_KINDS),
            r.yen("income_salary"),
            r.yen("income_pension"),
            r.yen("income_business"),
            r.yen("income_other"),
            r.yen("total_income"),
            r.yen("deductions"),
            r.yen("taxable_income"),
            r.yen("city_per_capita"),
            r.yen("city_income_levy"),
            r.yen("pref_per_capita"),
            r.yen("pref_income_levy"),
            r.flag("non_taxed"),
            header.sequence()
        };
        if (full) {
            sink.add(INSERT_TAX, row);
        } else {
            delta.replaceTax(year, atena, row);
        }
    }

    private void honseki(RecordFields r) {
        String op = r.op();
        String id = r.matching("registration_id", "[0-9A-Za-z-]{1,20}", true);
        if (deleted(r, op, "honseki_registration", "registration_id", id)) {
            return;
        }
        upsert(
                INSERT_HONSEKI,
                "honseki_registration",
                "registration_id",
                id,
                new Object[] {
                    m,
                    id,
                    r.matching("serial", "[0-9A-Za-z]{8,40}", true),
                    r.required("honseki"),
                    r.required("hittosha"),
                    r.oneOf("status", HONSEKI_STATUSES),
                    r.requiredDate("applied_date"),
                    r.date("decided_date"),
                    header.sequence()
                });
    }

    /** 個人番号 of one resident; only reached when the municipality prints it. */
    private void myNumber(RecordFields r) {
        String op = r.op();
        String atena = r.matching("atena_no", "[0-9]{15}", true);
        if (deleted(r, op, "my_number", "atena_no", atena)) {
            return;
        }
        String number = r.myNumber("my_number");
        checks.myNumberWritten(atena);
        upsert(
                INSERT_MY_NUMBER,
                "my_number",
                "atena_no",
                atena,
                new Object[] {m, atena, number, header.sequence()});
        myNumbersWritten++;
    }

    /** {@code D}: deletes the row with this key (DELTA only) and says so; {@code U}: false. */
    private boolean deleted(RecordFields r, String op, String table, String keyColumn, String key) {
        if (!op.equals("D")) {
            return false;
        }
        requireDelta(r, keyColumn);
        delta.delete(table, keyColumn, key);
        return true;
    }

    /** FULL: batched insert. DELTA: replace the row with the same key. */
    private void upsert(String insert, String table, String keyColumn, String key, Object[] row) {
        if (full) {
            sink.add(insert, row);
        } else {
            delta.replace(insert, table, keyColumn, key, row);
        }
    }

    private void requireDelta(RecordFields r, String col) {
        if (full) {
            throw r.bad(col, "a FULL snapshot cannot delete");
        }
    }

    /**
     * Stops a FULL's writing and gives its connection back; after a failure nothing more is
     * written.
     */
    @Override
    public void close() {
        if (sink != null) {
            sink.close();
        }
    }
}
