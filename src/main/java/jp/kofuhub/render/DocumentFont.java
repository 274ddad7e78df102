package jp.kofuhub.render;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.fop.apps.io.InternalResourceResolver;
import org.apache.fop.fonts.EmbeddingMode;
import org.apache.fop.fonts.MultiByteFont;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document's font ({@link ParsedFonts}): FOP's {@link MultiByteFont}, so the PDF writer embeds
 * its subset exactly as it does a loaded one, with three of FOP's per-document costs taken out:
 *
 * <ul>
 *   <li>the subset is cut from a {@link FontCut} of the file holding only the glyphs this document
 *       uses (a few hundred kB), not from the whole file;
 *   <li>where the font has no cut (a collection, a file the cutter does not take), from the kept
 *       bytes of the file, when kept, holding one of the renderer's subset permits while FOP has
 *       the whole file open (each such document copies it about three times);
 *   <li>a code point's glyph is looked up in the font's shared {@link GlyphIndex} instead of FOP's
 *       linear search of the cmap segments.
 * </ul>
 */
final class DocumentFont extends MultiByteFont {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentFont.class);

    private final byte[] bytes;
    private final FontCut cut;
    private final GlyphIndex glyphIndex;
    private final Semaphore subsets;

    DocumentFont(
            InternalResourceResolver resolver,
            EmbeddingMode mode,
            byte[] bytes,
            FontCut cut,
            GlyphIndex glyphIndex,
            Semaphore subsets) {
        super(resolver, mode);
        this.bytes = bytes;
        this.cut = cut;
        this.glyphIndex = glyphIndex;
        this.subsets = subsets;
    }

    /**
     * FOP's answer (the first cmap segment that maps the code point to a glyph other than 0), from
     * the shared table; FOP's own search for what the table does not map (0, or a private-use
     * mapping FOP added to this document's cmap).
     */
    @Override
    public int findGlyphIndex(int c) {
        int glyph = glyphIndex == null ? 0 : glyphIndex.glyph(c);
        return glyph != 0 ? glyph : super.findGlyphIndex(c);
    }

    /**
     * The file FOP cuts this document's subset from (it calls this once, when it writes the font at
     * the end of the document): the document's cut when there is one.
     */
    @Override
    public InputStream getInputStream() throws IOException {
        if (cut != null && getEmbeddingMode() == EmbeddingMode.SUBSET) {
            byte[] small = cut.cut(getUsedGlyphs().keySet());
            if (small != null) {
                return new ByteArrayInputStream(small);
            }
        }
        boolean held;
        try {
            held = subsets.tryAcquire(ParsedFonts.SUBSET_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            held = false;
        }
        if (!held) {
            LOG.warn(
                    "no subset permit within {} s: cutting the font subset without one",
                    ParsedFonts.SUBSET_WAIT_SECONDS);
        }
        try {
            InputStream in =
                    bytes != null ? new ByteArrayInputStream(bytes) : super.getInputStream();
            return held ? new Permitted(in, subsets) : in;
        } catch (IOException | RuntimeException e) {
            if (held) {
                subsets.release();
            }
            throw e;
        }
    }

    /** The font file as FOP reads it; closing it gives the subset permit back, once. */
    private static final class Permitted extends FilterInputStream {
        private final Semaphore subsets;
        private final AtomicBoolean released = new AtomicBoolean();

        Permitted(InputStream in, Semaphore subsets) {
            super(in);
            this.subsets = subsets;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (released.compareAndSet(false, true)) {
                    subsets.release();
                }
            }
        }
    }
}
