package jp.kofuhub.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.PgpMessages;

/**
 * The secure hop's cryptographic cost per conversation (issue #20 item 2), measured as CPU time and
 * bytes allocated by the measuring thread (both nearly independent of other load on the machine),
 * for each OpenPGP key kind of the demo set: per operation, then per conversation as the code runs
 * it — the hub opens 3 requests and seals 3 answers (one holding the ~75 KB PDF) and signs twice
 * with its X.509 key (the answer signature {@code X-Kofu-Signature} and the PAdES signature); the
 * centre seals 3, opens 3 and checks the answer signature. Not a test: run it with
 *
 * <pre>
 * ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * (cd kofu-tools &amp;&amp; java -cp target/classes:target/test-classes:$(cat target/cp.txt) jp.kofuhub.bench.PgpCostHarness [iterations])
 * </pre>
 */
public final class PgpCostHarness {

    private PgpCostHarness() {}

    private static final java.lang.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean();

    interface Op {
        void run() throws Exception;
    }

    /** {cpu µs, KB allocated} per call, mean over {@code n} after {@code n / 4} warm-up calls. */
    static double[] measure(int n, Op op) throws Exception {
        for (int i = 0; i < n / 4; i++) {
            op.run();
        }
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) THREADS;
        long id = Thread.currentThread().getId();
        long cpu0 = t.getCurrentThreadCpuTime();
        long bytes0 = t.getThreadAllocatedBytes(id);
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return new double[] {
            (t.getCurrentThreadCpuTime() - cpu0) / 1e3 / n,
            (t.getThreadAllocatedBytes(id) - bytes0) / 1024.0 / n
        };
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        char[] pw = DemoKeys.DEFAULT_PASSWORD.toCharArray();
        byte[] request =
                ("{\"transaction\":\"T0000000001\",\"municipality\":\"012343\",\"serial\":\"0123456789ABCDEF\","
                                + "\"kind\":\"JUMINHYO\",\"store\":\"S0001\",\"sentAt\":\"2026-12-05T10:00:00+09:00\","
                                + "\"nonce\":\"0123456789abcdef0123456789abcdef\"}")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] pdf = new byte[75 * 1024];
        new Random(1).nextBytes(pdf); // a PDF's streams are deflated: incompressible
        System.arraycopy("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 0, pdf, 0, 9);
        System.out.printf(
                Locale.ROOT,
                "| OpenPGP keys | operation | side | CPU µs / op | KB allocated / op |%n|---|---|---|---:|---:|%n");
        double[] perConversation = new double[4];
        int k = 0;
        for (DemoKeys.PgpAlgorithm alg : DemoKeys.PgpAlgorithm.values()) {
            Path dir = Files.createTempDirectory("kofu-pgp-cost-");
            DemoKeys.generate(dir, pw, true, Clock.systemUTC(), alg);
            PgpMessages hub = PgpMessages.ofParty(dir, "hub", pw, List.of("centre"));
            PgpMessages centre = PgpMessages.ofParty(dir, "centre", pw, List.of("hub"));
            byte[] sealedRequest = centre.seal(request, "r.json", "hub");
            byte[] sealedAnswer = hub.seal(pdf, "a.pdf", "centre");
            byte[] sealedJson = hub.seal(request, "a.json", "centre");
            double[] open =
                    measure(n, () -> hub.open(sealedRequest, "centre", InflationLimit.CENTRE));
            double[] sealPdf = measure(n, () -> hub.seal(pdf, "a.pdf", "centre"));
            double[] sealJson = measure(n, () -> hub.seal(request, "a.json", "centre"));
            double[] cSeal = measure(n, () -> centre.seal(request, "r.json", "hub"));
            double[] cOpenPdf = measure(n, () -> centre.open(sealedAnswer, "hub"));
            double[] cOpenJson = measure(n, () -> centre.open(sealedJson, "hub"));
            row(alg, "open a request (decrypt + verify)", "hub", open);
            row(alg, "seal a JSON answer (sign + encrypt)", "hub", sealJson);
            row(alg, "seal the PDF answer (75 KB)", "hub", sealPdf);
            row(alg, "seal a request", "centre", cSeal);
            row(alg, "open a JSON answer", "centre", cOpenJson);
            row(alg, "open the PDF answer", "centre", cOpenPdf);
            perConversation[k++] = 3 * open[0] + 2 * sealJson[0] + sealPdf[0];
            perConversation[k++] = 3 * cSeal[0] + 2 * cOpenJson[0] + cOpenPdf[0];
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair p256 = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(3072);
        KeyPair r3072 = rsa.generateKeyPair();
        byte[] digestInput = new byte[256];
        double[] ecSign = measure(n, () -> sign("SHA256withECDSA", p256, digestInput));
        double[] rsaSign = measure(n / 4, () -> sign("SHA256withRSA", r3072, digestInput));
        System.out.printf(
                Locale.ROOT,
                "| X.509 | sign (answer signature or PAdES), EC P-256 | hub | %.0f | %.1f |%n",
                ecSign[0],
                ecSign[1]);
        System.out.printf(
                Locale.ROOT,
                "| X.509 | sign, RSA 3072 (for comparison) | hub | %.0f | %.1f |%n",
                rsaSign[0],
                rsaSign[1]);
        System.out.printf(
                Locale.ROOT,
                "%nper conversation, hub (3 opens, 3 seals, 2 EC P-256 signatures): Ed25519 %.1f ms, RSA 3072 %.1f ms%n",
                (perConversation[0] + 2 * ecSign[0]) / 1e3,
                (perConversation[2] + 2 * ecSign[0]) / 1e3);
        System.out.printf(
                Locale.ROOT,
                "per conversation, centre (3 seals, 3 opens): Ed25519 %.1f ms, RSA 3072 %.1f ms%n",
                perConversation[1] / 1e3,
                perConversation[3] / 1e3);
    }

    private static void sign(String alg, KeyPair keys, byte[] data) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(keys.getPrivate());
        s.update(data);
        s.sign();
    }

    private static void row(DemoKeys.PgpAlgorithm alg, String op, String side, double[] m) {
        System.out.printf(
                Locale.ROOT, "| %s | %s | %s | %.0f | %.1f |%n", alg, op, side, m[0], m[1]);
    }
}
