package jp.kofuhub.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the operators' tools (quarantine, koseki-registration, coupling) share when they call the
 * hub's management endpoints: the call with the operator's client certificate ({@link #operator()}:
 * a personal one, e.g. {@code operator-aoki.p12}, names the person in the history), the answer to a
 * refusal, and the exit codes of a failed call (1: hub not reached, 2: bad URL or no client
 * certificate, 3: the hub refused).
 */
public final class OperatorCalls {

    private OperatorCalls() {}

    /**
     * Sends {@code b} with the operator's client certificate (https) or plainly (http, the dev
     * profile).
     */
    public static HttpResponse<String> send(HttpRequest.Builder b, Duration timeout)
            throws IOException, InterruptedException {
        return Tls.httpClient(b.build().uri().toString(), operator())
                .send(
                        b.timeout(timeout).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * The client certificate the operators' tools present, by its name in the key folder: system
     * property {@code kofu.operator}, else KOFU_OPERATOR, else the shared {@code operator}. The hub
     * records that certificate's subject ({@code cert:<CN>}) as who suspended or resumed, so a
     * personal certificate per operator names the person (issue #19).
     */
    public static String operator() {
        String name = System.getProperty("kofu.operator");
        if (name == null || name.isBlank()) {
            name = System.getenv().getOrDefault("KOFU_OPERATOR", "operator");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException(
                    "KOFU_OPERATOR: a key-folder name such as operator-aoki");
        }
        return name;
    }

    /** Prints the hub's refusal (and a hint when the endpoint is not exposed); exit code 3. */
    public static int refused(HttpResponse<String> res, String endpoint) {
        String body = res.body() == null ? "" : res.body();
        System.out.println("HTTP " + res.statusCode() + (body.isBlank() ? "" : " " + body));
        if (res.statusCode() == 404 && body.isBlank()) {
            System.out.println(
                    "(is the "
                            + endpoint
                            + " endpoint exposed? management.endpoints.web.exposure.include)");
        }
        return 3;
    }

    /**
     * The exit code of a call that failed with {@code e}; other runtime exceptions are thrown on.
     */
    public static int failed(Exception e, String url) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (e instanceof IllegalArgumentException
                && String.valueOf(e.getMessage()).startsWith("KOFU_OPERATOR")) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (e instanceof IllegalArgumentException) {
            System.err.println("bad --url " + url);
            return 2;
        }
        if (e instanceof IOException) {
            System.err.println(
                    "cannot reach the hub at " + url + ": " + e.getClass().getSimpleName());
            return 1;
        }
        if (e instanceof UncheckedIOException || e instanceof IllegalStateException) {
            System.err.println("no client certificate for " + url + ": " + e.getMessage());
            return 2;
        }
        throw (RuntimeException) e;
    }
}
