package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.support.Pdfs;
import net.sf.saxon.TransformerFactoryImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FOP with the shipped font: text layer, embedded fonts, the glyph check, and concurrent use. */
class PdfRendererTest {

    static FontChain ipaexOnly;
    static PdfRenderer renderer;

    @BeforeAll
    static void setUp() {
        ipaexOnly =
                FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho"));
        renderer = new PdfRenderer(ipaexOnly, Path.of("."));
    }

    static String fo(String fixture) throws Exception {
        String xml =
                Files.readString(Path.of("src/test/resources/golden", fixture + ".xml"))
                        .replace(
                                "file:///seals/012343.png",
                                Path.of("config/municipalities/seals/012343.png")
                                        .toAbsolutePath()
                                        .toUri()
                                        .toString());
        StringWriter out = new StringWriter();
        javax.xml.transform.Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(Path.of("xslt-templates/juminhyo.xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        t.transform(new StreamSource(new java.io.StringReader(xml)), new StreamResult(out));
        return out.toString();
    }

    @Test
    void rendersTwoSheetsWithTheCertificationOnTheLastOnly() throws Exception {
        PdfRenderer.RenderedPdf pdf = renderer.render(fo("juminhyo-household"));
        assertThat(pdf.getPages()).isEqualTo(2);
        assertThat(Pdfs.pages(pdf.getBytes())).isEqualTo(2);
        String text = Pdfs.text(pdf.getBytes());
        // complex scripts are off: the text layer holds 住民票 and 氏名, not radicals
        assertThat(text)
                .contains("住民票")
                .contains("氏名")
                .contains("北広島市")
                .doesNotContain("⺠")
                .doesNotContain("⽒");
        assertThat(text).contains("髙橋").contains("山﨑").contains("〜");
        String[] pages = text.split("\f");
        String compact = Pdfs.compact(text);
        assertThat(compact)
                .contains("発行番号20261125-012343-K1-P1-000001（1/2）")
                .contains("発行番号20261125-012343-K1-P1-000001（2/2）");
        assertThat(compact.indexOf("この写しは")).isGreaterThan(compact.indexOf("（1/2）"));
        assertThat(Pdfs.fonts(pdf.getBytes())).allSatisfy(f -> assertThat(f).endsWith(" embedded"));
        assertThat(pages).isNotEmpty();
    }

    @Test
    void aCharacterTheChainCannotDrawIsFoundBeforeRendering() {
        // 𠮷 (U+20BB7) is not in IPAex Mincho
        assertThat(ipaexOnly.firstUndrawable("𠮷田　太郎")).isEqualTo(0x20BB7);
        assertThat(ipaexOnly.firstUndrawable("髙橋　﨑")).isEqualTo(-1);
        // an ideographic variation sequence: FOP would print the base glyph and drop the selector
        assertThat(ipaexOnly.firstUndrawable("葛\uDB40\uDD00城")).isEqualTo(0xE0100);
    }

    @Test
    void aGlyphFopCannotDrawFailsTheRenderInsteadOfPrintingHash() throws Exception {
        String fo = fo("juminhyo-household").replace("見本　太郎", "𠮷本　太郎");
        assertThatThrownBy(() -> renderer.render(fo)).isInstanceOf(GlyphUnavailableException.class);
    }

    @Test
    void concurrentRendersAllSucceed() throws Exception {
        String fo = fo("juminhyo-household");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PdfRenderer.RenderedPdf>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> renderer.render(fo)));
            }
            for (Future<PdfRenderer.RenderedPdf> f : results) {
                assertThat(f.get().getPages()).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSealImageThatCannotBeLoadedFailsTheRenderInsteadOfPrintingWithoutIt() throws Exception {
        String fo = fo("juminhyo-household").replace("seals/012343.png", "seals/no-such-seal.png");
        assertThatThrownBy(() -> renderer.render(fo))
                .isInstanceOf(IllegalStateException.class)
                .hasStackTraceContaining("an image of the certificate could not be loaded");
    }

    @Test
    void onlyCharactersBeyondTheFirstFontNeedTheFallbackQueue() {
        FontChain both =
                FontChain.load(
                        Path.of("config/fop.xconf"),
                        Path.of("."),
                        List.of("IPAexMincho", "IPAmjMincho"));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                both.entries().size() == 2, "IPAmj Mincho is not installed");
        assertThat(both.needsFallback("<fo:block>髙橋　﨑　〜</fo:block>")).isFalse();
        assertThat(both.needsFallback("<fo:block>𠮷田</fo:block>")).isTrue();
        assertThat(ipaexOnly.needsFallback("<fo:block>𠮷田</fo:block>")).isFalse();
    }
}
