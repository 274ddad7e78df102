package jp.kofuhub.render;

import org.apache.fop.fonts.CMapSegment;

/**
 * A font's code point → glyph number map, built once from its cmap segments and shared, read-only,
 * by every document's font object (issue #20 item 3). FOP's {@code MultiByteFont.findGlyphIndex}
 * (fop-core 2.11) searches the segment list linearly for every character it lays out or tests —
 * IPAex Mincho has thousands of segments — which was about an eighth of the render threads' CPU.
 * The answer here is FOP's: the first segment in list order that holds the code point and gives a
 * non-zero glyph; 0 when none does.
 *
 * <p>Two levels: 256 code points per page, pages only where the font maps something.
 */
final class GlyphIndex {

    private static final int PAGES = (Character.MAX_CODE_POINT + 1) >> 8;

    private final char[][] pages = new char[PAGES][];

    private GlyphIndex() {}

    /** The map of these segments, or {@code null} if a glyph number does not fit (then FOP's). */
    static GlyphIndex of(CMapSegment[] cmap) {
        GlyphIndex index = new GlyphIndex();
        // the first segment wins: fill from the last one back, each overwriting later ones
        for (int s = cmap.length - 1; s >= 0; s--) {
            CMapSegment seg = cmap[s];
            int start = Math.max(0, seg.getUnicodeStart());
            int end = Math.min(Character.MAX_CODE_POINT, seg.getUnicodeEnd());
            for (int c = start; c <= end; c++) {
                int glyph = seg.getGlyphStartIndex() + c - seg.getUnicodeStart();
                if (glyph == 0) {
                    continue; // FOP goes on to the next segment
                }
                if (glyph < 0 || glyph > Character.MAX_VALUE) {
                    return null;
                }
                char[] page = index.pages[c >> 8];
                if (page == null) {
                    page = new char[256];
                    index.pages[c >> 8] = page;
                }
                page[c & 0xff] = (char) glyph;
            }
        }
        return index;
    }

    /** The glyph of {@code codePoint}, 0 when the segments give none. */
    int glyph(int codePoint) {
        if (codePoint < 0 || codePoint > Character.MAX_CODE_POINT) {
            return 0;
        }
        char[] page = pages[codePoint >> 8];
        return page == null ? 0 : page[codePoint & 0xff];
    }
}
