package jp.kofuhub.printout;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #21 end to end below the routes: every kind is rendered with the code on (XSLT → FOP, the
 * real templates and fonts), rasterised with pdftoppm at 300 and 150 dpi, turned, blurred and
 * noised as a phone photo of the printout would be, and every page's code is found, decoded and
 * verified against the published key set; each says its page n of m and what that page prints. The
 * PDFs and page images stay in target/printout/ for a look.
 */
class PrintoutRenderTest {

    @TempDir static Path dir;
    static PdfRenderer renderer;
    static PrintoutCodes codes;
    static PrintoutVerifier verifier;

    @BeforeAll
    static void setUp() {
        renderer =
                new PdfRenderer(
                        FontChain.load(
                                Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho")),
                        Path.of("."));
        PrintoutFixtures.key(dir.resolve("keys"));
        Clock clock =
                Clock.fixed(
                        PrintoutFixtures.DAY
                                .atTime(10, 0)
                                .atZone(ZoneId.of("Asia/Tokyo"))
                                .toInstant(),
                        ZoneId.of("Asia/Tokyo"));
        codes = new PrintoutCodes(dir.resolve("keys"), "pw", clock);
        verifier =
                new PrintoutVerifier(
                        PrintoutKeySet.read(codes.keySet(PrintoutFixtures.CITY, "北広島市")));
    }

    static List<PrintoutFixtures.Case> cases() throws Exception {
        return PrintoutFixtures.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyPageCarriesItsVerifiableCode(PrintoutFixtures.Case c) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                jp.kofuhub.support.OnPath.has("pdftoppm"),
                "poppler's pdftoppm is not installed (Debian: poppler-utils)");
        String fo = PrintoutFixtures.fo(c.xml(), c.template());
        // the square the layout prints the code in (the fixtures give no size: the default of
        // xslt-templates/settings.xsl)
        java.util.regex.Matcher slot =
                java.util.regex.Pattern.compile(
                                "<fo:external-graphic src=\"url\\('"
                                        + java.util.regex.Pattern.quote(
                                                jp.kofuhub.render.PageStamps.SLOT_URI)
                                        + "'\\)\" width=\"([0-9.]+)mm\"")
                        .matcher(fo);
        assertThat(slot.find()).as("the code's slot in the FO").isTrue();
        double sizeMm = Double.parseDouble(slot.group(1));
        PdfRenderer.RenderedPdf pdf = render(c, fo);
        Path out = Path.of("target/printout");
        Files.createDirectories(out);
        Path file = out.resolve(c.name() + ".pdf");
        Files.write(file, pdf.getBytes());
        for (int dpi : new int[] {300, 150}) {
            List<BufferedImage> pages = rasterise(file, dpi);
            assertThat(pages).hasSize(pdf.getPages());
            for (int i = 0; i < pages.size(); i++) {
                BufferedImage photo = photo(pages.get(i), dpi, i);
                List<String> found = PrintoutScanner.scan(photo);
                assertThat(found).as("%s page %d at %d dpi", c, i + 1, dpi).hasSize(1);
                // the default size (50mm, settings.xsl) gives these codes (versions 12–15) a module
                // of at least 3.4 px at 150 dpi, what a reader needs of a blurred 150 dpi image (at
                // 36mm, 2.5–2.9 px, some did not read: printout-code.md §1)
                int modules = PrintoutCodes.modules(found.get(0)).length + 8;
                assertThat(sizeMm / 25.4 * dpi / modules)
                        .as(
                                "%s page %d: pixels a module at %d dpi (%d modules with the quiet zone)",
                                c, i + 1, dpi, modules)
                        .isGreaterThanOrEqualTo(dpi >= 300 ? 6.8 : 3.4);
                PrintoutVerifier.Verdict v = verifier.verify(found.get(0), codes.clockNow());
                assertThat(v.reason()).as(v.detail()).isNull();
                Map<?, ?> p = v.payload();
                assertThat(p.get("p")).isEqualTo((long) (i + 1));
                assertThat(p.get("t")).isEqualTo((long) pages.size());
                assertThat(p.get("n")).isEqualTo(PrintoutFixtures.NUMBER);
                assertThat(p.get("m")).isEqualTo(PrintoutFixtures.CITY);
                assertThat(p.get("d")).isEqualTo("2026-11-25");
            }
        }
    }

    static PdfRenderer.RenderedPdf render(PrintoutFixtures.Case c) throws Exception {
        return render(c, PrintoutFixtures.fo(c.xml(), c.template()));
    }

    static PdfRenderer.RenderedPdf render(PrintoutFixtures.Case c, String fo) throws Exception {
        return renderer.render(
                fo,
                codes.stamps(
                        PrintoutFixtures.CITY,
                        PrintoutFixtures.NUMBER,
                        PrintoutFixtures.DAY,
                        c.xml()));
    }

    static List<BufferedImage> rasterise(Path pdf, int dpi) throws Exception {
        Path out = pdf.resolveSibling(pdf.getFileName() + "-" + dpi);
        Process p =
                new ProcessBuilder(
                                "pdftoppm",
                                "-r",
                                Integer.toString(dpi),
                                "-gray",
                                "-png",
                                pdf.toString(),
                                out.toString())
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<BufferedImage> pages = new ArrayList<>();
        try (var files = Files.list(pdf.getParent())) {
            for (Path f :
                    files.filter(
                                    f ->
                                            f.getFileName()
                                                    .toString()
                                                    .startsWith(out.getFileName() + "-"))
                            .sorted()
                            .toList()) {
                pages.add(ImageIO.read(f.toFile()));
            }
        }
        return pages;
    }

    /**
     * A phone photo or an askew scan of the printout, roughly: turned (2.5° at 300 dpi, 1.2° at
     * 150), blurred with a 3×3 Gaussian at both resolutions, with grey speckle noise (σ 12 of 255);
     * fixed seeds, so a failure repeats.
     */
    static BufferedImage photo(BufferedImage page, int dpi, int seed) {
        double degrees = dpi >= 300 ? 2.5 : 1.2;
        double angle = Math.toRadians(seed % 2 == 0 ? degrees : -degrees);
        int w = page.getWidth();
        int h = page.getHeight();
        BufferedImage turned = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = turned.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.rotate(angle, w / 2.0, h / 2.0);
        g.drawImage(page, 0, 0, null);
        g.dispose();
        float[] gauss = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        for (int i = 0; i < gauss.length; i++) {
            gauss[i] /= 16f;
        }
        BufferedImage blurred =
                new ConvolveOp(new Kernel(3, 3, gauss), ConvolveOp.EDGE_NO_OP, null)
                        .filter(turned, null);
        Random random = new Random(seed * 31L + dpi);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v =
                        (blurred.getRGB(x, y) & 0xff)
                                + (int) Math.round(random.nextGaussian() * 12);
                v = Math.max(0, Math.min(255, v));
                blurred.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return blurred;
    }
}
