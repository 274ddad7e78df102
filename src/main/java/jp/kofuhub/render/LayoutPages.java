package jp.kofuhub.render;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;

/**
 * The sheets a certificate takes, counted by laying it out (issue #18): the data document goes
 * through the municipality's template ({@link CertificateTemplates}) and FOP, as in the issue
 * phase, and the pages FOP made are the answer. The availability phase announces this count, so the
 * resident pays for the pages that will print, whatever the options and line wraps. The 発行番号 is not
 * known yet: a placeholder of the same length stands in for it (the footer is one short line, so it
 * never changes the layout). Renders raise what the issue phase would raise ({@link
 * GlyphUnavailableException}, {@link FieldOverflowException}), so such a document is refused before
 * any number is taken. Each template file is compiled once and kept.
 */
public final class LayoutPages {

    /** Stands in for the 発行番号 (the format of IssueNumbers: day-city-terminal-printer-number). */
    static final String PLACEHOLDER_NUMBER = "00000000-000000-K1-P1-000000";

    private final Path dir;
    private final CertificateTemplates templates;
    private final PdfRenderer renderer;
    private final net.sf.saxon.TransformerFactoryImpl saxon =
            new net.sf.saxon.TransformerFactoryImpl();
    private final Map<String, Templates> compiled = new ConcurrentHashMap<>();

    public LayoutPages(Path dir, CertificateTemplates templates, PdfRenderer renderer) {
        this.dir = dir;
        this.templates = templates;
        this.renderer = renderer;
    }

    /** The pages of the certificate {@code dataXml} laid out by the municipality's template. */
    public int pages(String municipality, String template, String dataXml) {
        return renderer.render(fo(municipality, template, dataXml, PLACEHOLDER_NUMBER)).getPages();
    }

    /** The FO of the data document, as the route's layout-fo step makes it. */
    public String fo(String municipality, String template, String dataXml, String issueNumber) {
        String path = templates.path(municipality, template);
        try {
            Transformer t = compiled.computeIfAbsent(path, this::compile).newTransformer();
            t.setParameter("X-Kofu-Issue-Number", issueNumber);
            StringWriter fo = new StringWriter();
            t.transform(new StreamSource(new StringReader(dataXml)), new StreamResult(fo));
            return fo.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("template " + path + " failed", e);
        }
    }

    private Templates compile(String path) {
        try {
            return saxon.newTemplates(new StreamSource(dir.resolve(path + ".xsl").toFile()));
        } catch (TransformerException e) {
            throw new IllegalStateException("template " + path + " does not compile", e);
        }
    }
}
