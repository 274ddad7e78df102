package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.fop.fonts.CMapSegment;
import org.apache.fop.fonts.SingleByteEncoding;
import org.apache.fop.fonts.truetype.FontFileReader;
import org.apache.fop.fonts.truetype.OFFontLoader;
import org.apache.fop.fonts.truetype.TTFFile;
import org.apache.fop.fonts.truetype.TTFSubSetFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FontCut} and {@link GlyphIndex} give FOP's answers (issue #20 item 3): FOP's own subsetter
 * ({@code TTFSubSetFile}, as {@code PDFFactory.makeFontFile} runs it) cuts the same subset, byte
 * for byte, from a document's small cut as from the whole font file, for the characters of a
 * certificate, for random glyph sets, for empty outlines (the space) and for composite glyphs; and
 * the shared code point table maps every code point FOP's linear cmap search maps, to the same
 * glyph. For both fonts of the chain (IPAmj Mincho when installed).
 */
class FontCutTest {

    static Stream<Path> fonts() {
        return Stream.of(Path.of("fonts/ipaexm.ttf"), GlyphTest.IPAMJ);
    }

    @ParameterizedTest
    @MethodSource("fonts")
    void fopCutsTheSameSubsetFromADocumentsCutAsFromTheWholeFile(Path font) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(font), font + " not installed");
        byte[] file = Files.readAllBytes(font);
        List<CMapSegment> cmap = parse(file).getCMaps();
        GlyphIndex index = GlyphIndex.of(cmap.toArray(new CMapSegment[0]));
        int numGlyphs = ByteBuffer.wrap(file).getShort(table(file, "maxp") + 4) & 0xffff;

        List<List<Integer>> sets = new ArrayList<>();
        // a certificate's text, with the space (an empty outline) and the ideographic space
        sets.add(
                glyphs(
                        index,
                        "住民票の写し 北広島市長　見本　太郎 令和７年１１月２５日 0123456789 (),.-"
                                + " 髙﨑 𠮷野 世帯主 続柄 本籍 筆頭者"));
        Random random = new Random(20);
        for (int n : new int[] {1, 40, 400}) {
            List<Integer> set = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                set.add(random.nextInt(numGlyphs));
            }
            sets.add(set);
        }
        List<Integer> composites = composites(file, numGlyphs);
        if (!composites.isEmpty()) {
            sets.add(composites.subList(0, Math.min(50, composites.size())));
        }
        List<Integer> empties = empties(file, numGlyphs);
        sets.add(empties.subList(0, Math.min(20, empties.size())));

        FontCut kept = FontCut.of(file, true, null);
        FontCut read = FontCut.of(file, false, font);
        assertThat(kept).isNotNull();
        assertThat(read).isNotNull();
        for (List<Integer> set : sets) {
            Map<Integer, Integer> used = subsetOf(set);
            byte[] whole = subset(file, used);
            byte[] cut = kept.cut(used.keySet());
            assertThat(cut).as("cut of %s glyphs", used.size()).isNotNull();
            assertThat(cut.length).isLessThan(Math.max(file.length / 10, 1));
            assertThat(subset(cut, used)).isEqualTo(whole);
            assertThat(read.cut(used.keySet())).isEqualTo(cut);
        }
    }

    @ParameterizedTest
    @MethodSource("fonts")
    void theSharedCodePointTableGivesFopsGlyphs(Path font) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(font), font + " not installed");
        CMapSegment[] cmap = parse(Files.readAllBytes(font)).getCMaps().toArray(new CMapSegment[0]);
        GlyphIndex index = GlyphIndex.of(cmap);
        assertThat(index).isNotNull();
        List<Integer> probes = new ArrayList<>();
        for (CMapSegment s : cmap) {
            for (int d = -1; d <= 1; d++) {
                probes.add(s.getUnicodeStart() + d);
                probes.add(s.getUnicodeEnd() + d);
            }
            probes.add((s.getUnicodeStart() + s.getUnicodeEnd()) >>> 1);
        }
        for (int c = 0; c < 0x3000; c++) {
            probes.add(c);
        }
        probes.add(0x20BB7);
        probes.add(Character.MAX_CODE_POINT);
        for (int c : probes) {
            assertThat(index.glyph(c)).as("U+%04X", c).isEqualTo(fopsGlyph(cmap, c));
        }
    }

    /** FOP's MultiByteFont.findGlyphIndex (fop-core 2.11), without its per-instance cache. */
    private static int fopsGlyph(CMapSegment[] cmap, int c) {
        int ret = SingleByteEncoding.NOT_FOUND_CODE_POINT;
        for (CMapSegment s : cmap) {
            if (ret == 0 && s.getUnicodeStart() <= c && s.getUnicodeEnd() >= c) {
                ret = s.getGlyphStartIndex() + c - s.getUnicodeStart();
                if (ret != 0) {
                    break;
                }
            }
        }
        return ret;
    }

    private static TTFFile parse(byte[] file) throws Exception {
        FontFileReader reader = new FontFileReader(new ByteArrayInputStream(file));
        TTFFile ttf = new TTFFile(true, false);
        ttf.readFont(reader, OFFontLoader.readHeader(reader), (String) null);
        return ttf;
    }

    /** The glyphs of the text's code points, .notdef first (as FOP's CIDSubset). */
    private static List<Integer> glyphs(GlyphIndex index, String text) {
        List<Integer> set = new ArrayList<>();
        text.codePoints().map(index::glyph).filter(g -> g != 0).forEach(set::add);
        return set;
    }

    /** Original glyph → subset glyph, in first-use order after .notdef (FOP's CIDSubset). */
    private static Map<Integer, Integer> subsetOf(List<Integer> glyphs) {
        Map<Integer, Integer> used = new LinkedHashMap<>();
        used.put(0, 0);
        for (int g : glyphs) {
            used.putIfAbsent(g, used.size());
        }
        return used;
    }

    /** What PDFFactory.makeFontFile embeds for a CID TrueType subset. */
    private static byte[] subset(byte[] file, Map<Integer, Integer> used) throws Exception {
        FontFileReader reader = new FontFileReader(new ByteArrayInputStream(file));
        String header = OFFontLoader.readHeader(reader);
        TTFSubSetFile sub = new TTFSubSetFile();
        sub.readFont(reader, null, header, used);
        return sub.getFontSubset();
    }

    private static int table(byte[] file, String tag) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int want =
                ByteBuffer.wrap(tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).getInt();
        for (int i = 0, n = b.getShort(4) & 0xffff; i < n; i++) {
            if (b.getInt(12 + 16 * i) == want) {
                return b.getInt(12 + 16 * i + 8);
            }
        }
        throw new IllegalArgumentException(tag);
    }

    private static long[] loca(byte[] file, int numGlyphs) {
        ByteBuffer b = ByteBuffer.wrap(file);
        boolean longLoca = b.getShort(table(file, "head") + 50) == 1;
        int at = table(file, "loca");
        long[] loca = new long[numGlyphs + 1];
        for (int g = 0; g <= numGlyphs; g++) {
            loca[g] =
                    longLoca
                            ? b.getInt(at + 4 * g) & 0xffffffffL
                            : (b.getShort(at + 2 * g) & 0xffffL) << 1;
        }
        return loca;
    }

    private static List<Integer> composites(byte[] file, int numGlyphs) {
        long[] loca = loca(file, numGlyphs);
        int glyf = table(file, "glyf");
        List<Integer> found = new ArrayList<>();
        for (int g = 0; g < numGlyphs; g++) {
            if (loca[g + 1] > loca[g] && ByteBuffer.wrap(file).getShort(glyf + (int) loca[g]) < 0) {
                found.add(g);
            }
        }
        return found;
    }

    private static List<Integer> empties(byte[] file, int numGlyphs) {
        long[] loca = loca(file, numGlyphs);
        List<Integer> found = new ArrayList<>();
        for (int g = 0; g < numGlyphs - 1; g++) {
            if (loca[g + 1] == loca[g]) {
                found.add(g);
            }
        }
        return found;
    }
}
