package jp.kofuhub.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Record types of the registry export, contract version 1.5 (docs/interfaces/registry-export.md).
 * Every payload line is {@code TYPE<TAB>field<TAB>field…}; the column order below is the contract.
 * The first column after the type is always {@code op}: {@code U} upsert, {@code D} delete.
 */
public enum RecordType {

    /** 世帯 — one household. */
    H(
            List.of(
                    "op",
                    "household_no",
                    "head_atena_no",
                    "postal_code",
                    "address",
                    "katagaki",
                    "household_block")),

    /** 住民 — a full-row snapshot of one resident (one 履歴 of the person). */
    R(
            List.of(
                    "op",
                    "atena_no",
                    "history_no",
                    "household_no",
                    "juminhyo_code",
                    "resident_type",
                    "family_name",
                    "given_name",
                    "family_name_kana",
                    "given_name_kana",
                    "kana_confirmed",
                    "kyu_uji",
                    "kyu_uji_kana",
                    "alpha_name",
                    "tsusho",
                    "tsusho_kana",
                    "nationality",
                    "residence_status",
                    "residence_period_end",
                    "residence_card_no",
                    "birth_date",
                    "sex",
                    "relationship",
                    "honseki",
                    "hittosha",
                    "address_since",
                    "previous_address",
                    "became_resident_date",
                    "notified_date",
                    "status",
                    "person_block",
                    "support_measure",
                    "adult_guardianship",
                    "change_reason",
                    "change_date",
                    "change_notified_date",
                    "processed_date")),

    /** 利用者証明用電子証明書のシリアル番号 — one card or smartphone certificate of a resident. */
    C(List.of("op", "serial", "atena_no", "cert_kind", "valid_until", "status")),

    /** 交付制限 — an issuance block on a person or a household: 支援措置 (incl. provisional) or 抑止. */
    B(
            List.of(
                    "op",
                    "block_id",
                    "atena_no",
                    "household_no",
                    "block_kind",
                    "valid_from",
                    "valid_until")),

    /**
     * 印鑑登録 — one seal registration with its image (base64 PNG), status and (contract 1.6) the
     * impression's physical size; a record of an earlier contract (8 fields) is still read.
     */
    S(
            List.of(
                    "op",
                    "registration_no",
                    "atena_no",
                    "status",
                    "name_form",
                    "registered_date",
                    "cancelled_date",
                    "seal_image",
                    "impression_mm"),
            8),

    /** 課税 — one person's income and tax for one 年度. Amounts in yen. */
    T(
            List.of(
                    "op",
                    "fiscal_year",
                    "atena_no",
                    "address_jan1",
                    "resident_jan1",
                    "filing_kind",
                    "income_salary",
                    "income_pension",
                    "income_business",
                    "income_other",
                    "total_income",
                    "deductions",
                    "taxable_income",
                    "city_per_capita",
                    "city_income_levy",
                    "pref_per_capita",
                    "pref_income_levy",
                    "non_taxed")),

    /** 本籍地利用登録 — a card serial's registration to get 戸籍 certificates of a 本籍 in the city. */
    K(
            List.of(
                    "op",
                    "registration_id",
                    "serial",
                    "honseki",
                    "hittosha",
                    "status",
                    "applied_date",
                    "decided_date")),

    /**
     * 個人番号 — the My Number of one resident (contract 1.2). Accepted only for a municipality whose
     * profile prints it ({@code printMyNumber}); otherwise the whole file is refused.
     */
    N(List.of("op", "atena_no", "my_number"));

    private final List<String> columns;
    private final int required;
    private final Map<String, Integer> index = new HashMap<>();

    RecordType(List<String> columns) {
        this(columns, columns.size());
    }

    /**
     * {@code required}: the fields a record must have; the columns after it were added by a later
     * contract version and are read as empty when a record of an earlier version lacks them.
     */
    RecordType(List<String> columns, int required) {
        this.columns = columns;
        this.required = required;
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
        }
    }

    public List<String> columns() {
        return columns;
    }

    /** The fewest fields a record of this type may have (earlier contract versions). */
    public int requiredColumns() {
        return required;
    }

    /** Column index in the fields after the type tag. */
    public int col(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no column " + name + " in " + name());
        }
        return i;
    }

    public static RecordType of(String tag) {
        for (RecordType t : values()) {
            if (t.name().equals(tag)) {
                return t;
            }
        }
        return null;
    }
}
