package jp.kofuhub.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.keys.Tls;
import jp.kofuhub.support.LogCapture;
import jp.kofuhub.support.SecureHub;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTP edge (issue #16, findings 4 and 5), attacked with raw bytes on every listener the hub
 * opens: the mutual-TLS listener (as the centre, on the API, and as the operator, on the management
 * paths) and the plain-HTTP probe listener. Whatever arrives — a request line that is not HTTP, a
 * 64 KB header, a long query string, a body over the limit in bytes though not in characters, a
 * wrong method or path — the answer is the documented JSON {@code {status, code, message}}
 * (docs/interfaces/issuance-centre.md, "Not a document") and never Tomcat's HTML page or Spring's
 * {@code {timestamp, status, error, path}}; and the log shows no stack trace for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = SecureHub.class)
class HttpEdgeAttackTest {

    static final int PROBE_PORT = freePort();

    @DynamicPropertySource
    static void probe(DynamicPropertyRegistry r) {
        r.add("kofu.probe.port", () -> PROBE_PORT);
    }

    @LocalServerPort int tlsPort;

    private static final ObjectMapper JSON = new ObjectMapper();
    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.open();
    }

    @AfterEach
    void noStackTraces() {
        try {
            assertThat(log.stackTraces()).as("stack traces logged at INFO or above").isEmpty();
        } finally {
            log.close();
        }
    }

    /** The listeners, each with a client that may call something there. */
    enum Listener {
        CENTRE,
        OPERATOR,
        PROBE
    }

    private Socket connect(Listener l) throws IOException {
        return switch (l) {
            case CENTRE, OPERATOR ->
                    Tls.context(
                                    TestHub.KEYS,
                                    l == Listener.CENTRE ? "centre" : "operator",
                                    DemoKeys.DEFAULT_PASSWORD.toCharArray())
                            .getSocketFactory()
                            .createSocket("localhost", tlsPort);
            case PROBE -> new Socket("localhost", PROBE_PORT);
        };
    }

    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** Sends {@code request} as it is and reads the answer until the hub closes the connection. */
    private Answer raw(Listener l, byte[] request) throws IOException {
        try (Socket s = connect(l)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (SocketException e) {
                // the hub may answer and close before it read everything (an oversized header or
                // body)
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketException e) {
                // a reset after the answer (unread request bytes): what arrived is the answer
            }
            return parse(all.toString(StandardCharsets.UTF_8));
        }
    }

    private static Answer parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("an HTTP answer: %s", text).isPositive();
        String[] head = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int c = head[i].indexOf(':');
            headers.put(
                    head[i].substring(0, c).trim().toLowerCase(), head[i].substring(c + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder sb = new StringBuilder();
            int at = 0;
            while (true) {
                int nl = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, nl).trim(), 16);
                if (size == 0) {
                    break;
                }
                // sizes are in bytes: cut on the bytes
                byte[] rest = body.substring(nl + 2).getBytes(StandardCharsets.UTF_8);
                String chunk = new String(rest, 0, size, StandardCharsets.UTF_8);
                sb.append(chunk);
                at = nl + 2 + chunk.length() + 2;
            }
            body = sb.toString();
        }
        return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, body);
    }

    private static byte[] request(String method, String target, String headers, byte[] body) {
        byte[] head =
                (method
                                + " "
                                + target
                                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                + headers
                                + (body == null ? "" : "Content-Length: " + body.length + "\r\n")
                                + "\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + (body == null ? 0 : body.length)];
        System.arraycopy(head, 0, all, 0, head.length);
        if (body != null) {
            System.arraycopy(body, 0, all, head.length, body.length);
        }
        return all;
    }

    /**
     * The documented error body: exactly status, code and message (plus a refusal's own details).
     */
    private static void assertError(Answer a, int status, String code) throws IOException {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.headers().get("content-type")).as(a.body()).startsWith("application/json");
        assertThat(a.body())
                .doesNotContainIgnoringCase("<html")
                .doesNotContain("timestamp")
                .doesNotContain("Exception")
                .doesNotContain("Tomcat")
                .doesNotContain(" at ");
        JsonNode n = a.json();
        assertThat(n.get("code").asText()).as(a.body()).isEqualTo(code);
        assertThat(n.get("status").asText()).isIn("ERROR", "REFUSED");
        assertThat(n.get("message").asText()).isNotBlank();
        List<String> fields = iterable(n.fieldNames());
        assertThat(fields).containsExactlyInAnyOrder("status", "code", "message");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static String pad(int n) {
        return "a".repeat(n);
    }

    @Test
    void aRequestLineThatIsNotHttpGetsJsonOnEveryListener() throws Exception {
        for (Listener l : Listener.values()) {
            assertError(
                    raw(
                            l,
                            "GET /api/v1/availability\u0007 HTTP/1.1\r\nHost: x\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1)),
                    400,
                    "BAD_REQUEST");
            assertError(
                    raw(
                            l,
                            "\u00ff\u00fe\u0001\u0002 garbage\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1)),
                    400,
                    "BAD_REQUEST");
            assertError(
                    raw(
                            l,
                            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1)),
                    400,
                    "BAD_REQUEST");
        }
    }

    @Test
    void a64KbHeaderOrAHugeQueryStringGetsJsonOnEveryListener() throws Exception {
        for (Listener l : Listener.values()) {
            String path =
                    l == Listener.OPERATOR
                            ? "/actuator/health"
                            : l == Listener.PROBE
                                    ? "/actuator/health/liveness"
                                    : "/api/v1/openapi.yaml";
            assertError(
                    raw(l, request("GET", path, "X-Big: " + pad(64 * 1024) + "\r\n", null)),
                    431,
                    "REQUEST_HEADER_TOO_LARGE");
            assertError(
                    raw(l, request("GET", path + "?q=" + pad(20_000), "", null)),
                    431,
                    "REQUEST_HEADER_TOO_LARGE");
        }
    }

    @Test
    void theBodyLimitCountsBytesNotCharacters() throws Exception {
        // 1,614 characters, 4,414 bytes in UTF-8: over the 4,096-byte limit
        String filler = "漢".repeat(1400);
        String json =
                "{\"transaction\":\"T1\",\"municipality\":\"012343\",\"serial\":\""
                        + filler
                        + "\"}";
        json = json + " ".repeat(1614 - json.length());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        assertThat(json).hasSize(1614);
        assertThat(body).hasSize(4414);
        for (String call : new String[] {"availability", "certificates", "completions"}) {
            assertError(
                    raw(
                            Listener.CENTRE,
                            request(
                                    "POST",
                                    "/api/v1/" + call,
                                    "Content-Type: application/json\r\n",
                                    body)),
                    413,
                    "REQUEST_TOO_LARGE");
        }
        // far over the limit: refused without the whole body being read into memory
        byte[] huge = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertError(
                raw(
                        Listener.CENTRE,
                        request(
                                "POST",
                                "/api/v1/certificates",
                                "Content-Type: application/json\r\n",
                                huge)),
                413,
                "REQUEST_TOO_LARGE");
    }

    /**
     * A body sent gzip-compressed (Content-Encoding: gzip): 2 MiB of zeros in about 2 KiB, under
     * the 4 KiB limit on the wire. The platform's HTTP binding inflates such a body before the
     * route; the route's limit counts the bytes it is given, so the compressed body cannot slip
     * past it: 413 REQUEST_TOO_LARGE, no document.
     */
    @Test
    void aGzipEncodedBodyIsCountedAsInflated() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 2; i++) {
                gz.write(zeros);
            }
        }
        assertError(
                raw(
                        Listener.CENTRE,
                        request(
                                "POST",
                                "/api/v1/availability",
                                "Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
                                zipped.toByteArray())),
                413,
                "REQUEST_TOO_LARGE");
    }

    @Test
    void aWrongMethodOrPathGetsJsonOnEveryListener() throws Exception {
        assertError(
                raw(Listener.CENTRE, request("GET", "/api/v1/certificates", "", null)),
                405,
                "METHOD_NOT_ALLOWED");
        assertError(
                raw(Listener.CENTRE, request("DELETE", "/api/v1/availability", "", null)),
                405,
                "METHOD_NOT_ALLOWED");
        assertError(
                raw(
                        Listener.CENTRE,
                        request(
                                "POST",
                                "/api/v1/no-such-call",
                                "Content-Type: application/json\r\n",
                                "{}".getBytes(StandardCharsets.UTF_8))),
                404,
                "NOT_FOUND");
        assertError(raw(Listener.CENTRE, request("GET", "/api/v1/", "", null)), 404, "NOT_FOUND");
        assertError(
                raw(Listener.CENTRE, request("GET", "/actuator/health", "", null)),
                403,
                "CLIENT_NOT_ALLOWED");
        assertError(
                raw(Listener.OPERATOR, request("GET", "/actuator/no-such-endpoint", "", null)),
                404,
                "NOT_FOUND");
        assertError(
                raw(Listener.OPERATOR, request("GET", "/no-such-page", "", null)),
                404,
                "NOT_FOUND");
        assertError(
                raw(Listener.OPERATOR, request("PATCH", "/actuator/health", "", null)),
                405,
                "METHOD_NOT_ALLOWED");
        assertError(
                raw(Listener.PROBE, request("GET", "/no-such-page", "", null)),
                403,
                "CLIENT_NOT_ALLOWED");
        assertError(
                raw(Listener.PROBE, request("POST", "/actuator/health/liveness", "", null)),
                403,
                "CLIENT_NOT_ALLOWED");
        // what does answer still answers
        assertThat(
                        raw(Listener.PROBE, request("GET", "/actuator/health/liveness", "", null))
                                .status())
                .isEqualTo(200);
        assertThat(
                        raw(
                                        Listener.OPERATOR,
                                        request("GET", "/actuator/health/liveness", "", null))
                                .status())
                .isEqualTo(200);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
