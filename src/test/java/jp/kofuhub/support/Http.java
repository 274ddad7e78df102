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

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public static HttpResponse<byte[]> post(String url, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** An issue-phase body with a fresh centre transaction id. */
    public static String issueJson(String municipality, String serial, String kind) {
        return "{\"transaction\":\"" + newTransaction() + "\",\"municipality\":\"" + municipality + "\",\"serial\":\""
                + serial + "\",\"kind\":\"" + kind + "\"}";
    }

    /** A new centre transaction id, unique in the test run. */
    public static String newTransaction() {
        return "T" + java.util.UUID.randomUUID().toString().replace("-", "");
    }

    public static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
