package jp.kofuhub.render;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.fop.text.linebreak.LineBreakStatus;

/**
 * Measures printed text the way Apache FOP lays it out, from the same font files:
 *
 * <ul>
 *   <li>each code point is drawn by the first font of the chain that has it (FOP's font selection
 *       for a {@code font-family} list), at its TrueType advance width (hmtx, which FOP uses;
 *       kerning, which can only narrow the text, is ignored, so the estimate errs on the wide
 *       side);
 *   <li>lines break where FOP's own line breaker ({@link LineBreakStatus}, Unicode UAX #14) allows
 *       a break: between most Japanese characters, but not before ）、。ー or small kana nor after （,
 *       nor inside a run of Latin letters or digits; never inside a surrogate pair. Lines are
 *       filled greedily; a piece between two break opportunities wider than a whole line does not
 *       fit at all (FOP would let it run out of the box).
 * </ul>
 *
 * Advances are cached per code point in units of 1/1000 em. Thread-safe.
 */
final class TextMeasure {

    /**
     * An address number with its suffix (１丁目２番地３, ２−１０１号室), which the templates keep on one line
     * (common.xsl, {@code kept-pattern}: the same regular expression).
     */
    static final String KEPT_PATTERN =
            "([0-9０-９]+(丁目|番地の|番地|番の|番|号室|号|室|階|棟|[−－‐\\-]))*[0-9０-９]+(丁目|番地|番|号室|号|室|階|棟)?";

    static final java.util.regex.Pattern KEPT = java.util.regex.Pattern.compile(KEPT_PATTERN);

    /** Fractional metrics, no hinting transform: the unhinted design advances. */
    private static final FontRenderContext FRC = new FontRenderContext(null, false, true);

    private static final float UNITS = 1000f;

    private final List<Font> fonts;
    private final Map<Integer, Float> advances = new ConcurrentHashMap<>();

    TextMeasure(List<Font> fonts) {
        this.fonts = fonts.stream().map(f -> f.deriveFont(UNITS)).toList();
    }

    /** The width of {@code text} in points at {@code sizePt}, on one line. */
    double width(String text, double sizePt) {
        double em = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            em += advance(cp);
        }
        return em * sizePt;
    }

    /** The advance of one code point in em. */
    private double advance(int cp) {
        return advances.computeIfAbsent(
                cp,
                c -> {
                    String s = new String(Character.toChars(c));
                    for (Font f : fonts) {
                        if (f.canDisplay(c)) {
                            return (float) (f.getStringBounds(s, FRC).getWidth() / UNITS);
                        }
                    }
                    // not drawable (the glyph check refuses it before this): count a full em, never
                    // less
                    return 1f;
                });
    }

    /**
     * The number of lines {@code text} takes at {@code sizePt} in a line {@code lineWidthPt} wide,
     * filled greedily at FOP's break opportunities; {@link Integer#MAX_VALUE} when a piece that
     * cannot be broken is wider than a line.
     */
    int lines(String text, double sizePt, double lineWidthPt) {
        if (text.isEmpty()) {
            return 1;
        }
        // no break inside an address number with its suffix: the templates keep it together (an
        // fo:inline); FOP does not break at the inline's edges either (seen: 「…三３号」 moves whole)
        boolean[] kept = new boolean[text.length() + 1];
        java.util.regex.Matcher m = KEPT.matcher(text);
        while (m.find()) {
            for (int k = m.start(); k <= m.end(); k++) {
                kept[k] = true;
            }
        }
        LineBreakStatus breaks = new LineBreakStatus();
        int lines = 1;
        double line = 0; // width of the line so far, committed pieces only
        double piece = 0; // width of the piece since the last break opportunity
        double pieceTail = 0; // trailing U+0020 of that piece, which FOP drops when it ends a line
        boolean lineEmpty = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean opportunity = false;
            for (int k = 0; k < n; k++) {
                byte action = breaks.nextChar(text.charAt(i + k));
                if (k == 0 && i > 0) {
                    opportunity =
                            !kept[i]
                                    && (action == LineBreakStatus.DIRECT_BREAK
                                            || action == LineBreakStatus.INDIRECT_BREAK
                                            || action == LineBreakStatus.COMBINING_INDIRECT_BREAK);
                }
            }
            i += n;
            if (opportunity) {
                // the piece before this character is complete: put it on the line, or on a new one
                if (!lineEmpty && line + piece - pieceTail > lineWidthPt) {
                    lines++;
                    line = 0;
                }
                if (piece - pieceTail > lineWidthPt) {
                    return Integer.MAX_VALUE;
                }
                line += piece;
                lineEmpty = false;
                piece = 0;
                pieceTail = 0;
            }
            double w = advance(cp) * sizePt;
            piece += w;
            pieceTail = cp == ' ' ? pieceTail + w : 0;
        }
        if (!lineEmpty && line + piece - pieceTail > lineWidthPt) {
            lines++;
        }
        if (piece - pieceTail > lineWidthPt) {
            return Integer.MAX_VALUE;
        }
        return lines;
    }
}
