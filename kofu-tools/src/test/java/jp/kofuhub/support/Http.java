package jp.kofuhub.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP client against the hub's port, as the issuance centre would call it. */
public final class Http {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * For https:// URLs (test hubs with TLS on): the centre's client certificate of the run's key
     * set.
     */
    private static final HttpClient CENTRE_TLS =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .sslContext(
                            jp.kofuhub.keys.Tls.context(
                                    TestHub.KEYS, "centre", "changeit-demo".toCharArray()))
                    .build();

    private static HttpClient client(String url) {
        return url.startsWith("https:") ? CENTRE_TLS : CLIENT;
    }

    private Http() {}

    /**
     * Posts {@code body} as it is, except that a JSON object posted to the issuance-centre API
     * ({@code /api/v1/}) without a {@code "nonce"} gets a fresh {@code sentAt} and {@code nonce}
     * (protocol v1.1), as the centre sends every message. Other endpoints get it unchanged.
     */
    public static HttpResponse<byte[]> post(String url, String contentType, String body)
            throws IOException, InterruptedException {
        String sent = url.contains("/api/v1/") ? stamped(body) : body;
        return postBytes(
                url,
                contentType,
                sent == null ? new byte[0] : sent.getBytes(StandardCharsets.UTF_8));
    }

    /** Posts {@code body} exactly as given. */
    public static HttpResponse<byte[]> postBytes(String url, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client(url).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * {@code body} with a fresh {@code sentAt} and {@code nonce} inserted at the start of its
     * top-level object, unless it does not start with '{' or already names a nonce (tests of those
     * fields).
     */
    public static String stamped(String body) {
        if (body == null || !body.stripLeading().startsWith("{") || body.contains("\"nonce\"")) {
            return body;
        }
        int at = body.indexOf('{') + 1;
        String rest = body.substring(at);
        String fields =
                "\"sentAt\":\""
                        + java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                        + "\",\"nonce\":\""
                        + newNonce()
                        + "\"";
        return body.substring(0, at) + fields + (rest.strip().startsWith("}") ? "" : ",") + rest;
    }

    /** A nonce no message of the run used before. */
    public static String newNonce() {
        return "N" + java.util.UUID.randomUUID().toString().replace("-", "");
    }

    // ---- the sealed centre hop (OpenPGP, protocol v1.1) ----

    /** The centre's side of the OpenPGP hop, with the run's demo key set. */
    public static jp.kofuhub.keys.PgpMessages centre() {
        return jp.kofuhub.keys.PgpMessages.ofParty(
                TestHub.KEYS,
                "centre",
                jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD.toCharArray(),
                java.util.List.of("hub"));
    }

    /** {@code json} (stamped like {@link #post}) signed by the centre and encrypted to the hub. */
    public static byte[] sealed(String json) throws IOException {
        return centre().seal(stamped(json).getBytes(StandardCharsets.UTF_8), "request.json", "hub");
    }

    /** Posts {@code json} sealed by the centre, as application/pgp-encrypted. */
    public static HttpResponse<byte[]> postSealed(String url, String json)
            throws IOException, InterruptedException {
        return postBytes(url, jp.kofuhub.keys.PgpMessages.MEDIA_TYPE, sealed(json));
    }

    /**
     * The content of a sealed answer, opened with the centre's key (the hub's signature verified).
     */
    public static byte[] opened(HttpResponse<byte[]> r) throws IOException {
        return centre().open(r.body(), "hub");
    }

    /** An issue-phase body with a fresh centre transaction id. */
    public static String issueJson(String municipality, String serial, String kind) {
        return "{\"transaction\":\""
                + newTransaction()
                + "\",\"municipality\":\""
                + municipality
                + "\",\"serial\":\""
                + serial
                + "\",\"kind\":\""
                + kind
                + "\"}";
    }

    /** A new centre transaction id, unique in the test run. */
    public static String newTransaction() {
        return "T" + java.util.UUID.randomUUID().toString().replace("-", "");
    }

    public static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
