package jp.kofuhub.registry;

/**
 * 宛名番号: the city's internal person number, 15 digits, the last a modulus-11 check digit over the 14
 * before it (weights 2–7 cycling from the rightmost digit). The hub checks it on every record it
 * takes from the registry, so a number mangled in transit (a dropped or swapped digit) is caught
 * before it can join a certificate to the wrong person.
 */
public final class AtenaNumber {

    /** Digits before the check digit. */
    public static final int BASE_DIGITS = 14;

    public static final int LENGTH = BASE_DIGITS + 1;
    private static final long MAX_BASE = 99_999_999_999_999L;

    private AtenaNumber() {}

    /** The 15-digit number for {@code base} (0 ≤ base < 10^14): zero-padded base + check digit. */
    public static String of(long base) {
        if (base < 0 || base > MAX_BASE) {
            throw new IllegalArgumentException(
                    "atena base must have at most " + BASE_DIGITS + " digits");
        }
        String plain = Long.toString(base);
        String digits = "0".repeat(BASE_DIGITS - plain.length()) + plain;
        return digits + checkDigit(digits);
    }

    /** True for exactly 15 ASCII digits whose last digit is the check digit of the first 14. */
    public static boolean isValid(String s) {
        if (s == null || s.length() != LENGTH || !allDigits(s)) {
            return false;
        }
        return checkDigit(s.substring(0, BASE_DIGITS)) == s.charAt(BASE_DIGITS) - '0';
    }

    /**
     * Modulus-11 check digit with weights 2–7 from the rightmost digit; remainders 0 and 1 give 0.
     * Also used for other registry numbers built the same way (住民票コード).
     */
    public static int checkDigit(CharSequence digits) {
        if (!allDigits(digits)) {
            throw new IllegalArgumentException("check digit needs ASCII digits only");
        }
        int sum = 0;
        int weight = 2;
        for (int i = digits.length() - 1; i >= 0; i--) {
            sum += (digits.charAt(i) - '0') * weight;
            weight = weight == 7 ? 2 : weight + 1;
        }
        int r = sum % 11;
        return r <= 1 ? 0 : 11 - r;
    }

    private static boolean allDigits(CharSequence s) {
        if (s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
