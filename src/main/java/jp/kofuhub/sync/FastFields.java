package jp.kofuhub.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.registry.RecordType;

/**
 * Field checks of the hot record types (H, R, C) for {@link ReplicaWriter}: the same checks and
 * messages as {@link RecordFields}, without regular expressions. A value that fails is handed to
 * {@link RecordFields}, which reports it. Era dates are parsed once per distinct value.
 */
final class FastFields {

    /**
     * Distinct era dates remembered (parsed once each); bounded, a snapshot has a few ten thousand.
     */
    private static final int DATE_CACHE = 200_000;

    /** Field index of each column of R, in RecordType.R order (R[i] == i, named for reading). */
    static final int[] R =
            java.util.stream.IntStream.range(0, RecordType.R.columns().size()).toArray();

    static {
        List<String> cols = RecordType.R.columns();
        String[] expected = {
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
            "processed_date"
        };
        if (!cols.equals(List.of(expected))) {
            throw new IllegalStateException("RecordType.R changed: update ReplicaWriter.resident");
        }
    }

    private final Map<String, java.sql.Date> dates = new HashMap<>();

    static String str(String[] f, int i) {
        String v = f[i];
        return v.isEmpty() ? null : v;
    }

    static String required(RecordFields r, String[] f, int i, String col) {
        String v = f[i];
        return v.isEmpty() ? r.required(col) : v;
    }

    static String oneOf(RecordFields r, String[] f, int i, String col, Set<String> allowed) {
        String v = f[i];
        return allowed.contains(v) ? v : r.oneOf(col, allowed);
    }

    static boolean flag(RecordFields r, String[] f, int i, String col) {
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
    static String digits(
            RecordFields r, String[] f, int i, String col, int min, int max, boolean required) {
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
    static String alnum(RecordFields r, String[] f, int i, String col, int min, int max) {
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

    /**
     * An era date, parsed once per distinct value; invalid ones are left to RecordFields to report.
     */
    java.sql.Date date(RecordFields r, String[] f, int i, String col) {
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

    java.sql.Date requiredDate(RecordFields r, String[] f, int i, String col) {
        if (f[i].isEmpty()) {
            r.required(col);
        }
        return date(r, f, i, col);
    }
}
