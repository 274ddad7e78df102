package jp.kofuhub.registry;

/**
 * One canonical form for the characters that CP932 and Unicode disagree on, so a name reads the
 * same whichever encoding its file used. Decoding CP932 yields the Microsoft code points (～ U+FF5E,
 * ∥ U+2225, － U+FF0D, ￠ U+FFE0, ￡ U+FFE1, ￢ U+FFE2); a JIS X 0208 source in UTF-8 uses 〜 U+301C, ‖
 * U+2016, − U+2212, ¢ U+00A2, £ U+00A3, ¬ U+00AC. The replica keeps the JIS forms.
 */
public final class TextNormalizer {

    private TextNormalizer() {}

    public static String canonical(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char m =
                    switch (c) {
                        case '\uFF5E' -> '\u301C';
                        case '\u2225' -> '\u2016';
                        case '\uFF0D' -> '\u2212';
                        case '\uFFE0' -> '\u00A2';
                        case '\uFFE1' -> '\u00A3';
                        case '\uFFE2' -> '\u00AC';
                        default -> c;
                    };
            if (m != c && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(m);
            }
        }
        return out == null ? s : out.toString();
    }
}
