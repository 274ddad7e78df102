package jp.kofuhub.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Record types of the registry export, version 1 (docs/interfaces/registry-export.md).
 * Every payload line is {@code TYPE<TAB>field<TAB>field…}; the column order below is the contract.
 * The first column after the type is always {@code op}: {@code U} upsert, {@code D} delete.
 */
public enum RecordType {

    /** 世帯 — one household. */
    H(List.of("op", "household_no", "head_atena_no", "postal_code", "address", "katagaki",
            "household_block")),

    /** 住民 — a full-row snapshot of one resident (one 履歴 of the person). */
    R(List.of("op", "atena_no", "history_no", "household_no", "juminhyo_code", "resident_type",
            "family_name", "given_name", "family_name_kana", "given_name_kana", "kana_confirmed",
            "kyu_uji", "kyu_uji_kana", "alpha_name", "tsusho", "tsusho_kana",
            "nationality", "residence_status", "residence_period_end", "residence_card_no",
            "birth_date", "sex", "relationship", "honseki", "hittosha",
            "address_since", "previous_address", "became_resident_date", "notified_date",
            "status", "person_block", "support_measure", "adult_guardianship",
            "change_reason", "change_date", "change_notified_date", "processed_date")),

    /** 利用者証明用電子証明書のシリアル番号 — one card or smartphone certificate of a resident. */
    C(List.of("op", "serial", "atena_no", "cert_kind", "valid_until", "status"));

    private final List<String> columns;
    private final Map<String, Integer> index = new HashMap<>();

    RecordType(List<String> columns) {
        this.columns = columns;
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
        }
    }

    public List<String> columns() {
        return columns;
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
