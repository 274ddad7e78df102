package jp.kofuhub.render;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.sax.SAXResult;
import javax.xml.transform.sax.SAXSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.fop.apps.FOUserAgent;
import org.apache.fop.apps.Fop;
import org.apache.fop.apps.FopFactory;
import org.apache.fop.apps.MimeConstants;
import org.apache.fop.render.intermediate.IFConstants;
import org.apache.fop.render.intermediate.IFContext;
import org.apache.fop.render.intermediate.IFDocumentHandler;
import org.apache.fop.render.intermediate.IFParser;
import org.apache.fop.render.intermediate.IFSerializer;
import org.apache.fop.render.intermediate.IFUtil;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.DefaultHandler;
import org.xml.sax.helpers.XMLFilterImpl;

/**
 * A render whose pages carry content known only after layout (issue #21: each page's signed code
 * says what that page prints). FOP lays the FO out once into its intermediate format (IF, FOP's
 * documented page description) in memory; a scan of the IF tells which FO ids each page holds and
 * how many pages there are; then the IF is turned into the PDF by FOP's own IF parser, with every
 * code slot image ({@link PageStamps#SLOT_URI}) replaced by the page's code drawn as filled
 * rectangles (vector, sharp at any printer resolution). Nothing moves: the slot has its size in the
 * FO, so the layout is the one the first pass made.
 */
final class StampedRendering {

    private static final String IF_NS = IFConstants.NAMESPACE;
    private static final String XLINK = "http://www.w3.org/1999/xlink";
    private static final int QUIET = 4;

    private final FopFactory factory;
    private final TransformerFactory identity;
    private final SAXParserFactory parsers;

    StampedRendering(FopFactory factory, TransformerFactory identity) {
        this.factory = factory;
        this.identity = identity;
        this.parsers = SAXParserFactory.newInstance();
        parsers.setNamespaceAware(true);
    }

    /** Lays out {@code fo} into IF; the agent carries the caller's event listener. */
    byte[] layout(String fo, FOUserAgent agent) throws Exception {
        IFDocumentHandler target =
                factory.getRendererFactory().createDocumentHandler(agent, MimeConstants.MIME_PDF);
        IFSerializer serializer = new IFSerializer(new IFContext(agent));
        serializer.mimicDocumentHandler(target);
        agent.setDocumentHandlerOverride(serializer);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        Fop fop = factory.newFop(MimeConstants.MIME_FOP_IF, agent, out);
        Transformer t = identity.newTransformer();
        t.transform(new StreamSource(new StringReader(fo)), new SAXResult(fop.getDefaultHandler()));
        return out.toByteArray();
    }

    /** The FO ids on each page of the IF, in page order. */
    List<Set<String>> pageIds(byte[] ifXml) throws Exception {
        List<Set<String>> pages = new ArrayList<>();
        parsers.newSAXParser()
                .parse(
                        new ByteArrayInputStream(ifXml),
                        new DefaultHandler() {
                            @Override
                            public void startElement(
                                    String uri, String local, String q, Attributes a) {
                                if (!IF_NS.equals(uri)) {
                                    return;
                                }
                                if ("page".equals(local)) {
                                    pages.add(new HashSet<>());
                                } else if ("id".equals(local) && !pages.isEmpty()) {
                                    pages.get(pages.size() - 1).add(a.getValue("name"));
                                }
                            }
                        });
        return pages;
    }

    /** Writes the PDF of {@code ifXml}, each slot filled with its page's code. */
    byte[] toPdf(byte[] ifXml, List<Set<String>> pageIds, PageStamps stamps, FOUserAgent agent)
            throws Exception {
        ByteArrayOutputStream pdf = new ByteArrayOutputStream(64 * 1024);
        IFDocumentHandler target =
                factory.getRendererFactory().createDocumentHandler(agent, MimeConstants.MIME_PDF);
        target.setResult(new StreamResult(pdf));
        IFUtil.setupFonts(target);
        XMLReader reader = parsers.newSAXParser().getXMLReader();
        SlotFilter filter = new SlotFilter(reader, pageIds, stamps);
        new IFParser()
                .parse(
                        new SAXSource(filter, new InputSource(new ByteArrayInputStream(ifXml))),
                        target,
                        agent);
        if (filter.filled == 0 && !pageIds.isEmpty()) {
            throw new IllegalStateException("the layout has no printout code slot");
        }
        return pdf.toByteArray();
    }

    /** Replaces each slot {@code <image>} of the IF with the page's code as {@code <rect>}s. */
    private static final class SlotFilter extends XMLFilterImpl {
        private final List<Set<String>> pageIds;
        private final PageStamps stamps;
        private int page = -1;
        private int filled;
        private boolean inSlot;

        SlotFilter(XMLReader parent, List<Set<String>> pageIds, PageStamps stamps) {
            super(parent);
            this.pageIds = pageIds;
            this.stamps = stamps;
        }

        @Override
        public void startElement(String uri, String local, String q, Attributes a)
                throws SAXException {
            if (IF_NS.equals(uri) && "page".equals(local)) {
                page++;
            }
            if (IF_NS.equals(uri)
                    && "image".equals(local)
                    && PageStamps.SLOT_URI.equals(a.getValue(XLINK, "href"))) {
                inSlot = true;
                filled++;
                draw(
                        Integer.parseInt(a.getValue("x")),
                        Integer.parseInt(a.getValue("y")),
                        Integer.parseInt(a.getValue("width")),
                        Integer.parseInt(a.getValue("height")));
                return;
            }
            super.startElement(uri, local, q, a);
        }

        @Override
        public void endElement(String uri, String local, String q) throws SAXException {
            if (inSlot && IF_NS.equals(uri) && "image".equals(local)) {
                inSlot = false;
                return;
            }
            super.endElement(uri, local, q);
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (!inSlot) {
                super.characters(ch, start, length);
            }
        }

        /** The code in the slot's square, centred, one rectangle per run of dark modules. */
        private void draw(int x, int y, int w, int h) throws SAXException {
            boolean[][] m = stamps.stamp(page + 1, pageIds.size(), pageIds.get(page));
            int n = m.length;
            int module = Math.min(w, h) / (n + 2 * QUIET);
            if (module <= 0) {
                throw new SAXException("the printout code slot is too small for the code");
            }
            int x0 = x + (w - module * n) / 2;
            int y0 = y + (h - module * n) / 2;
            for (int r = 0; r < n; r++) {
                int c = 0;
                while (c < n) {
                    if (!m[r][c]) {
                        c++;
                        continue;
                    }
                    int start = c;
                    while (c < n && m[r][c]) {
                        c++;
                    }
                    AttributesImpl a = new AttributesImpl();
                    a.addAttribute("", "x", "x", "CDATA", Integer.toString(x0 + start * module));
                    a.addAttribute("", "y", "y", "CDATA", Integer.toString(y0 + r * module));
                    a.addAttribute(
                            "", "width", "width", "CDATA", Integer.toString((c - start) * module));
                    a.addAttribute("", "height", "height", "CDATA", Integer.toString(module));
                    a.addAttribute("", "fill", "fill", "CDATA", "#000000");
                    super.startElement(IF_NS, "rect", "rect", a);
                    super.endElement(IF_NS, "rect", "rect");
                }
            }
        }
    }
}
