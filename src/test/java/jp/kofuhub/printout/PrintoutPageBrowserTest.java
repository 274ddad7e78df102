package jp.kofuhub.printout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The offline verification page (issue #21 item 5, src/main/resources/printout-page/verify.html) in
 * real headless Chromium (Debian's {@code /usr/bin/chromium}; .ci/run installs it): the page and
 * jsQR.js are copied to a folder as a user would save them, with a PNG of a code and the key set
 * beside them, and opened as {@code file://…/verify.html#image=…&keys=…}; the DOM Chromium dumps
 * after the page's work holds the verdict. A good code → VALID with its fields; the same code with
 * one payload field changed (signature kept) → INVALID (BAD_SIGNATURE); a code of a key not in the
 * set → INVALID (UNKNOWN_KEY). Skipped only on a machine without chromium; under CI (env CI set) a
 * missing chromium fails.
 */
class PrintoutPageBrowserTest {

    static String chromium;
    static Path dir;
    static PrintoutKey key;

    @BeforeAll
    static void chromiumAndFiles() throws Exception {
        for (String c :
                new String[] {
                    System.getenv("KOFU_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"
                }) {
            if (c != null && Files.isExecutable(Path.of(c))) {
                chromium = c;
                break;
            }
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank()) {
            assertNotNull(chromium, "chromium (Debian package chromium; .ci/run installs it)");
        }
        Assumptions.assumeTrue(
                chromium != null, "no chromium on this machine (apt-get install chromium)");
        dir = Files.createDirectories(Path.of("target/printout-page"));
        for (String f : PrintoutPublication.PAGE_FILES.keySet()) {
            try (InputStream in =
                    PrintoutPageBrowserTest.class.getResourceAsStream("/printout-page/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        Path keys = Files.createTempDirectory("kofu-printout-page-keys-");
        key =
                PrintoutKeyStore.add(
                        keys,
                        "990110",
                        "test".toCharArray(),
                        Instant.now().minus(Duration.ofDays(1)),
                        Instant.now().plus(Duration.ofDays(400)));
        Files.writeString(
                dir.resolve("990110.json"),
                PrintoutKeySet.write("990110", "試験", List.of(key.publicOnly())));
    }

    static Map<String, Object> payload(String name) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("reg", "12345");
        f.put("name", name);
        f.put("birth", "平成元年4月1日");
        f.put("addr", "北海道試験市本町1丁目2番3号");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("v", 1L);
        p.put("m", "990110");
        p.put("k", "INKAN");
        p.put("n", "20261125-990110-K1-P1-000001");
        p.put("d", LocalDate.now(ZoneId.of("Asia/Tokyo")).toString());
        p.put("p", 1L);
        p.put("t", 1L);
        p.put("f", f);
        return p;
    }

    @Test
    void aGoodCodeIsValidWithItsFields() throws Exception {
        png("good.png", PrintoutEnvelope.seal(payload("試験 花子"), key.kid(), key.privateKey()));
        String dom = open("good.png");
        assertEquals("VALID", status(dom), dom);
        assertTrue(dom.contains("試験 花子"), dom);
        assertTrue(dom.contains("signed by 990110 key " + key.kidText()), dom);
    }

    @Test
    void aChangedFieldIsABadSignature() throws Exception {
        byte[] cose = PrintoutEnvelope.sign1(payload("試験 花子"), key.kid(), key.privateKey());
        Cbor.Tagged t = (Cbor.Tagged) Cbor.decode(cose);
        List<Object> parts = new ArrayList<>((List<?>) t.value());
        parts.set(2, Cbor.encode(payload("試験 太郎")));
        String forged =
                PrintoutEnvelope.PREFIX
                        + Base45.encode(
                                PrintoutEnvelope.deflate(
                                        Cbor.encode(new Cbor.Tagged(t.tag(), parts))));
        png("tampered.png", forged);
        String dom = open("tampered.png");
        assertEquals("INVALID", status(dom), dom);
        assertTrue(dom.contains("data-verdict=\"BAD_SIGNATURE\""), dom);
    }

    @Test
    void aKeyNotInTheSetIsUnknown() throws Exception {
        Path other = Files.createTempDirectory("kofu-printout-page-other-");
        PrintoutKey stranger =
                PrintoutKeyStore.add(
                        other,
                        "990110",
                        "test".toCharArray(),
                        Instant.now().minus(Duration.ofDays(1)),
                        Instant.now().plus(Duration.ofDays(10)));
        png(
                "stranger.png",
                PrintoutEnvelope.seal(payload("試験 花子"), stranger.kid(), stranger.privateKey()));
        String dom = open("stranger.png");
        assertEquals("INVALID", status(dom), dom);
        assertTrue(dom.contains("data-verdict=\"UNKNOWN_KEY\""), dom);
    }

    /** The code as a clean PNG, 4 pixels a module, 4 modules of quiet zone. */
    static void png(String name, String text) throws Exception {
        boolean[][] q = PrintoutCodes.modules(text);
        int s = 4, z = 4, n = q.length, side = (n + 2 * z) * s;
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int my = y / s - z, mx = x / s - z;
                boolean dark = my >= 0 && mx >= 0 && my < n && mx < n && q[my][mx];
                img.setRGB(x, y, dark ? 0 : 0xffffff);
            }
        }
        ImageIO.write(img, "png", dir.resolve(name).toFile());
    }

    /** The DOM after the page verified {@code image} with the key set beside it. */
    static String open(String image) throws Exception {
        Path profile = Files.createTempDirectory("kofu-chromium-");
        Path out = Files.createTempFile("kofu-page-", ".html");
        Process p =
                new ProcessBuilder(
                                chromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--user-data-dir=" + profile,
                                "--allow-file-access-from-files",
                                "--virtual-time-budget=60000",
                                "--dump-dom",
                                dir.toAbsolutePath().resolve("verify.html").toUri()
                                        + "#image="
                                        + image
                                        + "&keys=990110.json")
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish in 3 minutes");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** The page's overall verdict: the {@code data-verdict} of its status line. */
    static String status(String dom) {
        Matcher m = Pattern.compile("id=\"status\"[^>]*data-verdict=\"([A-Z_]+)\"").matcher(dom);
        return m.find() ? m.group(1) : "none";
    }
}
