package jp.kofuhub.bench;

import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import net.sf.saxon.TransformerFactoryImpl;

/**
 * The bare renderer alone (FOP: FO text → PDF bytes, no XSLT, no signature), for before/after
 * comparisons of {@link PdfRenderer} on a noisy machine: the three golden fixtures (住民票 of a
 * household, 印鑑登録証明書, 所得・課税証明書) go through their templates once, with the font chain of the
 * benchmark (IPAex Mincho, IPAmj Mincho when installed) and the 公印 of 012343, then each thread
 * count renders them round-robin for a few rounds; the median documents/s per count is printed. Not
 * a test (its name does not end in Test): run it with
 *
 * <pre>
 * ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) jp.kofuhub.bench.RenderHarness [seconds-per-round] [rounds] [threads…]
 * </pre>
 *
 * (defaults: 10 s, 3 rounds, 1 8 32 threads; 5 s of warm-up first).
 */
public final class RenderHarness {

    private RenderHarness() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] threads =
                args.length > 2
                        ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                        : new int[] {1, 8, 32};
        FontChain fonts =
                FontChain.load(
                        Path.of("config/fop.xconf"),
                        Path.of("."),
                        List.of("IPAexMincho", "IPAmjMincho"),
                        Path.of("xslt-templates/settings.xsl"));
        List<String> fos = new ArrayList<>();
        String seal =
                Path.of("config/municipalities/seals/012343.png")
                        .toAbsolutePath()
                        .toUri()
                        .toString();
        for (String[] f :
                new String[][] {
                    {"juminhyo-household", "juminhyo"},
                    {"inkan-kyu-uji", "inkan"},
                    {"shotoku-kazei", "tax"}
                }) {
            String xml =
                    Files.readString(Path.of("src/test/resources/golden", f[0] + ".xml"))
                            .replace("file:///seals/012343.png", seal)
                            .replace(
                                    "font-family=\"IPAexMincho\"",
                                    "font-family=\"" + fonts.foFamilyList() + "\"");
            Path xsl = Path.of("xslt-templates", f[1] + ".xsl");
            Transformer t =
                    new TransformerFactoryImpl()
                            .newTemplates(new StreamSource(xsl.toFile()))
                            .newTransformer();
            t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
            StringWriter out = new StringWriter();
            t.transform(new StreamSource(new StringReader(xml)), new StreamResult(out));
            fos.add(out.toString());
        }
        long t0 = System.nanoTime();
        PdfRenderer renderer = new PdfRenderer(fonts, Path.of("."), 1);
        System.out.printf(
                Locale.ROOT, "renderer built in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        t0 = System.nanoTime();
        renderer.render(fos.get(0));
        System.out.printf(
                Locale.ROOT, "first document in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        run(renderer, fos, 4, 5);
        System.out.println("warm-up done");
        for (int n : threads) {
            double[] rates = new double[rounds];
            double[] cpu = new double[rounds];
            double[] alloc = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] m = run(renderer, fos, n, seconds);
                rates[r] = m[0];
                cpu[r] = m[1];
                alloc[r] = m[2];
            }
            System.out.printf(
                    Locale.ROOT,
                    "threads %2d: median %.1f documents/s, %.1f ms CPU and %.1f MB allocated per"
                            + " document (rounds %s documents/s, load average %.1f)%n",
                    n,
                    median(rates),
                    median(cpu),
                    median(alloc),
                    Arrays.toString(
                            Arrays.stream(rates).map(v -> Math.round(v * 10) / 10.0).toArray()),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * documents/s, process CPU ms per document (all threads: GC and JIT too), MB allocated per
     * document by the render threads.
     */
    private static double[] run(PdfRenderer renderer, List<String> fos, int threads, int seconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        java.util.concurrent.atomic.AtomicLong allocated =
                new java.util.concurrent.atomic.AtomicLong();
        com.sun.management.ThreadMXBean tmx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(
                        pool.submit(
                                () -> {
                                    int done = 0;
                                    long a0 = tmx.getCurrentThreadAllocatedBytes();
                                    while (System.nanoTime() < end) {
                                        renderer.render(
                                                fos.get(
                                                        Math.floorMod(
                                                                next.getAndIncrement(),
                                                                fos.size())));
                                        done++;
                                    }
                                    allocated.addAndGet(tmx.getCurrentThreadAllocatedBytes() - a0);
                                    return done;
                                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return new double[] {
                total / wall,
                (os.getProcessCpuTime() - cpu0) / 1e6 / total,
                allocated.get() / 1048576.0 / total
            };
        } finally {
            pool.shutdownNow();
        }
    }
}
