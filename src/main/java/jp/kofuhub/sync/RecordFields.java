package jp.kofuhub.sync;

import java.sql.Date;
import java.util.Set;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.MyNumber;
import jp.kofuhub.registry.RecordType;

/**
 * Typed access to one record's fields, with errors that name the line and the column but never the
 * value (values are personal data).
 */
final class RecordFields {

    private final RecordType type;
    private final String[] f;
    private final long line;

    RecordFields(RecordType type, String[] fields, long line) {
        this.type = type;
        this.f = fields;
        this.line = line;
    }

    String str(String col) {
        String v = f[type.col(col)];
        return v.isEmpty() ? null : v;
    }

    String required(String col) {
        String v = str(col);
        if (v == null) {
            throw bad(col, "required");
        }
        return v;
    }

    String oneOf(String col, Set<String> allowed) {
        String v = required(col);
        if (!allowed.contains(v)) {
            throw bad(col, "must be one of " + allowed);
        }
        return v;
    }

    String matching(String col, String regex, boolean required) {
        String v = required ? required(col) : str(col);
        if (v != null && !v.matches(regex)) {
            throw bad(col, "malformed");
        }
        return v;
    }

    boolean flag(String col) {
        String v = f[type.col(col)];
        return switch (v) {
            case "1" -> true;
            case "0", "" -> false;
            default -> throw bad(col, "must be 0 or 1");
        };
    }

    Date date(String col) {
        String v = str(col);
        if (v == null) {
            return null;
        }
        try {
            return Date.valueOf(EraDate.parse(v));
        } catch (IllegalArgumentException e) {
            throw bad(col, "invalid date (" + e.getMessage() + ")");
        }
    }

    Date requiredDate(String col) {
        required(col);
        return date(col);
    }

    int integer(String col) {
        String v = required(col);
        if (!v.matches("[0-9]{1,9}")) {
            throw bad(col, "not a number");
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(col, "not a number");
        }
    }

    /** A non-negative amount of yen. */
    long yen(String col) {
        String v = required(col);
        if (!v.matches("[0-9]{1,15}")) {
            throw bad(col, "not an amount of yen");
        }
        return Long.parseLong(v);
    }

    /** Base64 bytes of at most {@code maxBytes}; required or not. */
    byte[] base64(String col, int maxBytes, boolean required) {
        String v = required ? required(col) : str(col);
        if (v == null) {
            return null;
        }
        byte[] b;
        try {
            b = java.util.Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw bad(col, "not base64");
        }
        if (b.length > maxBytes) {
            throw bad(col, "larger than " + maxBytes + " bytes");
        }
        if (b.length < 8 || (b[0] & 0xff) != 0x89 || b[1] != 'P' || b[2] != 'N' || b[3] != 'G') {
            throw bad(col, "not a PNG image");
        }
        return b;
    }

    /**
     * A required 個人番号: 12 ASCII digits ("malformed") with a valid check digit ("check digit does
     * not match"); both {@code BAD_RECORD}. Like every detail here, the message never holds the
     * value.
     */
    String myNumber(String col) {
        String v = matching(col, "[0-9]{12}", true);
        if (!MyNumber.isValid(v)) {
            throw bad(col, "check digit does not match");
        }
        return v;
    }

    String op() {
        return oneOf("op", Set.of("U", "D"));
    }

    ExportFileException bad(String col, String why) {
        String reason = why.startsWith("invalid date") ? "BAD_DATE" : "BAD_RECORD";
        return new ExportFileException(
                reason, "payload line " + line + " " + type + "." + col + ": " + why);
    }
}
