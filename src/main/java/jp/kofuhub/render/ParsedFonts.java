package jp.kofuhub.render;

import java.awt.Rectangle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.commons.io.IOUtils;
import org.apache.fop.apps.io.InternalResourceResolver;
import org.apache.fop.complexscripts.fonts.GlyphDefinitionTable;
import org.apache.fop.complexscripts.fonts.GlyphPositioningTable;
import org.apache.fop.complexscripts.fonts.GlyphSubstitutionTable;
import org.apache.fop.fonts.CIDFontType;
import org.apache.fop.fonts.CMapSegment;
import org.apache.fop.fonts.EmbedFontInfo;
import org.apache.fop.fonts.EmbeddingMode;
import org.apache.fop.fonts.EncodingMode;
import org.apache.fop.fonts.FontCollection;
import org.apache.fop.fonts.FontInfo;
import org.apache.fop.fonts.FontTriplet;
import org.apache.fop.fonts.LazyFont;
import org.apache.fop.fonts.Typeface;
import org.apache.fop.fonts.truetype.FontFileReader;
import org.apache.fop.fonts.truetype.OFFontLoader;
import org.apache.fop.fonts.truetype.SVGGlyphData;
import org.apache.fop.fonts.truetype.TTFFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured TrueType fonts, each read from disk and parsed <b>once</b> (per {@link
 * PdfRenderer}), and a fresh font object per document built from that parse.
 *
 * <p>Why: FOP 2.11 sets up a new {@code FontInfo} with a new {@link LazyFont} per font for every
 * document, and the first glyph a document asks for makes that {@code LazyFont} read the whole file
 * and parse its cmap, hmtx and glyf tables again (7.8 MB for IPAex Mincho: about 40 % of the render
 * CPU and 60 % of the allocation, docs/benchmarks.md "Where the time goes"). FOP keeps the parsed
 * metrics and the document's subset (which glyphs it used, renumbered) in the same {@link
 * MultiByteFont} object, so the object itself cannot be shared between documents.
 *
 * <p>How: {@link Template} holds what {@code OFFontLoader.buildFont} (fop-core 2.11) copies out of
 * the parsed {@link TTFFile} — names, metrics, the width and bounding-box arrays, the cmap
 * segments, the kerning pairs — and {@link Template#newFont()} replays the same setter calls on a
 * new {@link DocumentFont} (a {@link MultiByteFont}): the arrays and maps are shared, read-only;
 * the subset ({@code CIDSubset}), the cmap list, the glyph caches and the event listener are the
 * new object's own. A font is parsed the first time a document is set up with it, under a per-font
 * lock; after that a document's fonts cost a few small allocations. The file's bytes are kept when
 * the file is at most {@link #KEEP_BYTES_MAX} (IPAex Mincho), so cutting the subset at the end of a
 * document reads memory, not the disk; a larger file (IPAmj Mincho, 46 MB) is read again for each
 * document that draws with it, as before.
 *
 * <p>Cutting a subset is still FOP's: it copies the whole file into a fresh array (≈ 2–3 × 7.8 MB
 * allocated through commons-io's buffers, G1 humongous objects in a 512 MB heap). With 32 documents
 * finishing together those copies alone could fill the heap, so at most {@link #SUBSETS_AT_ONCE}
 * documents cut subsets at the same time: the permit is taken when FOP opens the font file ({@link
 * DocumentFont#getInputStream()}) and given back when FOP closes it (always, in a finally block of
 * {@code PDFFactory.makeFontFile}). The work is CPU-bound, so this costs no throughput on a few
 * cores; a permit not given within {@link #SUBSET_WAIT_SECONDS} lets the document go on without one
 * rather than wait forever.
 *
 * <p>Only what FOP would load as an embedded CID TrueType font gets a template (the only kind
 * config/fop.xconf configures); anything else — Type 1, OpenType/CFF, XML metrics, single-byte
 * encoding, not embedded — gets FOP's own {@link LazyFont}, i.e. FOP's behaviour unchanged.
 *
 * <p>Thread-safe: templates are immutable once built and published through a {@link
 * ConcurrentHashMap}; each {@link DocumentFont} belongs to one document.
 */
final class ParsedFonts {

    private static final Logger LOG = LoggerFactory.getLogger(ParsedFonts.class);

    /** The largest font file whose bytes are kept in memory for subsetting. */
    static final int KEEP_BYTES_MAX = 16 * 1024 * 1024;

    /** How many documents may copy a font file to cut their subset at the same time. */
    static final int SUBSETS_AT_ONCE = Math.max(2, Runtime.getRuntime().availableProcessors());

    static final long SUBSET_WAIT_SECONDS = 30;

    private final Semaphore subsets = new Semaphore(SUBSETS_AT_ONCE);

    private final List<EmbedFontInfo> fonts;
    private final InternalResourceResolver resolver;
    private final boolean complexScripts;

    /** Template, or {@link #NOT_SHAREABLE} for a font FOP loads its own way. */
    private final Map<EmbedFontInfo, Object> templates = new ConcurrentHashMap<>();

    private static final Object NOT_SHAREABLE = new Object();

    /**
     * @param fonts the fonts of the configuration, as FOP's font configurator lists them
     * @param resolver FOP's resolver (of the factory's FontManager), which reads the files
     * @param complexScripts whether complex-script support is on (it is off: config/fop.xconf)
     */
    ParsedFonts(
            List<EmbedFontInfo> fonts, InternalResourceResolver resolver, boolean complexScripts) {
        this.fonts = List.copyOf(fonts);
        this.resolver = resolver;
        this.complexScripts = complexScripts;
    }

    /**
     * The fonts for one document, registered as FOP's {@code CustomFontCollection} would register
     * them (same internal keys F&lt;n&gt;, same triplets, same order).
     */
    FontCollection forDocument() {
        return new FontCollection() {
            @Override
            public int setup(int start, FontInfo fontInfo) {
                int num = start;
                for (EmbedFontInfo info : fonts) {
                    String key = "F" + num++;
                    fontInfo.addMetrics(key, fontFor(info));
                    for (FontTriplet triplet : info.getFontTriplets()) {
                        fontInfo.addFontProperties(key, triplet);
                    }
                }
                return num;
            }
        };
    }

    private Typeface fontFor(EmbedFontInfo info) {
        Object t = templates.computeIfAbsent(info, this::parse);
        if (t instanceof Template template) {
            return template.newFont();
        }
        return new LazyFont(info, resolver, complexScripts);
    }

    /** Subset permits free now (tests: all of them once no document is being written). */
    int freeSubsetPermits() {
        return subsets.availablePermits();
    }

    /** Whether every configured font is read once (a template), for tests. */
    boolean allShared() {
        return fonts.stream()
                .allMatch(f -> templates.computeIfAbsent(f, this::parse) instanceof Template);
    }

    private Object parse(EmbedFontInfo info) {
        URI uri = info.getFontUris().getEmbed();
        String path = uri == null ? "" : uri.toASCIIString().toLowerCase(java.util.Locale.ROOT);
        boolean cid = info.getEncodingMode() != EncodingMode.SINGLE_BYTE;
        if (uri == null
                || info.getFontUris().getMetrics() != null
                || !info.isEmbedded()
                || !cid
                || path.endsWith(".pfb")
                || info.getFontUris().getAfm() != null
                || info.getFontUris().getPfm() != null) {
            LOG.info(
                    "font {}: loaded by FOP for each document (not an embedded CID TrueType font)",
                    uri);
            return NOT_SHAREABLE;
        }
        long t0 = System.nanoTime();
        try {
            byte[] bytes;
            try (InputStream in = resolver.getResource(uri)) {
                bytes = IOUtils.toByteArray(in);
            }
            FontFileReader reader = new FontFileReader(new ByteArrayInputStream(bytes));
            String header = OFFontLoader.readHeader(reader);
            if ("OTTO".equals(header)) {
                LOG.info("font {}: OpenType/CFF, loaded by FOP for each document", uri);
                return NOT_SHAREABLE;
            }
            boolean advanced = complexScripts;
            Parsed ttf = new Parsed(info.getKerning(), advanced);
            if (!ttf.readFont(reader, header, info.getSubFontName())) {
                throw new IOException("The font does not have a Unicode cmap table: " + uri);
            }
            if (!ttf.isEmbeddable()) {
                throw new IllegalStateException(
                        "The font " + uri + " is not embeddable due to a licensing restriction.");
            }
            boolean keep = bytes.length <= KEEP_BYTES_MAX;
            String ttc = info.getSubFontName();
            FontCut cut =
                    ttc == null || ttc.isEmpty()
                            ? FontCut.of(
                                    bytes,
                                    keep,
                                    "file".equals(uri.getScheme()) ? Path.of(uri) : null)
                            : null;
            Template template =
                    new Template(info, ttf, advanced, keep ? bytes : null, cut, resolver, subsets);
            LOG.info(
                    "font {} parsed once for all documents in {} ms ({} glyphs, file {} in memory,"
                            + " subsets cut from {})",
                    uri,
                    (System.nanoTime() - t0) / 1_000_000,
                    template.widths.length,
                    template.bytes != null ? "kept" : "not kept",
                    cut != null ? "a per-document cut" : "the whole file");
            return template;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read font " + uri, e);
        }
    }

    /** FOP's TrueType parser, with access to the SVG glyphs it read (a protected field). */
    private static final class Parsed extends TTFFile {
        Parsed(boolean useKerning, boolean useAdvanced) {
            super(useKerning, useAdvanced);
        }

        Map<Integer, SVGGlyphData> svgGlyphs() {
            return svgs;
        }
    }

    /**
     * What {@code OFFontLoader.buildFont} (fop-core 2.11, embedded CID TrueType branch) takes from
     * the parsed file, taken once; {@link #newFont()} replays its setter calls.
     */
    static final class Template {
        private final URI uri;
        private final String ttcName;
        private final EmbeddingMode embeddingMode;
        private final boolean simulateStyle;
        private final boolean useSvg;
        private final InternalResourceResolver resolver;
        private final String fontName;
        private final String fullName;
        private final Set<String> familyNames;
        private final String subFamilyName;
        private final int capHeight;
        private final int xHeight;
        private final int ascender;
        private final int descender;
        private final int[] fontBBox;
        private final int underlinePosition;
        private final int underlineThickness;
        private final int strikeoutPosition;
        private final int strikeoutThickness;
        private final int flags;
        private final int stemV;
        private final int italicAngle;
        private final int weight;
        private final int[] widths;
        private final Rectangle[] boundingBoxes;
        private final CMapSegment[] cmap;
        private final Map<Integer, SVGGlyphData> svgs;
        private final Map<Integer, Map<Integer, Integer>> kerning;
        private final GlyphDefinitionTable gdef;
        private final GlyphSubstitutionTable gsub;
        private final GlyphPositioningTable gpos;
        private final byte[] bytes;
        private final FontCut cut;
        private final GlyphIndex glyphIndex;
        private final Semaphore subsets;

        private Template(
                EmbedFontInfo info,
                Parsed otf,
                boolean advanced,
                byte[] bytes,
                FontCut cut,
                InternalResourceResolver resolver,
                Semaphore subsets) {
            this.subsets = subsets;
            this.cut = cut;
            this.uri = info.getFontUris().getEmbed();
            this.ttcName = info.getSubFontName();
            EmbeddingMode mode = info.getEmbeddingMode();
            this.embeddingMode =
                    mode == null || mode == EmbeddingMode.AUTO ? EmbeddingMode.SUBSET : mode;
            this.simulateStyle = info.getSimulateStyle();
            this.useSvg = info.getUseSVG();
            this.resolver = resolver;
            this.fontName =
                    otf.getEmbedFontName().isEmpty()
                            ? otf.getPostScriptName()
                            : otf.getEmbedFontName();
            this.fullName = otf.getFullName();
            this.familyNames = Set.copyOf(otf.getFamilyNames());
            this.subFamilyName = otf.getSubFamilyName();
            this.capHeight = otf.getCapHeight();
            this.xHeight = otf.getXHeight();
            this.ascender = otf.getLowerCaseAscent();
            this.descender = otf.getLowerCaseDescent();
            this.fontBBox = otf.getFontBBox();
            this.underlinePosition = otf.getUnderlinePosition() - otf.getUnderlineThickness() / 2;
            this.underlineThickness = otf.getUnderlineThickness();
            this.strikeoutPosition = otf.getStrikeoutPosition() - otf.getStrikeoutThickness() / 2;
            this.strikeoutThickness = otf.getStrikeoutThickness();
            this.flags = otf.getFlags();
            this.stemV = Integer.parseInt(otf.getStemV());
            this.italicAngle = Integer.parseInt(otf.getItalicAngle());
            this.weight = otf.getWeightClass();
            this.widths = otf.getWidths();
            this.boundingBoxes = otf.getBoundingBoxes();
            this.cmap = otf.getCMaps().toArray(new CMapSegment[0]);
            this.glyphIndex = GlyphIndex.of(cmap);
            this.svgs = otf.svgGlyphs();
            if (otf.getKerning() != null && info.getKerning()) {
                Map<Integer, Map<Integer, Integer>> k = new HashMap<>();
                for (Map.Entry<Integer, Map<Integer, Integer>> e : otf.getKerning().entrySet()) {
                    k.put(e.getKey(), Collections.unmodifiableMap(e.getValue()));
                }
                this.kerning = Collections.unmodifiableMap(k);
            } else {
                this.kerning = null;
            }
            this.gdef = advanced ? otf.getGDEF() : null;
            this.gsub = advanced ? otf.getGSUB() : null;
            this.gpos = advanced ? otf.getGPOS() : null;
            this.bytes = bytes;
        }

        /** A new font object for one document: its own subset, the shared metrics. */
        DocumentFont newFont() {
            DocumentFont font =
                    new DocumentFont(resolver, embeddingMode, bytes, cut, glyphIndex, subsets);
            font.setIsOTFFile(false);
            font.setTTCName(ttcName);
            font.setSimulateStyle(simulateStyle);
            font.setFontURI(uri);
            font.setFontName(fontName);
            font.setFullName(fullName);
            font.setFamilyNames(familyNames);
            font.setFontSubFamilyName(subFamilyName);
            font.setCapHeight(capHeight);
            font.setXHeight(xHeight);
            font.setAscender(ascender);
            font.setDescender(descender);
            font.setFontBBox(fontBBox);
            font.setUnderlinePosition(underlinePosition);
            font.setUnderlineThickness(underlineThickness);
            font.setStrikeoutPosition(strikeoutPosition);
            font.setStrikeoutThickness(strikeoutThickness);
            font.setFlags(flags);
            font.setStemV(stemV);
            font.setItalicAngle(italicAngle);
            font.setMissingWidth(0);
            font.setWeight(weight);
            font.setCIDType(CIDFontType.CIDTYPE2);
            font.setWidthArray(widths);
            font.setBBoxArray(boundingBoxes);
            font.setCMap(cmap);
            if (useSvg) {
                font.setSVG(svgs);
            }
            if (kerning != null) {
                font.replaceKerningMap(kerning);
            }
            if (gdef != null || gsub != null || gpos != null) {
                font.setGDEF(gdef);
                font.setGSUB(gsub);
                font.setGPOS(gpos);
            }
            font.setEmbedURI(uri);
            return font;
        }
    }
}
