package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.transform.Transformer;
import javax.xml.transform.sax.SAXResult;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.support.Pdfs;
import net.sf.saxon.TransformerFactoryImpl;
import org.apache.fop.apps.FopConfParser;
import org.apache.fop.apps.FopFactory;
import org.apache.fop.apps.MimeConstants;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The renderer's shared state (fonts parsed once, the 公印 deflated once, no lock around {@code
 * newFop}) under many threads rendering different documents, and its output against FOP's stock
 * set-up (a {@code LazyFont} per font per document, FOP's own image handler).
 */
class PdfRendererConcurrencyTest {

    static final String[] SURNAMES = {"青木", "石川", "上田", "遠藤", "小川", "加藤", "木村", "久保"};
    static final String[] GIVEN = {"一郎", "二郎", "三郎", "四郎"};
    static FontChain fonts;
    static PdfRenderer renderer;
    static String juminhyoXml;
    static Transformer juminhyo;

    @BeforeAll
    static void setUp() throws Exception {
        fonts =
                FontChain.load(
                        Path.of("config/fop.xconf"),
                        Path.of("."),
                        List.of("IPAexMincho", "IPAmjMincho"));
        renderer = new PdfRenderer(fonts, Path.of("."), 2);
        juminhyoXml =
                Files.readString(Path.of("src/test/resources/golden/juminhyo-household.xml"))
                        .replace(
                                "file:///seals/012343.png",
                                Path.of("config/municipalities/seals/012343.png")
                                        .toAbsolutePath()
                                        .toUri()
                                        .toString())
                        .replace(
                                "font-family=\"IPAexMincho\"",
                                "font-family=\"" + fonts.foFamilyList() + "\"");
        juminhyo =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(Path.of("xslt-templates/juminhyo.xsl").toFile()))
                        .newTransformer();
    }

    static synchronized String fo(String headName) throws Exception {
        StringWriterResult out = new StringWriterResult();
        juminhyo.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        juminhyo.transform(
                new StreamSource(new StringReader(juminhyoXml.replace("見本　太郎", headName))),
                out.result);
        return out.toString();
    }

    private static final class StringWriterResult {
        final java.io.StringWriter writer = new java.io.StringWriter();
        final StreamResult result = new StreamResult(writer);

        @Override
        public String toString() {
            return writer.toString();
        }
    }

    static String name(int i) {
        return SURNAMES[i % SURNAMES.length] + "　" + GIVEN[(i / SURNAMES.length) % GIVEN.length];
    }

    @Test
    void differentDocumentsOnManyThreadsEachNameTheirOwnPersonWithEmbeddedSubsets()
            throws Exception {
        int docs = 32;
        List<String> fos = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            fos.add(fo(name(i)));
        }
        // 𠮷 is not in IPAex Mincho: drawn by IPAmj Mincho, the second font of the chain, when
        // installed
        String fallback = fo("𠮷田　花子");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < docs; i++) {
                String fo = fos.get(i);
                results.add(pool.submit(() -> renderer.render(fo).getBytes()));
            }
            Future<byte[]> withFallback =
                    fonts.entries().size() > 1
                            ? pool.submit(() -> renderer.render(fallback).getBytes())
                            : null;
            for (int i = 0; i < docs; i++) {
                byte[] pdf = results.get(i).get();
                String text = Pdfs.compact(Pdfs.text(pdf)); // fails on '#'
                assertThat(text)
                        .contains(Pdfs.compact(name(i)))
                        .contains("住民票")
                        .contains("見本花子")
                        .doesNotContain("⺠")
                        .doesNotContain("⽒");
                for (int j = 0; j < docs; j++) {
                    if (j != i) {
                        assertThat(text).doesNotContain(Pdfs.compact(name(j)));
                    }
                }
                assertThat(Pdfs.fonts(pdf))
                        .isNotEmpty()
                        .allSatisfy(f -> assertThat(f).matches("[A-Z]{6}\\+\\S+ embedded"));
                assertThat(sealImages(pdf)).isPositive();
            }
            if (withFallback != null) {
                byte[] pdf = withFallback.get();
                assertThat(Pdfs.compact(Pdfs.text(pdf))).contains("𠮷田花子");
                assertThat(Pdfs.fonts(pdf))
                        .anySatisfy(f -> assertThat(f).contains("IPAmj"))
                        .allSatisfy(f -> assertThat(f).matches("[A-Z]{6}\\+\\S+ embedded"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(renderer.parsedFonts().allShared()).isTrue();
        // every subset permit came back (FOP closed every font file it opened)
        assertThat(renderer.parsedFonts().freeSubsetPermits())
                .isEqualTo(ParsedFonts.SUBSETS_AT_ONCE);
        // the first documents may each have decoded the 公印 before the image manager kept one: each
        // such decoded image is deflated once; after that, the kept one is used and no new one is
        // added
        int kept = renderer.encodedImages().size();
        assertThat(kept).isBetween(1, 16);
        for (int i = 0; i < 3; i++) {
            renderer.render(fos.get(i));
        }
        assertThat(renderer.encodedImages().size()).isLessThanOrEqualTo(kept);
    }

    @Test
    void aMissingGlyphInOneDocumentFailsThatDocumentOnlyWhileOthersRender() throws Exception {
        FontChain ipaexOnly =
                FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho"));
        PdfRenderer one = new PdfRenderer(ipaexOnly, Path.of("."));
        String good = fo(name(3)).replace(fonts.foFamilyList(), ipaexOnly.foFamilyList());
        String bad = fo("𠮷本　太郎").replace(fonts.foFamilyList(), ipaexOnly.foFamilyList());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> goods = new ArrayList<>();
            List<Future<?>> bads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                goods.add(pool.submit(() -> one.render(good)));
                bads.add(pool.submit(() -> one.render(bad)));
            }
            for (Future<?> f : goods) {
                assertThat(f.get()).isNotNull();
            }
            for (Future<?> f : bads) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(f::get))
                        .hasCauseInstanceOf(GlyphUnavailableException.class);
            }
            // a refused document still wrote its PDF (FOP finishes before the check): permits all
            // back
            assertThat(one.parsedFonts().freeSubsetPermits())
                    .isEqualTo(ParsedFonts.SUBSETS_AT_ONCE);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The same FO through FOP's stock set-up (what PdfRenderer did before: a FopFactory from the
     * same configuration, a LazyFont per font per document, FOP's own image handler) and through
     * the renderer gives the same PDF, byte for byte, but for the dates and the file identifier:
     * the same font subsets, the same 公印 streams and soft mask, the same page content.
     */
    @Test
    void theOutputIsFopsStockOutputByteForByte() throws Exception {
        for (String fo :
                List.of(
                        fo(name(5)),
                        fo(name(6)),
                        golden("inkan-kyu-uji", "inkan"),
                        golden("shotoku-kazei", "tax"))) {
            byte[] ours = renderer.render(fo).getBytes();
            byte[] stock = stockRender(fo);
            assertThat(comparable(ours)).isEqualTo(comparable(stock));
            assertThat(sealImages(ours)).isGreaterThanOrEqualTo(1);
        }
    }

    /** The FO of a golden fixture (the 印鑑登録証明書's 印影 is a data: URI: FOP's own image handler). */
    static String golden(String fixture, String template) throws Exception {
        String xml =
                Files.readString(Path.of("src/test/resources/golden", fixture + ".xml"))
                        .replace(
                                "file:///seals/012343.png",
                                Path.of("config/municipalities/seals/012343.png")
                                        .toAbsolutePath()
                                        .toUri()
                                        .toString());
        Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", template + ".xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        StringWriterResult out = new StringWriterResult();
        t.transform(new StreamSource(new StringReader(xml)), out.result);
        return out.toString();
    }

    /** The PDF as ISO-8859-1 text with its dates and file identifier blanked. */
    private static String comparable(byte[] pdf) {
        return new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replaceAll("D:\\d{14}[Z+\\-0-9']*", "D:date")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[Z+\\-0-9:]*", "date")
                .replaceAll("/ID \\[<[0-9A-Fa-f]+> <[0-9A-Fa-f]+>\\]", "/ID");
    }

    private static byte[] stockRender(String fo) throws Exception {
        java.io.StringWriter xconf = new java.io.StringWriter();
        javax.xml.transform.TransformerFactory.newInstance()
                .newTransformer()
                .transform(
                        new javax.xml.transform.dom.DOMSource(fonts.fopConfig()),
                        new StreamResult(xconf));
        FopFactory factory =
                new FopConfParser(
                                new java.io.ByteArrayInputStream(
                                        xconf.toString()
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                Path.of(".").toAbsolutePath().toUri())
                        .getFopFactoryBuilder()
                        .build();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        org.apache.fop.apps.FOUserAgent agent = factory.newFOUserAgent();
        agent.setProducer("Kofu Hub");
        agent.setCreator("Kofu Hub");
        org.apache.fop.apps.Fop fop = factory.newFop(MimeConstants.MIME_PDF, agent, pdf);
        javax.xml.transform.TransformerFactory.newInstance()
                .newTransformer()
                .transform(
                        new StreamSource(new StringReader(fo)),
                        new SAXResult(fop.getDefaultHandler()));
        return pdf.toByteArray();
    }

    /**
     * Images drawn with a soft mask (the 公印; its mask is an image of the resources too), counted
     * per page.
     */
    private static int sealImages(byte[] pdf) throws Exception {
        int n = 0;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (PDPage page : doc.getPages()) {
                for (COSName x : page.getResources().getXObjectNames()) {
                    if (page.getResources().getXObject(x) instanceof PDImageXObject img
                            && img.getSoftMask() != null) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
