package jp.kofuhub.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The operator and reason texts of the stop switch ({@link CouplingSwitch}): control and format
 * characters removed, blanks collapsed, cut to length; and the hash the logs name instead of the
 * reason.
 */
final class CouplingText {

    private CouplingText() {}

    /**
     * The operator id: control and format characters removed, blanks collapsed, at most 64
     * characters.
     */
    static String cleanOperator(String operator) {
        String s = clean(operator, CouplingSwitch.MAX_OPERATOR);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(
                    "operator is required: who suspends or resumes the coupling");
        }
        return s;
    }

    /**
     * The reason: control and format characters removed, blanks collapsed, at most 400 characters.
     */
    static String cleanReason(String reason) {
        String s = clean(reason, CouplingSwitch.MAX_REASON);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(
                    "reason is required: why the coupling is suspended or resumed"
                            + " (no personal data)");
        }
        return s;
    }

    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        text.codePoints()
                .forEach(
                        cp -> {
                            int type = Character.getType(cp);
                            boolean invisible =
                                    type == Character.CONTROL
                                            || type == Character.FORMAT
                                            || type == Character.UNASSIGNED
                                            || type == Character.PRIVATE_USE
                                            || type == Character.SURROGATE
                                            || type == Character.LINE_SEPARATOR
                                            || type == Character.PARAGRAPH_SEPARATOR;
                            if (invisible
                                    || Character.isWhitespace(cp)
                                    || Character.isSpaceChar(cp)) {
                                if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
                                    b.append(' ');
                                }
                            } else {
                                b.appendCodePoint(cp);
                            }
                        });
        String s = b.toString().strip();
        if (s.length() > max) {
            int end = max;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--; // never cut a character in half
            }
            s = s.substring(0, end).strip();
        }
        return s;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
