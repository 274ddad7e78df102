package jp.kofuhub.printout;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * What the code of one page says (docs/interfaces/printout-code.md §4): the header (format version,
 * municipality, kind, 発行番号, issue date, page n of m) and the fields a recipient checks that are
 * printed on that page, read from the certificate's data document — the very strings the layout
 * prints. Which parts are on a page comes from the layout: the XSLT shells mark them with the FO
 * ids {@code kofu-code-member-<position>}, {@code kofu-code-main}, {@code kofu-code-income} and
 * {@code kofu-code-levy}, and the renderer reports the ids each page holds.
 *
 * <p>Left out on purpose (the document says why): 住民票コード and 個人番号 (a code is machine-read and
 * copied: it must never carry identifiers whose collection the law restricts), 本籍・筆頭者 (sensitive,
 * and rarely what a recipient checks), furigana, the dates of moves and 届出, the previous address,
 * the 印影 image, and the 認証文 and issuer line (the same on every certificate of a kind; the signature
 * stands for them).
 */
public final class PrintoutPayload {

    public static final long VERSION = 1;

    /** The member block's id prefix (a shell writes {@code kofu-code-member-<position>}). */
    public static final String MEMBER_ID = "kofu-code-member-";

    public static final String MAIN_ID = "kofu-code-main";
    public static final String INCOME_ID = "kofu-code-income";
    public static final String LEVY_ID = "kofu-code-levy";

    /** The totals of the income and levy parts (the rows a recipient checks). */
    private static final List<String> INCOME = List.of("total", "deductions", "taxable");

    private static final List<String> LEVY = List.of("total");

    private final String municipality;
    private final String issueNumber;
    private final LocalDate day;
    private final Element root;
    private final String kind;

    public PrintoutPayload(String municipality, String issueNumber, LocalDate day, String dataXml) {
        this.municipality = municipality;
        this.issueNumber = issueNumber;
        this.day = day;
        this.root = parse(dataXml).getDocumentElement();
        this.kind = root.getAttribute("kind");
    }

    public String kind() {
        return kind;
    }

    /**
     * The payload of page {@code page} (1-based) of {@code pages}, holding the parts {@code ids}.
     */
    public Map<String, Object> page(int page, int pages, Set<String> ids) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("v", VERSION);
        p.put("m", municipality);
        p.put("k", kind);
        p.put("n", issueNumber);
        p.put("d", day.toString());
        p.put("p", (long) page);
        p.put("t", (long) pages);
        Map<String, Object> f = new LinkedHashMap<>();
        switch (kind) {
            case "JUMINHYO", "JUMINHYO_KISAI" -> members(f, ids);
            case "INKAN" -> {
                if (ids.contains(MAIN_ID)) {
                    Element reg = child(root, "registration");
                    put(f, "reg", reg == null ? null : reg.getAttribute("number"));
                    Element person = child(root, "person");
                    put(f, "name", text(person, "name"));
                    put(f, "birth", text(person, "birth"));
                    put(f, "sex", text(person, "sex"));
                    put(f, "addr", text(person, "address"));
                }
            }
            default -> tax(f, ids);
        }
        p.put("f", f);
        return p;
    }

    private void members(Map<String, Object> f, Set<String> ids) {
        List<Object> members = new ArrayList<>();
        Element list = child(root, "members");
        for (Element m : children(list, "member")) {
            if (!ids.contains(MEMBER_ID + m.getAttribute("position"))) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            put(e, "name", text(m, "name"));
            put(e, "birth", text(m, "birth"));
            put(e, "rel", text(m, "relationship"));
            members.add(e);
        }
        if (!members.isEmpty()) {
            Element household = child(root, "household");
            put(f, "addr", text(household, "address"));
            put(f, "head", text(household, "head"));
            f.put("mem", members);
        }
    }

    private void tax(Map<String, Object> f, Set<String> ids) {
        Element tax = child(root, "tax");
        put(f, "year", text(tax, "year"));
        if (ids.contains(MAIN_ID)) {
            Element person = child(tax, "person");
            put(f, "name", text(person, "name"));
            put(f, "birth", text(person, "birth"));
            put(f, "addr", text(person, "address"));
        }
        Element income = child(tax, "income");
        if (income != null && ids.contains(INCOME_ID)) {
            f.put("inc", amounts(income, INCOME));
        }
        Element levy = child(tax, "levy");
        if (levy != null && ids.contains(LEVY_ID)) {
            Map<String, Object> l = amounts(levy, LEVY);
            if ("true".equals(levy.getAttribute("non-taxed"))) {
                l.put("non-taxed", 1L);
            }
            f.put("levy", l);
        }
    }

    private static Map<String, Object> amounts(Element parent, List<String> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, text(parent, n) == null ? "" : text(parent, n));
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalArgumentException("the data document cannot be read", e);
        }
    }
}
