package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.support.Pdfs;
import net.sf.saxon.TransformerFactoryImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A certificate prints the character the registry holds, or nothing: never {@code #}, never a
 * different glyph. Renders the real juminhyo template (Saxon, then {@link PdfRenderer}) with the
 * two chains the hub can run with — IPAex Mincho alone, and IPAex + IPAmj Mincho when Debian's
 * fonts-ipamj-mincho is installed — and reads the PDF back (text layer and fonts, PDFBox). {@link
 * Pdfs#text} itself fails on any {@code #}.
 */
class GlyphTest {

    static final Path IPAMJ = Path.of("/usr/share/fonts/truetype/ipamj/ipamjm.ttf");
    static final Path XCONF = Path.of("config/fop.xconf");
    static final Path FIXTURE = Path.of("src/test/resources/glyph/juminhyo-one.xml");
    static final String ADDRESS = "北海道北広島市中央６丁目２番地１";

    /** 𠮷 (U+20BB7, 土吉): in IPAmj Mincho (MJ), not in IPAex Mincho. */
    static final String YOSHIDA = "\uD842\uDFB7田";

    /** 葛 with the ideographic variation selector U+E0100. */
    static final String KATSURA_IVS = "葛\uDB40\uDD00城";

    static FontChain ipaexOnly;
    static PdfRenderer ipaexRenderer;

    @BeforeAll
    static void setUp() {
        ipaexOnly = FontChain.load(XCONF, Path.of("."), List.of("IPAexMincho"));
        ipaexRenderer = new PdfRenderer(ipaexOnly, Path.of("."));
    }

    /** The production chain; IPAex alone when the IPAmj file is absent (FontChain drops it). */
    static PdfRenderer productionRenderer() {
        return Holder.RENDERER;
    }

    /** Loaded on first use only: FOP reads the 46 MB IPAmj file when it first draws with it. */
    private static final class Holder {
        static final PdfRenderer RENDERER =
                new PdfRenderer(
                        FontChain.load(XCONF, Path.of("."), List.of("IPAexMincho", "IPAmjMincho")),
                        Path.of("."));
    }

    /** The one-person juminhyo fixture with the given name and address, as FO for {@code fonts}. */
    static String fo(FontChain fonts, String name, String address) throws Exception {
        String xml =
                Files.readString(FIXTURE)
                        .replace("@FONTS@", fonts.foFamilyList())
                        .replace("@NAME@", name)
                        .replace("@ADDRESS@", address)
                        .replace(
                                "file:///seals/",
                                Path.of("config/municipalities/seals").toAbsolutePath().toUri()
                                        + "/");
        return layout("juminhyo", xml);
    }

    static String layout(String template, String xml) throws Exception {
        Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", template + ".xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        StringWriter out = new StringWriter();
        t.transform(new StreamSource(new StringReader(xml)), new StreamResult(out));
        return out.toString();
    }

    @Test
    void anMjOnlyNameIsDrawnWithIpamjWhenItIsInstalled() throws Exception {
        assumeTrue(Files.exists(IPAMJ), "fonts-ipamj-mincho is not installed (" + IPAMJ + ")");
        PdfRenderer renderer = productionRenderer();
        assertThat(renderer.fonts().foFamilyList()).isEqualTo("IPAexMincho,IPAmjMincho");
        assertThat(renderer.fonts().firstUndrawable(YOSHIDA + "　太郎")).isEqualTo(-1);

        PdfRenderer.RenderedPdf pdf =
                renderer.render(fo(renderer.fonts(), YOSHIDA + "　太郎", ADDRESS));

        String text = Pdfs.text(pdf.getBytes());
        assertThat(text).contains(YOSHIDA + "　太郎").doesNotContain("#");
        // 𠮷 from an embedded IPAmj subset, the rest from IPAex; FOP names subsets
        // XXXXXX+PostScriptName
        assertThat(Pdfs.fonts(pdf.getBytes()))
                .anySatisfy(f -> assertThat(f).matches("[A-Z]{6}\\+IPAmjMincho embedded"))
                .anySatisfy(f -> assertThat(f).matches("[A-Z]{6}\\+IPAexMincho embedded"))
                .allSatisfy(f -> assertThat(f).endsWith(" embedded"));
    }

    @Test
    void anMjOnlyNameIsRefusedWithoutIpamj() throws Exception {
        // the check made while the data document is written (CertificateXml.text →
        // GLYPH_UNAVAILABLE)
        assertThat(ipaexOnly.firstUndrawable(YOSHIDA + "　太郎")).isEqualTo(0x20BB7);
        assertThat(ipaexOnly.firstUndrawable("見本　" + YOSHIDA)).isEqualTo(0x20BB7);

        // the backstop, should FO with it ever reach FOP: FOP reports the two UTF-16 halves
        // separately; the renderer puts the code point back together
        String fo = fo(ipaexOnly, YOSHIDA + "　太郎", ADDRESS);
        assertThatThrownBy(() -> ipaexRenderer.render(fo))
                .isInstanceOfSatisfying(
                        GlyphUnavailableException.class,
                        e -> assertThat(e.codePoint()).isEqualTo(0x20BB7))
                .hasMessageNotContaining("田");
    }

    @Test
    void anIdeographicVariationSequenceIsRefusedInBothChains() throws Exception {
        for (PdfRenderer renderer : List.of(ipaexRenderer, productionRenderer())) {
            FontChain fonts = renderer.fonts();
            assertThat(fonts.firstUndrawable("葛城")).as(fonts.foFamilyList()).isEqualTo(-1);
            assertThat(fonts.firstUndrawable(KATSURA_IVS))
                    .as(fonts.foFamilyList())
                    .isEqualTo(0xE0100);
            assertThat(fonts.firstUndrawable("葛\uFE00城"))
                    .as(fonts.foFamilyList())
                    .isEqualTo(0xFE00);
            // FOP has no glyph for a selector (it does not read cmap format 14): the backstop
            // refuses too
            for (int selector : List.of(0xE0100, 0xFE00)) {
                String fo = fo(fonts, "見本　太郎", ADDRESS + "葛" + Character.toString(selector) + "城");
                assertThatThrownBy(() -> renderer.render(fo))
                        .as(fonts.foFamilyList())
                        .isInstanceOfSatisfying(
                                GlyphUnavailableException.class,
                                e -> assertThat(e.codePoint()).isEqualTo(selector));
            }
        }
    }

    @Test
    void jisItaijiRenderWithIpaexAlone() throws Exception {
        String name = "邊邉　髙﨑";
        assertThat(ipaexOnly.firstUndrawable(name)).isEqualTo(-1);

        PdfRenderer.RenderedPdf pdf = ipaexRenderer.render(fo(ipaexOnly, name, ADDRESS));

        assertThat(Pdfs.text(pdf.getBytes())).contains(name).doesNotContain("#");
        assertThat(Pdfs.fonts(pdf.getBytes()))
                .allSatisfy(f -> assertThat(f).matches("[A-Z]{6}\\+IPAexMincho embedded"));
    }

    @Test
    void cp932TroubleCharactersRenderWithoutHash() throws Exception {
        // CP932 and JIS X 0208 (EUC-JP, Java's Shift_JIS) disagree on these: WAVE DASH / FULLWIDTH
        // TILDE,
        // MINUS SIGN / FULLWIDTH HYPHEN-MINUS, DOUBLE VERTICAL LINE / PARALLEL TO, and the
        // fullwidth or
        // Latin-1 cent, pound and not signs. Whichever the registry sends, it must print.
        String trouble = "〜～−－‖∥￠¢￡£￢¬";
        for (PdfRenderer renderer : List.of(ipaexRenderer, productionRenderer())) {
            FontChain fonts = renderer.fonts();
            assertThat(fonts.firstUndrawable(trouble)).as(fonts.foFamilyList()).isEqualTo(-1);

            PdfRenderer.RenderedPdf pdf = renderer.render(fo(fonts, "見本　太郎", ADDRESS + trouble));

            String text = Pdfs.compact(Pdfs.text(pdf.getBytes()));
            assertThat(text).doesNotContain("#");
            // U+301C and U+FF5E are one glyph in IPAex and IPAmj (the same printed shape), so the
            // text
            // layer of the subset, one code point per glyph, gives back U+301C for both
            assertThat(text.replace('～', '〜'))
                    .as(fonts.foFamilyList())
                    .contains(trouble.replace('～', '〜'));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"juminhyo-household:juminhyo", "inkan-kyu-uji:inkan", "shotoku-kazei:tax"})
    void everyGoldenFixtureRendersWithNoHashAndNoOverflowInBothChains(String pair)
            throws Exception {
        String fixture = pair.split(":")[0];
        String xml =
                Files.readString(Path.of("src/test/resources/golden", fixture + ".xml"))
                        .replace(
                                "file:///seals/",
                                Path.of("config/municipalities/seals").toAbsolutePath().toUri()
                                        + "/");
        for (PdfRenderer renderer : List.of(ipaexRenderer, productionRenderer())) {
            String chain = renderer.fonts().foFamilyList();
            String fo =
                    layout(
                            pair.split(":")[1],
                            xml.replaceFirst(
                                    "font-family=\"[^\"]*\"", "font-family=\"" + chain + "\""));
            PdfRenderer.RenderedPdf pdf = renderer.render(fo);
            assertThat(Pdfs.text(pdf.getBytes())).as(chain).doesNotContain("#").contains("北広島市長");
        }
    }

    @Test
    void theTextCheckOfPdfsFailsOnAHash() throws Exception {
        // what a missed glyph would look like to a reader of the text layer
        PdfRenderer.RenderedPdf pdf = ipaexRenderer.render(fo(ipaexOnly, "見本　太郎", ADDRESS + "#"));
        assertThatThrownBy(() -> Pdfs.text(pdf.getBytes()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'#'")
                .hasMessageNotContaining("見本");
    }

    @Test
    void aLineFopWouldPrintPastItsCellIsRefused() throws Exception {
        // no break opportunity: FOP would print the line across the cell's right rule
        String name = "MIHON".repeat(20);
        String fo = fo(ipaexOnly, name, ADDRESS);

        assertThatThrownBy(() -> ipaexRenderer.render(fo))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e ->
                                assertThat(e.field())
                                        .startsWith("layout fo:block line 1 at FO ")
                                        .doesNotContain("MIHON"))
                .hasMessageNotContaining("MIHON");
    }

    @Test
    void aPersonTallerThanAPageIsRefused() throws Exception {
        // the person grid is kept together on one page: a name of 3,000 characters wraps until the
        // grid
        // is taller than the page, and FOP would print it past the bottom edge
        String fo = fo(ipaexOnly, "見本".repeat(1500), ADDRESS);

        assertThatThrownBy(() -> ipaexRenderer.render(fo))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e ->
                                assertThat(e.field())
                                        .startsWith("layout fo:region-body page ")
                                        .doesNotContain("見本"));
    }
}
