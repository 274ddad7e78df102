package jp.kofuhub.render;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import net.sf.saxon.TransformerFactoryImpl;

/**
 * {@code preview}: renders a data document with a template to PDF, exactly as the hub does (same
 * XSLT, same FOP configuration and fonts), without a running hub or a database — so a template
 * author sees a change at once. The fixtures in src/test/resources/golden/ are ready-made inputs.
 * Values that name their box (attribute {@code box}) are fitted again as the hub fits them (shrunk,
 * or FIELD_OVERFLOW, exit code 4), so a fixture edited to a long name previews at its real size.
 */
public final class PreviewCommand {

    private PreviewCommand() {}

    /**
     * Fits every element of the data document that names its box (attribute {@code box}, as the hub
     * writes it) exactly as the hub does: glyph check, then attribute {@code pt} set when the value
     * must shrink and removed when it need not (so an edited fixture shows the real size), or
     * {@link FieldOverflowException} naming the box when the hub would refuse it.
     */
    static String fit(FontChain fonts, String xml) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory dbf =
                javax.xml.parsers.DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        org.w3c.dom.Document doc =
                dbf.newDocumentBuilder()
                        .parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
        org.w3c.dom.NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            org.w3c.dom.Element e = (org.w3c.dom.Element) all.item(i);
            if (!e.hasAttribute("box")) {
                continue;
            }
            String box = e.getAttribute("box");
            String value = e.getTextContent();
            int bad = fonts.firstUndrawable(value);
            if (bad >= 0) {
                throw new GlyphUnavailableException(box, bad);
            }
            FieldBoxes.Fit fit = fonts.fit(box, value);
            if (!fit.fits()) {
                throw new FieldOverflowException(box);
            }
            if (fit.shrunk()) {
                e.setAttribute("pt", fit.ptAttribute());
                System.out.println("box " + box + ": shrunk to " + fit.ptAttribute() + "pt");
            } else {
                e.removeAttribute("pt");
            }
        }
        StringWriter out = new StringWriter();
        javax.xml.transform.TransformerFactory.newInstance()
                .newTransformer()
                .transform(new javax.xml.transform.dom.DOMSource(doc), new StreamResult(out));
        return out.toString();
    }

    public static int run(String[] args) {
        Map<String, String> o = new HashMap<>(Map.of("--number", "20261125-012343-K1-P1-000001"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--template") || !o.containsKey("--data")) {
            System.err.println(
                    "usage: preview --template juminhyo --data FIXTURE.xml [--out FILE.pdf] [--number 発行番号]");
            return 2;
        }
        Path out = Path.of(o.getOrDefault("--out", o.get("--template") + "-preview.pdf"));
        try {
            FontChain fonts =
                    FontChain.load(
                            Path.of("config/fop.xconf"),
                            Path.of("."),
                            List.of("IPAexMincho", "IPAmjMincho"),
                            Path.of("xslt-templates", "settings.xsl"));
            String xml =
                    fit(
                            fonts,
                            Files.readString(Path.of(o.get("--data")))
                                    .replace(
                                            "file:///seals/",
                                            Path.of("config/municipalities/seals")
                                                    .toAbsolutePath()
                                                    .toUri()
                                                    .toString()));
            Transformer t =
                    new TransformerFactoryImpl()
                            .newTemplates(
                                    new StreamSource(
                                            Path.of("xslt-templates", o.get("--template") + ".xsl")
                                                    .toFile()))
                            .newTransformer();
            t.setParameter("X-Kofu-Issue-Number", o.get("--number"));
            StringWriter fo = new StringWriter();
            t.transform(new StreamSource(new java.io.StringReader(xml)), new StreamResult(fo));
            PdfRenderer.RenderedPdf pdf =
                    new PdfRenderer(fonts, Path.of(".")).render(fo.toString());
            Files.write(out, pdf.getBytes());
            System.out.println("wrote " + out + " (" + pdf.getPages() + " page(s))");
            return 0;
        } catch (GlyphUnavailableException e) {
            System.err.println("GLYPH_UNAVAILABLE: " + e.getMessage());
            return 3;
        } catch (FieldOverflowException e) {
            System.err.println("FIELD_OVERFLOW: " + e.getMessage());
            return 4;
        } catch (Exception e) {
            System.err.println("preview failed: " + e);
            return 1;
        }
    }
}
