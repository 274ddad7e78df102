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
 * beside them, and opened as {@code file://…/verify.html#image=…&keys=…}; through the DevTools
 * protocol the test waits until the page shows its verdict and reads the document. A good code →
 * VALID with its fields; the same code with one payload field changed (signature kept) → INVALID
 * (BAD_SIGNATURE); a code of a key not in the set → INVALID (UNKNOWN_KEY). Skipped only on a
 * machine without chromium; under CI (env CI set) a missing chromium fails.
 */
class PrintoutPageBrowserTest {

    static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

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

    /**
     * The DOM once the page has verified {@code image} with the key set beside it: Chromium is
     * started with its DevTools port, and one {@code Runtime.evaluate} (JDK's WebSocket client)
     * waits in the page until its status line has a verdict and returns the document.
     */
    static String open(String image) throws Exception {
        Path profile = Files.createTempDirectory("kofu-chromium-");
        String url =
                dir.toAbsolutePath().resolve("verify.html").toUri()
                        + "#image="
                        + image
                        + "&keys=990110.json";
        Process p =
                new ProcessBuilder(
                                chromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--user-data-dir=" + profile,
                                "--allow-file-access-from-files",
                                "--remote-debugging-port=0",
                                url)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try {
            java.io.BufferedReader err =
                    new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                    p.getErrorStream(), StandardCharsets.UTF_8));
            String port = null;
            for (String line; port == null && (line = err.readLine()) != null; ) {
                Matcher m =
                        Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/").matcher(line);
                if (m.find()) {
                    port = m.group(1);
                }
            }
            assertNotNull(port, "chromium did not open its DevTools port");
            Thread drain = new Thread(() -> err.lines().forEach(l -> {}));
            drain.setDaemon(true);
            drain.start();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String ws = null;
            for (com.fasterxml.jackson.databind.JsonNode t :
                    JSON.readTree(
                            http.send(
                                            java.net.http.HttpRequest.newBuilder(
                                                            java.net.URI.create(
                                                                    "http://127.0.0.1:"
                                                                            + port
                                                                            + "/json/list"))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofString())
                                    .body())) {
                if ("page".equals(t.path("type").asText())) {
                    ws = t.path("webSocketDebuggerUrl").asText();
                }
            }
            assertNotNull(ws, "no page in chromium");
            Map<Integer, java.util.concurrent.CompletableFuture<String>> answers =
                    new java.util.concurrent.ConcurrentHashMap<>();
            StringBuilder text = new StringBuilder();
            java.net.http.WebSocket socket =
                    http.newWebSocketBuilder()
                            .buildAsync(
                                    java.net.URI.create(ws),
                                    new java.net.http.WebSocket.Listener() {
                                        @Override
                                        public java.util.concurrent.CompletionStage<?> onText(
                                                java.net.http.WebSocket w,
                                                CharSequence data,
                                                boolean last) {
                                            text.append(data);
                                            if (last) {
                                                String msg = text.toString();
                                                text.setLength(0);
                                                Matcher id =
                                                        Pattern.compile("^\\{\"id\":(\\d+),")
                                                                .matcher(msg);
                                                if (id.find()) {
                                                    answers.computeIfAbsent(
                                                                    Integer.parseInt(id.group(1)),
                                                                    k ->
                                                                            new java.util.concurrent
                                                                                    .CompletableFuture<>())
                                                            .complete(msg);
                                                }
                                            }
                                            w.request(1);
                                            return null;
                                        }
                                    })
                            .get(30, TimeUnit.SECONDS);
            String wait =
                    "new Promise(done => { const f = () => { const s ="
                            + " document.getElementById('status'); if (s && s.dataset.verdict)"
                            + " done(document.documentElement.outerHTML); else setTimeout(f, 50);"
                            + " }; f(); })";
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("expression", wait);
            params.put("awaitPromise", true);
            params.put("returnByValue", true);
            // the first evaluation may meet the blank page before the navigation, whose context
            // is then destroyed: ask again until the page itself answers
            String last = "";
            for (int id = 1; id <= 20; id++) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", id);
                call.put("method", "Runtime.evaluate");
                call.put("params", params);
                java.util.concurrent.CompletableFuture<String> answer =
                        answers.computeIfAbsent(
                                id, k -> new java.util.concurrent.CompletableFuture<>());
                socket.sendText(JSON.writeValueAsString(call), true).get(30, TimeUnit.SECONDS);
                last = answer.get(2, TimeUnit.MINUTES);
                String dom =
                        JSON.readTree(last).path("result").path("result").path("value").asText();
                if (dom.contains("data-verdict")) {
                    socket.abort();
                    return dom;
                }
            }
            socket.abort();
            return last;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The page's overall verdict: the {@code data-verdict} of its status line. */
    static String status(String dom) {
        Matcher m = Pattern.compile("id=\"status\"[^>]*data-verdict=\"([A-Z_]+)\"").matcher(dom);
        return m.find() ? m.group(1) : "none";
    }
}
