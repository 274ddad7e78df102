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
 */
public final class PreviewCommand {

    private PreviewCommand() {
    }

    public static int run(String[] args) {
        Map<String, String> o = new HashMap<>(Map.of("--number", "20261125-012343-K1-P1-000001"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--template") || !o.containsKey("--data")) {
            System.err.println("usage: preview --template juminhyo --data FIXTURE.xml [--out FILE.pdf] [--number 発行番号]");
            return 2;
        }
        Path out = Path.of(o.getOrDefault("--out", o.get("--template") + "-preview.pdf"));
        try {
            FontChain fonts = FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho", "IPAmjMincho"));
            String xml = Files.readString(Path.of(o.get("--data")))
                    .replace("file:///seals/", Path.of("config/municipalities/seals").toAbsolutePath().toUri().toString());
            Transformer t = new TransformerFactoryImpl()
                    .newTemplates(new StreamSource(Path.of("xslt-templates", o.get("--template") + ".xsl").toFile()))
                    .newTransformer();
            t.setParameter("X-Kofu-Issue-Number", o.get("--number"));
            StringWriter fo = new StringWriter();
            t.transform(new StreamSource(new java.io.StringReader(xml)), new StreamResult(fo));
            PdfRenderer.RenderedPdf pdf = new PdfRenderer(fonts, Path.of(".")).render(fo.toString());
            Files.write(out, pdf.getBytes());
            System.out.println("wrote " + out + " (" + pdf.getPages() + " page(s))");
            return 0;
        } catch (GlyphUnavailableException e) {
            System.err.println("GLYPH_UNAVAILABLE: " + e.getMessage());
            return 3;
        } catch (Exception e) {
            System.err.println("preview failed: " + e);
            return 1;
        }
    }
}
