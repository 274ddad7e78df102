package jp.kofuhub.bench;

import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import net.sf.saxon.TransformerFactoryImpl;

/**
 * The bare renderer alone (mode {@code fop}: FO text → PDF bytes, no XSLT, no signature; mode
 * {@code xslt+fop}: data XML → Saxon with the compiled template → FO → PDF, the "bare XSLT+FOP" of
 * IssuanceBench, issue #20 item 3), for before/after comparisons of {@link PdfRenderer} on a noisy
 * machine: the three golden fixtures (住民票 of a household, 印鑑登録証明書, 所得・課税証明書) go through their
 * templates once, with the font chain of the benchmark (IPAex Mincho, IPAmj Mincho when installed)
 * and the 公印 of 012343, then each thread count renders them round-robin for a few rounds; the
 * median documents/s per count is printed. Not a test (its name does not end in Test): run it with
 *
 * <pre>
 * ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) jp.kofuhub.bench.RenderHarness [fop|xslt+fop] [seconds-per-round] [rounds] [threads…]
 * </pre>
 *
 * (defaults: fop, 10 s, 3 rounds, 1 8 32 threads; 5 s of warm-up first). Per thread count it also
 * prints the largest heap left after a collection during its rounds and the peak heap in use.
 */
public final class RenderHarness {

    private RenderHarness() {}

    public static void main(String[] argv) throws Exception {
        boolean xslt = argv.length > 0 && argv[0].equals("xslt+fop");
        String[] args =
                argv.length > 0 && (argv[0].equals("fop") || xslt)
                        ? Arrays.copyOfRange(argv, 1, argv.length)
                        : argv;
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
        List<String[]> data = new ArrayList<>(); // template, data XML
        Map<String, Templates> templates = new HashMap<>();
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
            templates.put(
                    f[1],
                    new TransformerFactoryImpl().newTemplates(new StreamSource(xsl.toFile())));
            data.add(new String[] {f[1], xml});
            Transformer t = templates.get(f[1]).newTransformer();
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
        Render render =
                xslt
                        ? i -> {
                            String[] d = data.get(Math.floorMod(i, data.size()));
                            Transformer t = templates.get(d[0]).newTransformer();
                            t.setParameter(
                                    "X-Kofu-Issue-Number", String.format(Locale.ROOT, "B%09d", i));
                            StringWriter fo = new StringWriter();
                            t.transform(
                                    new StreamSource(new StringReader(d[1])), new StreamResult(fo));
                            renderer.render(fo.toString());
                        }
                        : i -> renderer.render(fos.get(Math.floorMod(i, fos.size())));
        System.out.println("mode " + (xslt ? "xslt+fop" : "fop"));
        run(render, 4, 5);
        System.out.println("warm-up done");
        for (int n : threads) {
            double[] rates = new double[rounds];
            double[] cpu = new double[rounds];
            double[] alloc = new double[rounds];
            System.gc();
            HeapWatch heap = new HeapWatch();
            for (int r = 0; r < rounds; r++) {
                double[] m = run(render, n, seconds);
                rates[r] = m[0];
                cpu[r] = m[1];
                alloc[r] = m[2];
            }
            heap.close();
            System.out.printf(
                    Locale.ROOT,
                    "threads %2d: median %.1f documents/s, %.1f ms CPU and %.1f MB allocated per"
                            + " document, heap after GC ≤ %d MB, peak %d MB (rounds %s documents/s,"
                            + " load average %.1f)%n",
                    n,
                    median(rates),
                    median(cpu),
                    median(alloc),
                    heap.peakAfterGc() >> 20,
                    heap.peakUsed() >> 20,
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
    /** One document, the i-th of the round robin. */
    private interface Render {
        void render(int i) throws Exception;
    }

    private static double[] run(Render render, int threads, int seconds) throws Exception {
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
                                        render.render(next.getAndIncrement());
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
