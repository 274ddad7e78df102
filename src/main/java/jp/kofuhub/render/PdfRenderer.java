package jp.kofuhub.render;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.xml.transform.Result;
import javax.xml.transform.Source;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.sax.SAXResult;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.fop.apps.FOUserAgent;
import org.apache.fop.apps.Fop;
import org.apache.fop.apps.FopConfParser;
import org.apache.fop.apps.FopFactory;
import org.apache.fop.apps.MimeConstants;
import org.apache.fop.events.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns XSL-FO into PDF with Apache FOP. One {@link FopFactory} is built at start-up from
 * config/fop.xconf (fonts resolved by {@link FontChain}) and reused: building it per document costs
 * more than the rendering. {@code FopFactory.newFop} walks a shared configuration that is not
 * thread-safe, so that one call is serialised; the layout and PDF writing run in parallel.
 * Any glyph FOP reports as unavailable fails the render: a certificate never shows {@code #}.
 */
public class PdfRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(PdfRenderer.class);
    private static final String GLYPH_EVENT = "org.apache.fop.fonts.FontEventProducer.glyphNotAvailable";

    private final FopFactory fopFactory;
    private final FontChain fonts;
    private final Object newFopLock = new Object();

    public PdfRenderer(FontChain fonts, Path baseDir) {
        this.fonts = fonts;
        try {
            StringWriter xconf = new StringWriter();
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.transform(new DOMSource(fonts.fopConfig()), new StreamResult(xconf));
            URI base = baseDir.toAbsolutePath().toUri();
            FopConfParser parser = new FopConfParser(
                    new java.io.ByteArrayInputStream(xconf.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    base);
            this.fopFactory = parser.getFopFactoryBuilder().build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure Apache FOP", e);
        }
        LOG.info("FOP ready with fonts {}", fonts.foFamilyList());
    }

    public FontChain fonts() {
        return fonts;
    }

    /** Renders FO text (the output of an XSLT step) to PDF. */
    public RenderedPdf render(String fo) {
        return render(new StreamSource(new java.io.StringReader(fo)));
    }

    public RenderedPdf render(Source fo) {
        List<String> missingGlyphs = Collections.synchronizedList(new ArrayList<>());
        ByteArrayOutputStream pdf = new ByteArrayOutputStream(64 * 1024);
        try {
            FOUserAgent agent = fopFactory.newFOUserAgent();
            agent.setProducer("Kofu Hub");
            agent.setCreator("Kofu Hub");
            agent.getEventBroadcaster().addEventListener((Event event) -> {
                if (GLYPH_EVENT.equals(event.getEventID())) {
                    Object ch = event.getParam("ch");
                    missingGlyphs.add(ch == null ? "?" : ch.toString());
                }
            });
            Fop fop;
            synchronized (newFopLock) {
                fop = fopFactory.newFop(MimeConstants.MIME_PDF, agent, pdf);
            }
            Transformer identity = TransformerFactory.newInstance().newTransformer();
            Result result = new SAXResult(fop.getDefaultHandler());
            identity.transform(fo, result);
            int pages = fop.getResults() == null ? 0 : fop.getResults().getPageCount();
            if (!missingGlyphs.isEmpty()) {
                throw new GlyphUnavailableException("document", missingGlyphs.get(0).codePointAt(0));
            }
            return new RenderedPdf(pdf.toByteArray(), pages);
        } catch (GlyphUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("FOP could not render the certificate", e);
        }
    }

    /** A finished PDF and its page count (getters, so route expressions can read them). */
    public static final class RenderedPdf {
        private final byte[] bytes;
        private final int pages;

        public RenderedPdf(byte[] bytes, int pages) {
            this.bytes = bytes;
            this.pages = pages;
        }

        public byte[] getBytes() {
            return bytes;
        }

        public int getPages() {
            return pages;
        }
    }
}
