package jp.kofuhub.printout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;

/**
 * What the printout code costs per certificate (issue #21, docs/benchmarks.md "Printout code"):
 * each kind of {@link PrintoutFixtures} rendered N times plain (the code off: one FOP run to PDF)
 * and stamped (the code on: FOP to its intermediate format, the IF scanned, every page's payload
 * signed and drawn as a QR code, the IF parsed to PDF), alternating, after a warm-up; prints the
 * median and the 90th percentile of each, in ms, single-threaded. Not a test (no timing asserts):
 * run it with {@code java -cp kofu-hub/target/classes:kofu-hub/target/test-classes:$(cat cp.txt)
 * jp.kofuhub.printout.PrintoutCostHarness [N]} from the worktree root.
 */
public final class PrintoutCostHarness {

    private PrintoutCostHarness() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        PdfRenderer renderer =
                new PdfRenderer(
                        FontChain.load(
                                Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho")),
                        Path.of("."));
        Path keys = Files.createTempDirectory("kofu-printout-cost-");
        PrintoutFixtures.key(keys);
        PrintoutCodes codes =
                new PrintoutCodes(
                        keys,
                        "pw",
                        Clock.fixed(
                                PrintoutFixtures.DAY
                                        .atTime(10, 0)
                                        .atZone(ZoneId.of("Asia/Tokyo"))
                                        .toInstant(),
                                ZoneId.of("Asia/Tokyo")));
        System.out.printf(
                "%-14s %5s %10s %10s %10s %10s %8s%n",
                "kind", "pages", "plain p50", "p90", "code p50", "p90", "+p50");
        for (PrintoutFixtures.Case c : PrintoutFixtures.all()) {
            String plainXml = c.xml().replaceAll(" printout-code(-size)?=\"[^\"]*\"", "");
            String plainFo = PrintoutFixtures.fo(plainXml, c.template());
            String codeFo = PrintoutFixtures.fo(c.xml(), c.template());
            long[] plain = new long[n], code = new long[n];
            int pages = 0;
            for (int i = -3; i < n; i++) {
                long t0 = System.nanoTime();
                renderer.render(plainFo);
                long t1 = System.nanoTime();
                pages =
                        renderer.render(
                                        codeFo,
                                        codes.stamps(
                                                PrintoutFixtures.CITY,
                                                PrintoutFixtures.NUMBER,
                                                PrintoutFixtures.DAY,
                                                c.xml()))
                                .getPages();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    plain[i] = t1 - t0;
                    code[i] = t2 - t1;
                }
            }
            Arrays.sort(plain);
            Arrays.sort(code);
            System.out.printf(
                    "%-14s %5d %10.1f %10.1f %10.1f %10.1f %+7.0f%%%n",
                    c.name(),
                    pages,
                    plain[n / 2] / 1e6,
                    plain[n * 9 / 10] / 1e6,
                    code[n / 2] / 1e6,
                    code[n * 9 / 10] / 1e6,
                    100.0 * (code[n / 2] - plain[n / 2]) / plain[n / 2]);
        }
    }
}
