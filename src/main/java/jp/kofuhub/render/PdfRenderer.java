package jp.kofuhub.render;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import javax.xml.transform.Result;
import javax.xml.transform.Source;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.sax.SAXResult;
import javax.xml.transform.sax.SAXTransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.fop.apps.FOUserAgent;
import org.apache.fop.apps.Fop;
import org.apache.fop.apps.FopConfParser;
import org.apache.fop.apps.FopFactory;
import org.apache.fop.apps.MimeConstants;
import org.apache.fop.events.Event;
import org.apache.fop.fo.extensions.xmp.XMPMetadata;
import org.apache.fop.fonts.DefaultFontConfigurator;
import org.apache.fop.fonts.EmbedFontInfo;
import org.apache.fop.fonts.FontCollection;
import org.apache.fop.fonts.FontEventAdapter;
import org.apache.fop.fonts.FontInfo;
import org.apache.fop.render.RendererConfig;
import org.apache.fop.render.intermediate.IFContext;
import org.apache.fop.render.intermediate.IFDocumentHandler;
import org.apache.fop.render.intermediate.IFDocumentHandlerConfigurator;
import org.apache.fop.render.intermediate.IFException;
import org.apache.fop.render.pdf.PDFDocumentHandler;
import org.apache.fop.render.pdf.PDFDocumentHandlerMaker;
import org.apache.fop.render.pdf.PDFRendererConfig.PDFRendererConfigParser;
import org.apache.fop.render.pdf.PDFRendererConfigurator;
import org.apache.xmlgraphics.xmp.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.Locator;

/**
 * Turns XSL-FO into PDF with Apache FOP. One {@link FopFactory} is built at start-up from
 * config/fop.xconf (fonts resolved by {@link FontChain}) and reused: building it per document costs
 * more than the rendering. Three things FOP 2.11 would redo for every document are done once, on
 * the factory, with FOP's own classes (issue #9, docs/benchmarks.md "Where the time goes"):
 *
 * <ul>
 *   <li>the PDF renderer configuration (fonts, PDF options) is read from the configuration DOM
 *       once, here; FOP walks that DOM (not thread-safe: STACK.md pitfall 1) in {@code newFop} and
 *       in its font set-up for every document, which is why {@code newFop} used to be serialised.
 *       Our {@link SharedSetupPdfMaker} replaces FOP's PDF document-handler maker on this factory
 *       with one whose configurator returns the configuration read here, so no document walks the
 *       DOM and {@code newFop} runs without a lock;
 *   <li>each TrueType font is read and parsed once ({@link ParsedFonts}); each document gets its
 *       own font objects (its own subset) over the shared metrics;
 *   <li>the 公印's pixels are deflated once ({@link EncodedImages}, an image handler on this
 *       factory);
 *   <li>the XMP metadata packet is written with the transformer factory looked up once ({@link
 *       SharedXmp}; FOP looks one up, through a class path scan, for every document), each font's
 *       cmap is searched through a table built once ({@link GlyphIndex}), and the font subset is
 *       cut from a small per-document cut of the font file ({@link FontCut}) instead of the whole
 *       file (issue #20 item 3).
 * </ul>
 *
 * The PDFs are FOP's, byte for byte (PdfRendererConcurrencyTest compares them with FOP's stock
 * set-up), and the layout and PDF writing run in parallel. Any glyph FOP reports as unavailable
 * fails the render: a certificate never shows {@code #}. Any content FOP reports as not fitting
 * where the FO puts it (a line wider than its cell, a viewport, region or row overflowing) fails it
 * too, with {@link FieldOverflowException}: a certificate never prints text over a rule or past its
 * box. Both are backstops behind the checks made while the data document is written (FontChain, the
 * boxes of settings.xsl); the exception names the FO element and its position in the FO, never the
 * text.
 */
public class PdfRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(PdfRenderer.class);
    private static final String GLYPH_EVENT =
            "org.apache.fop.fonts.FontEventProducer.glyphNotAvailable";

    /**
     * FOP's events for content it lays out beyond the room the FO gives it: it then prints the
     * content overflowing (or clipped), and only warns. Ids are interface name + method of FOP's
     * BlockLevelEventProducer and InlineLevelEventProducer (fop-core 2.11).
     */
    static final Set<String> OVERFLOW_EVENTS =
            Set.of(
                    "org.apache.fop.layoutmgr.inline.InlineLevelEventProducer.lineOverflows",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.overconstrainedAdjustEndIndent",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.objectTooWide",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.viewportIPDOverflow",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.viewportBPDOverflow",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.rowTooTall",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.regionOverflow",
                    "org.apache.fop.layoutmgr.BlockLevelEventProducer.staticRegionOverflow");

    private final FopFactory fopFactory;
    private final FontChain fonts;
    private final ParsedFonts parsedFonts;
    private final EncodedImages encodedImages;

    /**
     * The factory of the identity transform that feeds the FO text to FOP, looked up once: {@code
     * TransformerFactory.newInstance()} scans the class path with a ServiceLoader on every call. It
     * is Saxon's (its jar registers the service), whose factory is thread-safe.
     */
    private final TransformerFactory identityFactory = TransformerFactory.newInstance();

    private final Semaphore fallbackRenders;
    private final StampedRendering stamped;

    /** FOP's events for an image (the 公印, the 印影) it could not find, read or embed. */
    static final String RESOURCE_EVENTS = "org.apache.fop.ResourceEventProducer.";

    public PdfRenderer(FontChain fonts, Path baseDir) {
        this(fonts, baseDir, 1);
    }

    /**
     * {@code fallbackConcurrency}: how many documents that need a font after the first of the chain
     * may render at once (IPAmj Mincho: it is parsed once, but FOP still reads its whole 46 MB file
     * into memory, about twice over, to cut each document's subset); documents drawn by the first
     * font alone are not limited.
     */
    public PdfRenderer(FontChain fonts, Path baseDir, int fallbackConcurrency) {
        this.fonts = fonts;
        this.fallbackRenders = new Semaphore(Math.max(1, fallbackConcurrency), true);
        try {
            StringWriter xconf = new StringWriter();
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.transform(new DOMSource(fonts.fopConfig()), new StreamResult(xconf));
            URI base = baseDir.toAbsolutePath().toUri();
            FopConfParser parser =
                    new FopConfParser(
                            new java.io.ByteArrayInputStream(
                                    xconf.toString()
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            base);
            this.fopFactory = parser.getFopFactoryBuilder().build();
            // the configuration DOM is walked here, once, on this thread; documents never walk it
            FOUserAgent setup = fopFactory.newFOUserAgent();
            RendererConfig pdfConfig =
                    setup.getRendererConfig(MimeConstants.MIME_PDF, new PDFRendererConfigParser());
            List<EmbedFontInfo> fontList =
                    new DefaultFontConfigurator(
                                    fopFactory.getFontManager(),
                                    new FontEventAdapter(setup.getEventBroadcaster()),
                                    setup.validateUserConfigStrictly())
                            .configure(pdfConfig.getFontInfoConfig());
            this.parsedFonts =
                    new ParsedFonts(
                            fontList,
                            fopFactory.getFontManager().getResourceResolver(),
                            setup.isComplexScriptFeaturesEnabled());
            fopFactory
                    .getRendererFactory()
                    .addDocumentHandlerMaker(
                            new SharedSetupPdfMaker(
                                    pdfConfig,
                                    parsedFonts,
                                    identityFactory instanceof SAXTransformerFactory sax
                                            ? sax
                                            : null));
            this.encodedImages = new EncodedImages();
            fopFactory.getImageHandlerRegistry().addHandler(encodedImages);
            this.stamped = new StampedRendering(fopFactory, identityFactory);
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure Apache FOP", e);
        }
        LOG.info("FOP ready with fonts {}", fonts.foFamilyList());
    }

    public FontChain fonts() {
        return fonts;
    }

    /**
     * Renders FO text (the output of an XSLT step) to PDF. A document with a character only a later
     * font of the chain draws waits for one of the few fallback-render permits (memory, see the
     * constructor).
     */
    public RenderedPdf render(String fo) {
        if (!fonts.needsFallback(fo)) {
            return render(new StreamSource(new java.io.StringReader(fo)));
        }
        try {
            fallbackRenders.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to render", e);
        }
        try {
            return render(new StreamSource(new java.io.StringReader(fo)));
        } finally {
            fallbackRenders.release();
        }
    }

    public RenderedPdf render(Source fo) {
        Problems problems = new Problems();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream(64 * 1024);
        try {
            FOUserAgent agent = problems.listenTo(newAgent());
            Fop fop = fopFactory.newFop(MimeConstants.MIME_PDF, agent, pdf);
            Transformer identity = identityFactory.newTransformer();
            Result result = new SAXResult(fop.getDefaultHandler());
            identity.transform(fo, result);
            int pages = fop.getResults() == null ? 0 : fop.getResults().getPageCount();
            problems.check();
            return new RenderedPdf(pdf.toByteArray(), pages);
        } catch (GlyphUnavailableException | FieldOverflowException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("FOP could not render the certificate", e);
        }
    }

    /**
     * Renders FO text whose code slots ({@link PageStamps#SLOT_URI}) are filled per page once the
     * layout is known ({@link StampedRendering}: one layout, then the PDF). The same backstops as
     * {@link #render(String)}; {@code stamps} null renders as {@link #render(String)} does.
     */
    public RenderedPdf render(String fo, PageStamps stamps) {
        if (stamps == null) {
            return render(fo);
        }
        boolean fallback = fonts.needsFallback(fo);
        if (fallback) {
            try {
                fallbackRenders.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to render", e);
            }
        }
        Problems problems = new Problems();
        try {
            byte[] ifXml = stamped.layout(fo, problems.listenTo(newAgent()));
            problems.check();
            java.util.List<java.util.Set<String>> pages = stamped.pageIds(ifXml);
            byte[] pdf = stamped.toPdf(ifXml, pages, stamps, problems.listenTo(newAgent()));
            problems.check();
            return new RenderedPdf(pdf, pages.size());
        } catch (GlyphUnavailableException | FieldOverflowException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("FOP could not render the certificate", e);
        } finally {
            if (fallback) {
                fallbackRenders.release();
            }
        }
    }

    private FOUserAgent newAgent() {
        FOUserAgent agent = fopFactory.newFOUserAgent();
        agent.setProducer("Kofu Hub");
        agent.setCreator("Kofu Hub");
        return agent;
    }

    /** What FOP reported while rendering one document: the backstops of {@link #render(Source)}. */
    private static final class Problems {
        // FOP reports a character outside the BMP as two events, one per UTF-16 half, in order
        private final StringBuffer missingGlyphs = new StringBuffer();
        private final List<String> overflows = Collections.synchronizedList(new ArrayList<>());
        private final List<String> resourceProblems =
                Collections.synchronizedList(new ArrayList<>());

        FOUserAgent listenTo(FOUserAgent agent) {
            agent.getEventBroadcaster()
                    .addEventListener(
                            (Event event) -> {
                                if (GLYPH_EVENT.equals(event.getEventID())) {
                                    Object ch = event.getParam("ch");
                                    missingGlyphs.append(ch == null ? "?" : ch.toString());
                                } else if (OVERFLOW_EVENTS.contains(event.getEventID())) {
                                    overflows.add(overflowField(event));
                                } else if (event.getEventID().startsWith(RESOURCE_EVENTS)) {
                                    resourceProblems.add(event.getEventKey());
                                }
                            });
            return agent;
        }

        void check() {
            if (!resourceProblems.isEmpty()) {
                // the 公印 or the 印影 could not be drawn: never a certificate without its seal
                LOG.error(
                        "FOP could not load an image of the certificate ({}): document refused",
                        resourceProblems.get(0));
                throw new IllegalStateException(
                        "an image of the certificate could not be loaded: "
                                + resourceProblems.get(0));
            }
            if (missingGlyphs.length() > 0) {
                throw new GlyphUnavailableException("document", missingGlyphs.codePointAt(0));
            }
            if (!overflows.isEmpty()) {
                LOG.warn(
                        "FOP laid out {} overflow(s), the first {}: document refused",
                        overflows.size(),
                        overflows.get(0));
                throw new FieldOverflowException(overflows.get(0));
            }
        }
    }

    /**
     * "layout", the FO element and where it is, e.g. {@code layout fo:block line 1 at FO 1:5230}:
     * the event's element name, the line of the block that overflows (lineOverflows) or the page
     * (regionOverflow), and the position in the FO document. Never the text: it is personal data.
     */
    static String overflowField(Event event) {
        StringBuilder field = new StringBuilder("layout");
        Object element = event.getParam("elementName");
        field.append(' ').append(element == null ? event.getEventKey() : element);
        if (event.getParam("line") instanceof Integer line) {
            field.append(" line ").append(line);
        }
        if (event.getParam("page") != null) {
            field.append(" page ").append(event.getParam("page"));
        }
        if (event.getParam("loc") instanceof Locator loc && loc.getLineNumber() > 0) {
            field.append(" at FO ")
                    .append(loc.getLineNumber())
                    .append(':')
                    .append(loc.getColumnNumber());
        }
        return field.toString();
    }

    /** The parsed-once fonts (tests). */
    ParsedFonts parsedFonts() {
        return parsedFonts;
    }

    /** The kept encoded images (tests). */
    EncodedImages encodedImages() {
        return encodedImages;
    }

    /**
     * FOP's maker of the PDF document handler, replaced on our {@link FopFactory}: its handlers'
     * configurator returns the PDF renderer configuration read once at start-up instead of walking
     * the configuration DOM again (not thread-safe, STACK.md pitfall 1), and sets each document's
     * fonts up from {@link ParsedFonts} instead of FOP's {@code CustomFontCollection} of {@code
     * LazyFont}s. Everything else is FOP's {@link PDFDocumentHandlerMaker} and {@link
     * PDFRendererConfigurator}.
     */
    static final class SharedSetupPdfMaker extends PDFDocumentHandlerMaker {
        private final RendererConfig config;
        private final ParsedFonts fonts;
        private final SAXTransformerFactory xmpFactory;

        SharedSetupPdfMaker(
                RendererConfig config, ParsedFonts fonts, SAXTransformerFactory xmpFactory) {
            this.config = config;
            this.fonts = fonts;
            this.xmpFactory = xmpFactory;
        }

        @Override
        public IFDocumentHandler makeIFDocumentHandler(IFContext context) {
            PDFDocumentHandler handler =
                    new PDFDocumentHandler(context) {
                        @Override
                        public IFDocumentHandlerConfigurator getConfigurator() {
                            return new Configurator(getUserAgent());
                        }

                        @Override
                        public void handleExtensionObject(Object extension) throws IFException {
                            // as FOP: document metadata comes as XMPMetadata or bare Metadata
                            XMPMetadata xmp =
                                    extension instanceof XMPMetadata x
                                            ? x
                                            : extension instanceof Metadata m
                                                    ? new XMPMetadata(m)
                                                    : null;
                            if (xmpFactory == null
                                    || xmp == null
                                    || !SharedXmp.render(this, xmp, xmpFactory)) {
                                super.handleExtensionObject(extension);
                            }
                        }

                        @Override
                        public void endDocumentHeader() throws IFException {
                            if (xmpFactory != null) {
                                SharedXmp.install(this, xmpFactory);
                            }
                            super.endDocumentHeader();
                        }
                    };
            FOUserAgent ua = context.getUserAgent();
            if (ua.isAccessibilityEnabled()) {
                ua.setStructureTreeEventHandler(handler.getStructureTreeEventHandler());
            }
            return handler;
        }

        private final class Configurator extends PDFRendererConfigurator {
            Configurator(FOUserAgent ua) {
                super(ua, new PDFRendererConfigParser());
            }

            @Override
            protected RendererConfig getRendererConfig(String mimeType) {
                return config;
            }

            @Override
            public void setupFontInfo(String mimeType, FontInfo fontInfo) {
                List<FontCollection> collections = getDefaultFontCollection();
                collections.add(fonts.forDocument());
                userAgent
                        .getFontManager()
                        .setup(fontInfo, collections.toArray(new FontCollection[0]));
            }
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
