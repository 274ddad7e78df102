package jp.kofuhub.render;

import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The fonts that draw certificates, in the order FO's {@code font-family} tries them. Read from the
 * FOP configuration (config/fop.xconf) so the glyph check and the renderer can never disagree: a
 * font whose file is absent is dropped from both, with a warning.
 *
 * <p>The chain also measures printed text ({@link #fit}): the boxes of the layout (STD §5.8) come
 * from the templates' settings.xsl ({@link FieldBoxes}), given with {@link #load(Path, Path, List,
 * Path)} or {@link #withBoxes}. A chain loaded without boxes (older call sites, tests) reads {@link
 * #DEFAULT_SETTINGS} the first time it fits a value, so boxed values are always checked.
 */
public final class FontChain {

    private static final Logger LOG = LoggerFactory.getLogger(FontChain.class);

    /** One configured font: its FO family name, its file, and an AWT face to ask about coverage. */
    public record Entry(String family, Path file, Font awtFont) {}

    /**
     * The layout settings read when a chain was built without boxes ({@link #load(Path, Path,
     * List)}): relative to the working directory, which is the project root in tests and previews.
     */
    public static final Path DEFAULT_SETTINGS = Path.of("xslt-templates", "settings.xsl");

    /**
     * The part of a box's width kept free: FOP's collapsed table borders take a little of the
     * column (half of each border), and the widths FOP rounds to 1/1000 em may add up a hair wider
     * than ours.
     */
    static final double SAFETY_MARGIN = 0.02;

    private final List<Entry> entries;
    private final Document fopConfig;
    private final TextMeasure measure;

    /** null until given ({@link #withBoxes}) or first needed (then {@link #DEFAULT_SETTINGS}). */
    private volatile FieldBoxes boxes;

    private FontChain(
            List<Entry> entries, Document fopConfig, TextMeasure measure, FieldBoxes boxes) {
        this.entries = entries;
        this.fopConfig = fopConfig;
        this.measure = measure;
        this.boxes = boxes;
    }

    /**
     * {@link #load(Path, Path, List)}, with the boxes of {@code settingsXsl} (the templates'
     * settings.xsl) that printed values must fit. An unreadable settings file fails here, at
     * start-up.
     */
    public static FontChain load(
            Path xconf, Path baseDir, List<String> familyOrder, Path settingsXsl) {
        return load(xconf, baseDir, familyOrder).withBoxes(FieldBoxes.load(settingsXsl));
    }

    /** The same fonts, fitting values into {@code boxes}. */
    public FontChain withBoxes(FieldBoxes boxes) {
        return new FontChain(entries, fopConfig, measure, java.util.Objects.requireNonNull(boxes));
    }

    /**
     * Loads the xconf, resolves each {@code embed-url} against {@code baseDir}, and keeps the fonts
     * that {@code familyOrder} names and that exist, in that order. A configured font the chain
     * does not name is removed from FOP's configuration too, so FOP never draws with a font the
     * glyph check did not ask.
     */
    public static FontChain load(Path xconf, Path baseDir, List<String> familyOrder) {
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = dbf.newDocumentBuilder().parse(xconf.toFile());
            Map<String, Entry> byFamily = new LinkedHashMap<>();
            NodeList fonts = doc.getElementsByTagName("font");
            List<Element> missing = new ArrayList<>();
            for (int i = 0; i < fonts.getLength(); i++) {
                Element font = (Element) fonts.item(i);
                Path file =
                        baseDir.resolve(font.getAttribute("embed-url"))
                                .toAbsolutePath()
                                .normalize();
                Element triplet = (Element) font.getElementsByTagName("font-triplet").item(0);
                String family = triplet.getAttribute("name");
                if (!Files.isRegularFile(file)) {
                    LOG.warn("font {} not found at {}: left out of the chain", family, file);
                    missing.add(font);
                    continue;
                }
                font.setAttribute("embed-url", file.toUri().toString());
                try {
                    byFamily.put(
                            family,
                            new Entry(
                                    family,
                                    file,
                                    Font.createFont(Font.TRUETYPE_FONT, file.toFile())));
                } catch (java.awt.FontFormatException e) {
                    throw new IllegalStateException(
                            "font " + family + " is not a TrueType font", e);
                }
            }
            missing.forEach(m -> m.getParentNode().removeChild(m));
            List<Entry> ordered = new ArrayList<>();
            for (String f : familyOrder) {
                Entry e = byFamily.remove(f.trim());
                if (e != null) {
                    ordered.add(e);
                }
            }
            for (Entry unused : byFamily.values()) {
                LOG.info("font {} is configured but not in the chain: not used", unused.family());
                Element font = fontElement(doc, unused.family());
                font.getParentNode().removeChild(font);
            }
            if (ordered.isEmpty()) {
                throw new IllegalStateException(
                        "no configured certificate font exists: see " + xconf);
            }
            LOG.info("certificate font chain: {}", ordered.stream().map(Entry::family).toList());
            return new FontChain(
                    List.copyOf(ordered),
                    doc,
                    new TextMeasure(ordered.stream().map(Entry::awtFont).toList()),
                    null);
        } catch (IOException
                | javax.xml.parsers.ParserConfigurationException
                | org.xml.sax.SAXException e) {
            throw new IllegalStateException("cannot read FOP configuration " + xconf, e);
        }
    }

    private static Element fontElement(Document doc, String family) {
        NodeList fonts = doc.getElementsByTagName("font");
        for (int i = 0; i < fonts.getLength(); i++) {
            Element font = (Element) fonts.item(i);
            Element triplet = (Element) font.getElementsByTagName("font-triplet").item(0);
            if (triplet.getAttribute("name").equals(family)) {
                return font;
            }
        }
        throw new IllegalStateException("no font " + family);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The FO {@code font-family} value: every family of the chain, in order. */
    public String foFamilyList() {
        return String.join(",", entries.stream().map(Entry::family).toList());
    }

    /** The FOP configuration with absolute font URLs and absent fonts removed. */
    Document fopConfig() {
        return fopConfig;
    }

    /**
     * The first code point of {@code text} that no font of the chain can draw, or -1.
     *
     * <ul>
     *   <li>A variation selector (IVS, U+E0100–U+E01EF, or U+FE00–U+FE0F) counts as undrawable: FOP
     *       ignores it and would print the base glyph, a silently different character.
     *   <li>A Private Use Area code point (U+E000–U+F8FF, U+F0000–U+10FFFF) and U+3013 〓 (the geta
     *       mark) count as undrawable even when a font has a glyph there: registries use them for
     *       characters still being registered (外字登録中), and IPAmj Mincho's PUA glyphs would print a
     *       silently wrong character.
     * </ul>
     */
    public int firstUndrawable(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isVariationSelector(cp) || isPlaceholder(cp)) {
                return cp;
            }
            if (Character.isWhitespace(cp) || cp == 0x3000) {
                continue;
            }
            if (!canDraw(cp)) {
                return cp;
            }
        }
        return -1;
    }

    private boolean canDraw(int cp) {
        for (Entry e : entries) {
            if (e.awtFont().canDisplay(cp)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code text} has a character the first font of the chain cannot draw, so that a later
     * one (IPAmj Mincho) must: such documents are expensive to render.
     */
    public boolean needsFallback(String text) {
        if (entries.size() < 2) {
            return false;
        }
        java.awt.Font first = entries.get(0).awtFont();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp > 0x7F && !first.canDisplay(cp)) {
                return true;
            }
        }
        return false;
    }

    static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    /**
     * A Private Use Area code point or the geta mark 〓: a stand-in for a character, never the
     * character.
     */
    static boolean isPlaceholder(int cp) {
        return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0x10FFFF) || cp == 0x3013;
    }

    /** The boxes values are fitted into: those given, or {@link #DEFAULT_SETTINGS}'s, read once. */
    public FieldBoxes boxes() {
        FieldBoxes b = boxes;
        if (b == null) {
            synchronized (this) {
                b = boxes;
                if (b == null) {
                    LOG.info(
                            "no layout boxes given to the font chain: reading {}",
                            DEFAULT_SETTINGS);
                    b = FieldBoxes.load(DEFAULT_SETTINGS);
                    boxes = b;
                }
            }
        }
        return b;
    }

    /**
     * The size {@code value} is printed at in box {@code box} (a {@code <box field=…>} of
     * settings.xsl): the nominal size if it fits, else the first of 0.5pt steps down to nominal ×
     * shrink-min-scale that fits; {@link FieldBoxes.Fit#fits()} is false when none does. "Fits"
     * means: at most the box's lines (see {@link TextMeasure} for how lines break), each at most
     * the box width less {@link #SAFETY_MARGIN}. The value should have passed {@link
     * #firstUndrawable} first.
     *
     * @throws IllegalArgumentException for a box settings.xsl does not declare
     */
    public FieldBoxes.Fit fit(String box, String value) {
        FieldBoxes b = boxes();
        FieldBoxes.Box bx = b.box(box);
        double line = bx.widthPt() * (1 - SAFETY_MARGIN);
        double[] sizes = b.sizes(bx);
        for (double size : sizes) {
            if (measure.lines(value, size, line) <= bx.lines()) {
                if (size < bx.sizePt()) {
                    LOG.debug("box {}: value shrunk from {}pt to {}pt", box, bx.sizePt(), size);
                }
                return new FieldBoxes.Fit(bx, size, true);
            }
        }
        LOG.debug("box {}: value does not fit even at {}pt", box, sizes[sizes.length - 1]);
        return new FieldBoxes.Fit(bx, sizes[sizes.length - 1], false);
    }

    /** The width of {@code text} in points at {@code sizePt} on one line, as FOP would set it. */
    public double textWidthPt(String text, double sizePt) {
        return measure.width(text, sizePt);
    }
}
