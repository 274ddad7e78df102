package jp.kofuhub.sync;

import java.util.List;
import java.util.Map;
import jp.kofuhub.registry.SourceSystem;

/**
 * The insert statements of the replica tables, one per record type, and the tables a FULL snapshot
 * of each source replaces. {@link CopySink} reads table and columns out of these statements, so
 * each is a plain {@code insert into <table> (<columns>) values (...)} except {@link
 * #INSERT_HISTORY_IF_NEW}.
 */
final class ReplicaStatements {

    static final String INSERT_HOUSEHOLD =
            "insert into household (municipality_code, household_no, head_atena_no,"
                    + " postal_code, address, katagaki, household_block, source_sequence) values (?,?,?,?,?,?,?,?)";
    static final String INSERT_RESIDENT =
            "insert into resident (municipality_code, atena_no, history_no, household_no,"
                    + " juminhyo_code, resident_type, family_name, given_name, family_name_kana, given_name_kana, kana_confirmed,"
                    + " kyu_uji, kyu_uji_kana, alpha_name, tsusho, tsusho_kana, nationality, residence_status,"
                    + " residence_period_end, residence_card_no, birth_date, sex, relationship, honseki, hittosha,"
                    + " address_since, previous_address, became_resident_date, notified_date, status, person_block,"
                    + " support_measure, adult_guardianship, change_reason, change_date, change_notified_date, processed_date,"
                    + " source_sequence) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_HISTORY =
            "insert into resident_history (municipality_code, atena_no, history_no,"
                    + " household_no, status, change_reason, change_date, change_notified_date, processed_date,"
                    + " previous_address, source_sequence) values (?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_CARD =
            "insert into card_serial (municipality_code, serial, atena_no, cert_kind,"
                    + " valid_until, status, source_sequence) values (?,?,?,?,?,?,?)";
    static final String INSERT_HISTORY_IF_NEW =
            "insert into resident_history (municipality_code, atena_no, history_no,"
                    + " household_no, status, change_reason, change_date, change_notified_date, processed_date,"
                    + " previous_address, source_sequence)"
                    + " select ?,?,?,?,?,?,?,?,?,?,? where not exists (select 1 from resident_history"
                    + " where municipality_code = ? and atena_no = ? and history_no = ?)";
    static final String INSERT_BLOCK =
            "insert into issuance_block (municipality_code, block_id, atena_no, household_no,"
                    + " block_kind, valid_from, valid_until, source_sequence) values (?,?,?,?,?,?,?,?)";
    static final String INSERT_SEAL =
            "insert into seal_registration (municipality_code, registration_no, atena_no,"
                    + " status, name_form, registered_date, cancelled_date, seal_image, impression_width_mm,"
                    + " impression_height_mm, source_sequence) values (?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_TAX =
            "insert into tax_record (municipality_code, fiscal_year, atena_no, address_jan1,"
                    + " resident_jan1, filing_kind, income_salary, income_pension, income_business, income_other, total_income,"
                    + " deductions, taxable_income, city_per_capita, city_income_levy, pref_per_capita, pref_income_levy,"
                    + " non_taxed, source_sequence) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_MY_NUMBER =
            "insert into my_number (municipality_code, atena_no, my_number,"
                    + " source_sequence) values (?,?,?,?)";
    static final String INSERT_HONSEKI =
            "insert into honseki_registration (municipality_code, registration_id, serial,"
                    + " honseki, hittosha, status, applied_date, decided_date, source_sequence) values (?,?,?,?,?,?,?,?,?)";

    /** The tables a FULL snapshot of each source replaces, children first. */
    static final Map<SourceSystem, List<String>> FULL_REPLACES =
            Map.of(
                    SourceSystem.JUKI,
                            List.of(
                                    "my_number",
                                    "issuance_block",
                                    "card_serial",
                                    "resident",
                                    "household"),
                    SourceSystem.INKAN, List.of("seal_registration"),
                    SourceSystem.ZEI, List.of("tax_record"),
                    SourceSystem.KOSEKI, List.of("honseki_registration"));

    private ReplicaStatements() {}
}
