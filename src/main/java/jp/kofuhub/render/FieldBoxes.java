package jp.kofuhub.render;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The boxes printed values must fit (STD §5.8), read from the layout itself: the {@code boxes}
 * variable of xslt-templates/settings.xsl ({@code <box field="member.name" width="67mm" lines="1"
 * size="12pt"/>}) and its {@code shrink-min-scale}. The same file the templates import, so the
 * check and the layout cannot disagree. A missing or malformed file fails start-up.
 */
public final class FieldBoxes {

    private static final String XSL = "http://www.w3.org/1999/XSL/Transform";
    private static final double PT_PER_MM = 72 / 25.4;

    /** A box: the width of its text area, the lines a value may take, its nominal font size. */
    public record Box(String field, double widthMm, int lines, double sizePt) {

        public double widthPt() {
            return widthMm * PT_PER_MM;
        }
    }

    /**
     * How a value fits its box: at {@code sizePt}, or not at all ({@code fits} false: it does not
     * fit even at the smallest size allowed).
     */
    public record Fit(Box box, double sizePt, boolean fits) {

        /** Printed smaller than the box's nominal size. */
        public boolean shrunk() {
            return fits && sizePt < box.sizePt();
        }

        /** The data document's {@code pt} attribute ("10.5", "11"), or null at the nominal size. */
        public String ptAttribute() {
            return shrunk()
                    ? BigDecimal.valueOf(sizePt).stripTrailingZeros().toPlainString()
                    : null;
        }
    }

    private final Path source;
    private final Map<String, Box> boxes;
    private final double shrinkMinScale;

    FieldBoxes(Path source, Map<String, Box> boxes, double shrinkMinScale) {
        if (!(shrinkMinScale > 0 && shrinkMinScale <= 1)) {
            throw new IllegalStateException(
                    "shrink-min-scale must be in (0, 1] in " + source + ": " + shrinkMinScale);
        }
        this.source = source;
        this.boxes = Map.copyOf(boxes);
        this.shrinkMinScale = shrinkMinScale;
    }

    /**
     * Reads {@code boxes} and {@code shrink-min-scale} from settings.xsl; any problem is an {@link
     * IllegalStateException}.
     */
    public static FieldBoxes load(Path settingsXsl) {
        Document doc;
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            doc = dbf.newDocumentBuilder().parse(settingsXsl.toFile());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read the layout boxes from "
                            + settingsXsl.toAbsolutePath()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        Element boxesVar = variable(doc, "boxes", settingsXsl);
        Map<String, Box> boxes = new LinkedHashMap<>();
        NodeList children = boxesVar.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && "box".equals(e.getLocalName())) {
                String field = e.getAttribute("field");
                try {
                    Box box =
                            new Box(
                                    field,
                                    lengthMm(e.getAttribute("width")),
                                    Integer.parseInt(e.getAttribute("lines")),
                                    sizePt(e.getAttribute("size")));
                    if (field.isEmpty()
                            || box.widthMm() <= 0
                            || box.lines() < 1
                            || box.sizePt() <= 0) {
                        throw new IllegalArgumentException(
                                "empty field, or width, lines or size not positive");
                    }
                    if (boxes.put(field, box) != null) {
                        throw new IllegalArgumentException("declared twice");
                    }
                } catch (IllegalArgumentException ex) {
                    throw new IllegalStateException(
                            "bad box '" + field + "' in " + settingsXsl + ": " + ex.getMessage(),
                            ex);
                }
            }
        }
        if (boxes.isEmpty()) {
            throw new IllegalStateException(
                    "the boxes variable of " + settingsXsl + " declares no box");
        }
        Element scaleVar = variable(doc, "shrink-min-scale", settingsXsl);
        String scale =
                scaleVar.hasAttribute("select")
                        ? scaleVar.getAttribute("select")
                        : scaleVar.getTextContent();
        double minScale;
        try {
            minScale = Double.parseDouble(scale.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "shrink-min-scale of " + settingsXsl + " is not a number: " + scale, e);
        }
        return new FieldBoxes(settingsXsl, boxes, minScale);
    }

    private static Element variable(Document doc, String name, Path file) {
        NodeList vars = doc.getElementsByTagNameNS(XSL, "variable");
        for (int i = 0; i < vars.getLength(); i++) {
            Element v = (Element) vars.item(i);
            if (name.equals(v.getAttribute("name"))
                    && v.getParentNode().getNodeType() == Node.ELEMENT_NODE
                    && XSL.equals(v.getParentNode().getNamespaceURI())
                    && List.of("stylesheet", "transform")
                            .contains(v.getParentNode().getLocalName())) {
                return v;
            }
        }
        throw new IllegalStateException("no global xsl:variable '" + name + "' in " + file);
    }

    /** "67mm", "6.7cm", "190pt", "2in" in millimetres. */
    static double lengthMm(String length) {
        String s = length.trim();
        if (s.endsWith("mm")) {
            return Double.parseDouble(s.substring(0, s.length() - 2));
        }
        if (s.endsWith("cm")) {
            return Double.parseDouble(s.substring(0, s.length() - 2)) * 10;
        }
        if (s.endsWith("pt")) {
            return Double.parseDouble(s.substring(0, s.length() - 2)) / PT_PER_MM;
        }
        if (s.endsWith("in")) {
            return Double.parseDouble(s.substring(0, s.length() - 2)) * 25.4;
        }
        throw new IllegalArgumentException("not a length in mm, cm, pt or in: '" + length + "'");
    }

    static double sizePt(String size) {
        String s = size.trim();
        if (!s.endsWith("pt")) {
            throw new IllegalArgumentException("a font size must be in pt: '" + size + "'");
        }
        return Double.parseDouble(s.substring(0, s.length() - 2));
    }

    /** The box of that name; an unknown name is a programming error. */
    public Box box(String field) {
        Box b = boxes.get(field);
        if (b == null) {
            throw new IllegalArgumentException("no box " + field + " in " + source);
        }
        return b;
    }

    public Map<String, Box> boxes() {
        return boxes;
    }

    public double shrinkMinScale() {
        return shrinkMinScale;
    }

    public Path source() {
        return source;
    }

    /**
     * The sizes a value of {@code box} may be printed at, largest first: the nominal size, then
     * 0.5pt steps down to (and including) nominal × shrink-min-scale.
     */
    double[] sizes(Box box) {
        int nominalHalves = (int) Math.round(box.sizePt() * 2);
        int minHalves = (int) Math.ceil(box.sizePt() * shrinkMinScale * 2 - 1e-9);
        double[] out = new double[Math.max(1, nominalHalves - minHalves + 1)];
        out[0] = box.sizePt();
        for (int i = 1; i < out.length; i++) {
            out[i] = (nominalHalves - i) / 2.0;
        }
        return out;
    }
}
