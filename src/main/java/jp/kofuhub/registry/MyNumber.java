package jp.kofuhub.registry;

/**
 * 個人番号 (My Number): 12 digits, the last a check digit over the 11 before it: for i = 1..11 counting
 * from the <b>rightmost</b> of the 11 digits, digit p_i gets the weight q_i = i + 1 for i ≤ 6 and i
 * − 5 for i ≥ 7 (2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6); r = Σ p_i·q_i mod 11; the check digit is 0 if r
 * ≤ 1, else 11 − r.
 *
 * <p>The hub carries the number only for municipalities whose profile prints it (export record type
 * {@code N}); it never puts one in a log line, an error detail or an exception message.
 */
public final class MyNumber {

    /** Digits before the check digit. */
    public static final int BASE_DIGITS = 11;

    public static final int LENGTH = BASE_DIGITS + 1;
    private static final long MAX_BASE = 99_999_999_999L;

    private MyNumber() {}

    /** The 12-digit number for {@code base} (0 ≤ base < 10^11): zero-padded base + check digit. */
    public static String of(long base) {
        if (base < 0 || base > MAX_BASE) {
            throw new IllegalArgumentException(
                    "my number base must have at most " + BASE_DIGITS + " digits");
        }
        String plain = Long.toString(base);
        String digits = "0".repeat(BASE_DIGITS - plain.length()) + plain;
        return digits + checkDigit(digits);
    }

    /** True for exactly 12 ASCII digits whose last digit is the check digit of the first 11. */
    public static boolean isValid(String s) {
        if (s == null || s.length() != LENGTH || !allDigits(s)) {
            return false;
        }
        return checkDigit(s.substring(0, BASE_DIGITS)) == s.charAt(BASE_DIGITS) - '0';
    }

    /** The check digit of exactly 11 ASCII digits (the message never repeats the digits). */
    public static int checkDigit(CharSequence digits) {
        if (digits == null || digits.length() != BASE_DIGITS || !allDigits(digits)) {
            throw new IllegalArgumentException(
                    "check digit needs exactly " + BASE_DIGITS + " ASCII digits");
        }
        int sum = 0;
        for (int i = 1; i <= BASE_DIGITS; i++) {
            int p = digits.charAt(BASE_DIGITS - i) - '0';
            int q = i <= 6 ? i + 1 : i - 5;
            sum += p * q;
        }
        int r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }

    private static boolean allDigits(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return s.length() > 0;
    }
}
