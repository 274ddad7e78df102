package jp.kofuhub.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * One document's cut of a TrueType font: a small, valid TrueType file holding only what FOP's
 * subsetter ({@code TTFSubSetFile.readFont}, fop-core 2.11) reads, with the glyph outlines of the
 * glyphs the document uses and no others. Glyph numbers, metrics and every other table FOP copies
 * stay as in the font file, so FOP cuts the same subset from it, byte for byte (FontCutTest), but
 * reads a few hundred kB instead of the whole file (7.8 MB for IPAex Mincho, 46 MB for IPAmj
 * Mincho) and allocates its two copies of the file at that size (issue #20 item 3).
 *
 * <p>What FOP reads: the table directory; {@code head}, {@code hhea}, {@code maxp}, {@code hmtx},
 * {@code loca} (all glyphs); {@code glyf} at each used glyph, following composite glyphs to their
 * components; and copies {@code cvt}, {@code fpgm}, {@code prep}, {@code OS/2}, {@code name}, the
 * first 32 bytes of {@code post}. Nothing else ({@code cmap}, {@code GSUB}, {@code vmtx} …) is read
 * for a CID subset. The cut's {@code loca} gives every glyph that is not in it an empty outline; a
 * glyph FOP looks at is in it. FOP reads the contour count of an <em>empty</em> glyph from the
 * bytes that follow it (the next glyph with an outline): that glyph is kept too, so FOP sees what
 * it sees in the file.
 *
 * <p>The small tables and {@code loca} are kept in memory (≈ 100 kB for IPAex Mincho, 380 kB for
 * IPAmj Mincho); the outlines are read from the kept file bytes or, for a file too large to keep,
 * with positional reads from the file. Anything unusual (a collection, a table missing or too
 * short, {@code loca} not ascending, a composite glyph running past its outline, a glyph number
 * past the font) makes {@link #cut} answer {@code null}: FOP then reads the whole file, as before.
 *
 * <p>Thread-safe: immutable after construction.
 */
final class FontCut {

    private static final int HEAD = tag("head");
    private static final int HHEA = tag("hhea");
    private static final int MAXP = tag("maxp");
    private static final int HMTX = tag("hmtx");
    private static final int LOCA = tag("loca");
    private static final int GLYF = tag("glyf");
    private static final int POST = tag("post");

    /** Copied whole from the file into every cut (FOP reads or copies them). */
    private static final int[] COPIED = {
        tag("OS/2"), tag("cvt "), tag("fpgm"), HEAD, HHEA, HMTX, MAXP, tag("name"), tag("prep")
    };

    /** Composite glyph component flags (TrueType 'glyf'). */
    private static final int ARG_1_AND_2_ARE_WORDS = 0x1;

    private static final int WE_HAVE_A_SCALE = 0x8;
    private static final int MORE_COMPONENTS = 0x20;
    private static final int WE_HAVE_AN_X_AND_Y_SCALE = 0x40;
    private static final int WE_HAVE_A_TWO_BY_TWO = 0x80;

    /** tag → table bytes, for the cut (post: its first 32 bytes). */
    private final Map<Integer, byte[]> tables;

    private final boolean longLoca;
    private final int numGlyphs;

    /** Outline offsets relative to glyf, numGlyphs + 1 of them. */
    private final long[] loca;

    /** The whole file, when kept; else outlines are read from {@link #file}. */
    private final byte[] bytes;

    private final Path file;
    private final long glyfOffset;

    private FontCut(
            Map<Integer, byte[]> tables,
            boolean longLoca,
            int numGlyphs,
            long[] loca,
            byte[] bytes,
            Path file,
            long glyfOffset) {
        this.tables = tables;
        this.longLoca = longLoca;
        this.numGlyphs = numGlyphs;
        this.loca = loca;
        this.bytes = bytes;
        this.file = file;
        this.glyfOffset = glyfOffset;
    }

    /**
     * The cutter of a TrueType font file, or {@code null} when the file is not one FOP's subsetter
     * would read the way this class expects (then FOP reads the whole file for each document).
     *
     * @param all the whole file (parsed here once)
     * @param keep whether {@code all} may be kept for the outlines; if not, {@code file} is read
     * @param file the file on disk (outlines are read from it when {@code keep} is false), or null
     */
    static FontCut of(byte[] all, boolean keep, Path file) {
        if (all.length < 12 || (!keep && file == null)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        int version = b.getInt(0);
        if (version != 0x00010000 && version != tag("true")) {
            return null; // a collection (ttcf), CFF (OTTO) or not a font
        }
        int count = b.getShort(4) & 0xffff;
        if (12 + 16L * count > all.length) {
            return null;
        }
        Map<Integer, long[]> dir = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int at = 12 + 16 * i;
            long off = b.getInt(at + 8) & 0xffffffffL;
            long len = b.getInt(at + 12) & 0xffffffffL;
            if (off + len > all.length) {
                return null;
            }
            dir.put(b.getInt(at), new long[] {off, len});
        }
        for (int t : new int[] {HEAD, HHEA, MAXP, HMTX, LOCA, GLYF}) {
            if (!dir.containsKey(t)) {
                return null;
            }
        }
        long[] head = dir.get(HEAD);
        long[] hhea = dir.get(HHEA);
        long[] maxp = dir.get(MAXP);
        if (head[1] < 54 || hhea[1] < 36 || maxp[1] < 6) {
            return null;
        }
        boolean longLoca = b.getShort((int) head[0] + 50) == 1;
        int numGlyphs = b.getShort((int) maxp[0] + 4) & 0xffff;
        int nhmtx = b.getShort((int) hhea[0] + 34) & 0xffff;
        if (numGlyphs == 0 || nhmtx == 0 || nhmtx > numGlyphs) {
            return null;
        }
        if (dir.get(HMTX)[1] < nhmtx * 4L + (numGlyphs - nhmtx) * 2L) {
            return null;
        }
        long[] locaTab = dir.get(LOCA);
        if (locaTab[1] < (numGlyphs + 1L) * (longLoca ? 4 : 2)) {
            return null;
        }
        long[] glyf = dir.get(GLYF);
        long[] loca = new long[numGlyphs + 1];
        for (int g = 0; g <= numGlyphs; g++) {
            int at = (int) locaTab[0] + g * (longLoca ? 4 : 2);
            loca[g] = longLoca ? b.getInt(at) & 0xffffffffL : (b.getShort(at) & 0xffffL) << 1;
            if ((g > 0 && loca[g] < loca[g - 1]) || loca[g] > glyf[1]) {
                return null;
            }
        }
        Map<Integer, byte[]> tables = new TreeMap<>();
        for (int t : COPIED) {
            long[] e = dir.get(t);
            if (e != null) {
                tables.put(t, slice(all, e[0], e[1]));
            }
        }
        long[] post = dir.get(POST);
        if (post != null) {
            if (post[1] < 32) {
                return null;
            }
            tables.put(POST, slice(all, post[0], 32));
        }
        tables.put(LOCA, new byte[0]); // written per cut
        tables.put(GLYF, new byte[0]);
        return new FontCut(
                tables, longLoca, numGlyphs, loca, keep ? all : null, keep ? null : file, glyf[0]);
    }

    /**
     * The cut for a document that uses {@code glyphs} (glyph numbers of the file), or {@code null}
     * when FOP should read the whole file instead.
     */
    byte[] cut(Collection<Integer> glyphs) throws IOException {
        TreeMap<Integer, byte[]> kept = new TreeMap<>(); // glyph → its outline
        BitSet seen = new BitSet(numGlyphs);
        try (Outlines outlines = new Outlines()) {
            Deque<Integer> work = new ArrayDeque<>(glyphs);
            while (!work.isEmpty()) {
                int g = work.pop();
                if (g < 0 || g >= numGlyphs) {
                    return null;
                }
                if (seen.get(g)) {
                    continue;
                }
                seen.set(g);
                // FOP reads the contour count at the glyph's offset even when its outline is
                // empty: then it reads the next outline in the file
                int d = g;
                while (d < numGlyphs && loca[d + 1] == loca[d]) {
                    d++;
                }
                if (d == numGlyphs) {
                    return null; // FOP would read past glyf
                }
                byte[] outline = kept.get(d);
                if (outline == null) {
                    outline = outlines.read(loca[d], (int) (loca[d + 1] - loca[d]));
                    kept.put(d, outline);
                }
                if (outline.length < 2) {
                    return null;
                }
                if ((short) u16(outline, 0) < 0 && !components(outline, work)) {
                    return null;
                }
            }
        }
        return write(kept, seen.cardinality());
    }

    /** Adds a composite outline's component glyphs; false when they run past the outline. */
    private static boolean components(byte[] outline, Deque<Integer> work) {
        int at = 10;
        int flags;
        do {
            if (at + 4 > outline.length) {
                return false;
            }
            flags = u16(outline, at);
            work.push(u16(outline, at + 2));
            at += 4 + ((flags & ARG_1_AND_2_ARE_WORDS) != 0 ? 4 : 2);
            if ((flags & WE_HAVE_A_SCALE) != 0) {
                at += 2;
            } else if ((flags & WE_HAVE_AN_X_AND_Y_SCALE) != 0) {
                at += 4;
            } else if ((flags & WE_HAVE_A_TWO_BY_TWO) != 0) {
                at += 8;
            }
        } while ((flags & MORE_COMPONENTS) != 0);
        return at <= outline.length;
    }

    /**
     * The cut file: the kept outlines, the copied tables, a loca in which a glyph not kept has an
     * empty outline; {@code glyphs}: how many glyphs FOP's subset can have at most.
     */
    private byte[] write(TreeMap<Integer, byte[]> kept, int glyphs) {
        long glyfSize = 0;
        for (byte[] o : kept.values()) {
            glyfSize += o.length;
        }
        int locaSize = (numGlyphs + 1) * (longLoca ? 4 : 2);
        long size = 12 + 16L * tables.size();
        for (Map.Entry<Integer, byte[]> t : tables.entrySet()) {
            int len =
                    t.getKey() == LOCA
                            ? locaSize
                            : t.getKey() == GLYF ? (int) glyfSize : t.getValue().length;
            size += pad(len);
        }
        // FOP writes its subset into an array the size of the file it read; its subset holds at
        // most the kept outlines, a loca and hmtx entry per subset glyph and the copied tables
        long subsetBound = 4096 + glyfSize + 8L * (glyphs + 1);
        for (byte[] t : tables.values()) {
            subsetBound += pad(t.length);
        }
        long total = Math.max(size, subsetBound);
        if (total > Integer.MAX_VALUE - 16) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.putInt(0x00010000).putShort((short) tables.size());
        out.putShort((short) 0).putShort((short) 0).putShort((short) 0); // FOP skips these
        int at = 12 + 16 * tables.size();
        int entry = 12;
        for (Map.Entry<Integer, byte[]> t : tables.entrySet()) {
            int start = at;
            out.position(at);
            if (t.getKey() == LOCA) {
                long o = 0;
                for (int g = 0; g <= numGlyphs; g++) {
                    if (longLoca) {
                        out.putInt((int) o);
                    } else {
                        out.putShort((short) (o >> 1));
                    }
                    byte[] outline = g < numGlyphs ? kept.get(g) : null;
                    if (outline != null) {
                        o += outline.length;
                    }
                }
            } else if (t.getKey() == GLYF) {
                for (byte[] outline : kept.values()) {
                    out.put(outline);
                }
            } else {
                out.put(t.getValue());
            }
            int len = out.position() - start;
            out.putInt(entry, t.getKey()).putInt(entry + 4, 0);
            out.putInt(entry + 8, start).putInt(entry + 12, len);
            entry += 16;
            at = start + pad(len);
        }
        return out.array();
    }

    private static int pad(long len) {
        return (int) ((len + 3) & ~3L);
    }

    private static int u16(byte[] a, int at) {
        return ((a[at] & 0xff) << 8) | (a[at + 1] & 0xff);
    }

    private static byte[] slice(byte[] all, long off, long len) {
        byte[] t = new byte[(int) len];
        System.arraycopy(all, (int) off, t, 0, (int) len);
        return t;
    }

    private static int tag(String name) {
        return ByteBuffer.wrap(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).getInt();
    }

    /** The outlines of one cut: from the kept bytes, or by positional reads from the file. */
    private final class Outlines implements AutoCloseable {
        private FileChannel channel;

        byte[] read(long offset, int length) throws IOException {
            byte[] data = new byte[length];
            long from = glyfOffset + offset;
            if (bytes != null) {
                System.arraycopy(bytes, (int) from, data, 0, length);
                return data;
            }
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                if (channel.read(buf, from + buf.position()) < 0) {
                    throw new IOException("font file shorter than when it was parsed: " + file);
                }
            }
            return data;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
