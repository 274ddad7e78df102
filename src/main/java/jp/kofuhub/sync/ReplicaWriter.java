package jp.kofuhub.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * transaction by {@link RegistrySync}: it never commits and never reads the file itself.
 * A FULL snapshot replaces the municipality's rows (inserted in batches); a DELTA upserts each
 * record by its key. A resident snapshot older than the stored one (lower 履歴番号) updates only
 * the history, never the current row.
 */
class ReplicaWriter {

    private static final int BATCH = 1000;
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
    static final String INSERT_HONSEKI = "insert into honseki_registration (municipality_code, registration_id, serial,"
            + " honseki, hittosha, status, applied_date, decided_date, source_sequence) values (?,?,?,?,?,?,?,?,?)";

    /** The tables a FULL snapshot of each source replaces, children first. */
    private static final Map<SourceSystem, List<String>> FULL_REPLACES = Map.of(
            SourceSystem.JUKI, List.of("issuance_block", "card_serial", "resident", "household"),
            SourceSystem.INKAN, List.of("seal_registration"),
            SourceSystem.ZEI, List.of("tax_record"),
            SourceSystem.KOSEKI, List.of("honseki_registration"));
    private static final Set<String> BLOCK_KINDS = Set.of("SUPPORT_MEASURE", "SUPPORT_MEASURE_PROVISIONAL", "SUPPRESSION");
    private static final Set<String> SEAL_STATUSES = Set.of("VALID", "CANCELLED");
    private static final Set<String> NAME_FORMS = Set.of("NAME", "KYU_UJI", "TSUSHO", "ALPHA");
    private static final Set<String> FILING_KINDS = Set.of("RETURN", "EMPLOYER", "PENSION", "NONE");
    private static final Set<String> HONSEKI_STATUSES = Set.of("PENDING", "APPROVED", "REJECTED", "CANCELLED");
    private static final int MAX_SEAL_IMAGE_BYTES = 256 * 1024;

    private final JdbcTemplate jdbc;
    private final ExportHeader header;
    private final String m;
    private final boolean full;
    private final List<Object[]> households = new ArrayList<>();
    private final List<Object[]> residents = new ArrayList<>();
    private final List<Object[]> history = new ArrayList<>();
    private final List<Object[]> cards = new ArrayList<>();
    private final Map<String, List<Object[]>> others = new java.util.LinkedHashMap<>();
    private final SourceSystem source;
    private final List<String> deletedHouseholds = new ArrayList<>();

    ReplicaWriter(JdbcTemplate jdbc, ExportHeader header) {
        this.jdbc = jdbc;
        this.header = header;
        this.m = header.municipality();
        this.full = header.kind() == ExportHeader.Kind.FULL;
        this.source = SourceSystem.of(header.source());
    }

    /** Before the first record of a FULL snapshot: the snapshot replaces everything of the source. */
    void begin() {
        if (full) {
            for (String table : FULL_REPLACES.get(source)) {
                jdbc.update("delete from " + table + " where municipality_code = ?", m);
            }
        }
    }

    void accept(RecordType type, String[] fields, long line) {
        RecordFields r = new RecordFields(type, fields, line);
        if (!source.recordTypes().contains(type)) {
            throw new ExportFileException("RECORD_TYPE_NOT_FOR_SOURCE",
                    "payload line " + line + ": source " + source + " does not send " + type + " records");
        }
        try {
            switch (type) {
                case H -> household(r);
                case R -> resident(r);
                case C -> card(r);
                case B -> block(r);
                case S -> seal(r);
                case T -> tax(r);
                case K -> honseki(r);
                default -> throw new ExportFileException("UNKNOWN_RECORD_TYPE", "payload line " + line);
            }
        } catch (DuplicateKeyException e) {
            throw new ExportFileException("DUPLICATE_KEY", "payload line " + line + ": " + type + " key appears twice");
        }
    }

    /** Writes what is still batched and checks that every current resident has a household. */
    void end() {
        flush();
        Integer orphans = jdbc.queryForObject("select count(*) from resident r where r.municipality_code = ?"
                + " and r.source_sequence = ? and r.status <> 'REMOVED' and not exists (select 1 from household h"
                + " where h.municipality_code = r.municipality_code and h.household_no = r.household_no)",
                Integer.class, m, header.sequence());
        if (orphans != null && orphans > 0) {
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
        Integer cardOrphans = jdbc.queryForObject("select count(*) from card_serial c where c.municipality_code = ?"
                + " and c.source_sequence = ? and not exists (select 1 from resident r"
                + " where r.municipality_code = c.municipality_code and r.atena_no = c.atena_no)",
                Integer.class, m, header.sequence());
        if (cardOrphans != null && cardOrphans > 0) {
            throw new ExportFileException("DANGLING_REFERENCE", cardOrphans + " serial(s) name a resident the replica does not have");
        }
    }

    private void household(RecordFields r) {
        String op = r.op();
        String no = r.matching("household_no", "[0-9]{1,20}", true);
        if (op.equals("D")) {
            requireDelta(r, "household_no");
            jdbc.update("delete from household where municipality_code = ? and household_no = ?", m, no);
            deletedHouseholds.add(no);
            return;
        }
        Object[] row = {m, no, r.matching("head_atena_no", "[0-9]{15}", false), r.str("postal_code"),
            r.required("address"), r.str("katagaki"), r.flag("household_block"), header.sequence()};
        if (full) {
            add(households, row);
        } else {
            jdbc.update("delete from household where municipality_code = ? and household_no = ?", m, no);
            jdbc.update(INSERT_HOUSEHOLD, row);
        }
    }

    private void resident(RecordFields r) {
        r.oneOf("op", Set.of("U"));
        String atena = r.required("atena_no");
        if (!AtenaNumber.isValid(atena)) {
            throw r.bad("atena_no", "check digit (modulus 11) does not match");
        }
        int historyNo = r.integer("history_no");
        String type = r.oneOf("resident_type", RESIDENT_TYPES);
        if (type.equals("J") && (r.str("family_name") == null || r.str("given_name") == null)) {
            throw r.bad("family_name", "a Japanese resident needs family and given name");
        }
        if (type.equals("F") && r.str("alpha_name") == null) {
            throw r.bad("alpha_name", "a foreign resident needs the alphabetic name");
        }
        Object[] row = {m, atena, historyNo, r.matching("household_no", "[0-9]{1,20}", true),
            r.matching("juminhyo_code", "[0-9]{11}", false), type,
            r.str("family_name"), r.str("given_name"), r.str("family_name_kana"), r.str("given_name_kana"),
            r.flag("kana_confirmed"), r.str("kyu_uji"), r.str("kyu_uji_kana"), r.str("alpha_name"),
            r.str("tsusho"), r.str("tsusho_kana"), r.str("nationality"), r.str("residence_status"),
            r.date("residence_period_end"), r.str("residence_card_no"),
            r.requiredDate("birth_date"), r.oneOf("sex", SEXES), r.required("relationship"),
            r.str("honseki"), r.str("hittosha"), r.date("address_since"), r.str("previous_address"),
            r.date("became_resident_date"), r.date("notified_date"), r.oneOf("status", STATUSES),
            r.flag("person_block"), r.oneOf("support_measure", SUPPORT), r.flag("adult_guardianship"),
            r.str("change_reason"), r.date("change_date"), r.date("change_notified_date"), r.date("processed_date"),
            header.sequence()};
        Object[] hist = {m, atena, historyNo, row[3], row[29], row[33], row[34], row[35], row[36], header.sequence()};
        if (full) {
            add(residents, row);
            Object[] histIfNew = java.util.Arrays.copyOf(hist, hist.length + 3);
            histIfNew[hist.length] = m;
            histIfNew[hist.length + 1] = atena;
            histIfNew[hist.length + 2] = historyNo;
            add(history, histIfNew);
            return;
        }
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

    private void card(RecordFields r) {
        String op = r.op();
        String serial = r.matching("serial", "[0-9A-Za-z]{8,40}", true);
        if (op.equals("D")) {
            requireDelta(r, "serial");
            jdbc.update("delete from card_serial where municipality_code = ? and serial = ?", m, serial);
            return;
        }
        Object[] row = {m, serial, r.required("atena_no"), r.oneOf("cert_kind", CERT_KINDS), r.date("valid_until"),
            r.oneOf("status", CERT_STATUSES), header.sequence()};
        if (full) {
            add(cards, row);
        } else {
            jdbc.update("delete from card_serial where municipality_code = ? and serial = ?", m, serial);
            jdbc.update(INSERT_CARD, row);
        }
    }

    private void block(RecordFields r) {
        String op = r.op();
        String id = r.matching("block_id", "[0-9A-Za-z-]{1,20}", true);
        if (op.equals("D")) {
            // a real removal of the block; the registry never sends a temporary lift (一時解除)
            requireDelta(r, "block_id");
            jdbc.update("delete from issuance_block where municipality_code = ? and block_id = ?", m, id);
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
        if (op.equals("D")) {
            requireDelta(r, "registration_no");
            jdbc.update("delete from seal_registration where municipality_code = ? and registration_no = ?", m, no);
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
            add(others.computeIfAbsent(INSERT_TAX, k -> new ArrayList<>()), row);
        } else {
            jdbc.update("delete from tax_record where municipality_code = ? and fiscal_year = ? and atena_no = ?", m, year, atena);
            jdbc.update(INSERT_TAX, row);
        }
    }

    private void honseki(RecordFields r) {
        String op = r.op();
        String id = r.matching("registration_id", "[0-9A-Za-z-]{1,20}", true);
        if (op.equals("D")) {
            requireDelta(r, "registration_id");
            jdbc.update("delete from honseki_registration where municipality_code = ? and registration_id = ?", m, id);
            return;
        }
        upsert(INSERT_HONSEKI, "honseki_registration", "registration_id", id,
                new Object[] {m, id, r.matching("serial", "[0-9A-Za-z]{8,40}", true), r.required("honseki"),
                    r.required("hittosha"), r.oneOf("status", HONSEKI_STATUSES), r.requiredDate("applied_date"),
                    r.date("decided_date"), header.sequence()});
    }

    /** FULL: batched insert. DELTA: replace the row with the same key. */
    private void upsert(String insert, String table, String keyColumn, String key, Object[] row) {
        if (full) {
            add(others.computeIfAbsent(insert, k -> new ArrayList<>()), row);
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

    private void add(List<Object[]> batch, Object[] row) {
        batch.add(row);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    private void flush() {
        // households before residents before cards, so the end-of-file reference checks hold
        flush(households, INSERT_HOUSEHOLD);
        flush(residents, INSERT_RESIDENT);
        flush(history, INSERT_HISTORY_IF_NEW);
        flush(cards, INSERT_CARD);
        for (Map.Entry<String, List<Object[]>> e : others.entrySet()) {
            flush(e.getValue(), e.getKey());
        }
    }

    private void flush(List<Object[]> batch, String sql) {
        if (!batch.isEmpty()) {
            jdbc.batchUpdate(sql, batch);
            batch.clear();
        }
    }
}
