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
 * FOP configuration (config/fop.xconf) so the glyph check and the renderer can never disagree:
 * a font whose file is absent is dropped from both, with a warning.
 */
public final class FontChain {

    private static final Logger LOG = LoggerFactory.getLogger(FontChain.class);

    /** One configured font: its FO family name, its file, and an AWT face to ask about coverage. */
    public record Entry(String family, Path file, Font awtFont) {
    }

    private final List<Entry> entries;
    private final Document fopConfig;

    private FontChain(List<Entry> entries, Document fopConfig) {
        this.entries = entries;
        this.fopConfig = fopConfig;
    }

    /**
     * Loads the xconf, resolves each {@code embed-url} against {@code baseDir}, and keeps the fonts
     * that {@code familyOrder} names and that exist, in that order. A configured font the chain does
     * not name is removed from FOP's configuration too, so FOP never draws with a font the glyph
     * check did not ask.
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
                Path file = baseDir.resolve(font.getAttribute("embed-url")).toAbsolutePath().normalize();
                Element triplet = (Element) font.getElementsByTagName("font-triplet").item(0);
                String family = triplet.getAttribute("name");
                if (!Files.isRegularFile(file)) {
                    LOG.warn("font {} not found at {}: left out of the chain", family, file);
                    missing.add(font);
                    continue;
                }
                font.setAttribute("embed-url", file.toUri().toString());
                try {
                    byFamily.put(family, new Entry(family, file, Font.createFont(Font.TRUETYPE_FONT, file.toFile())));
                } catch (java.awt.FontFormatException e) {
                    throw new IllegalStateException("font " + family + " is not a TrueType font", e);
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
                throw new IllegalStateException("no configured certificate font exists: see " + xconf);
            }
            LOG.info("certificate font chain: {}", ordered.stream().map(Entry::family).toList());
            return new FontChain(List.copyOf(ordered), doc);
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
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
     * The first code point of {@code text} that no font of the chain can draw, or -1. A variation
     * selector (IVS, U+E0100–U+E01EF, or U+FE00–U+FE0F) counts as undrawable: FOP ignores it and
     * would print the base glyph, a silently different character.
     */
    public int firstUndrawable(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isVariationSelector(cp)) {
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

    static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }
}
