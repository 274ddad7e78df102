package jp.kofuhub.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.cli.CommandOptions;

/**
 * {@code verify-history}: checks the hash chains of the issuance history through the running hub's
 * actuator endpoint ({@link HistoryEndpoint}) and prints one line per municipality:
 *
 * <pre>
 * verify-history [--municipality 012343] [--url https://localhost:8443]   (default: $KOFU_URL, else https://localhost:8443;
 * https: with the operator client certificate of KOFU_KEYS_DIR, else data/keys)
 *
 * 012343 OK 1234 rows
 * 012351 BROKEN at seq 17: ALTERED
 * </pre>
 *
 * Exit code 0 = every chain OK, 1 = a chain is broken, 2 = bad arguments, 3 = the hub could not be
 * reached or gave no answer.
 */
public final class VerifyHistoryCommand {

    static final String USAGE =
            """
            usage: verify-history [--municipality 012343] [--url URL]
              URL defaults to $KOFU_URL, else https://localhost:8443 (client certificate: operator.p12 of
              $KOFU_KEYS_DIR, else data/keys; an http:// URL for a dev-profile hub)""";

    private static final Set<String> OPTIONS = Set.of("municipality", "url");

    private VerifyHistoryCommand() {}

    public static int run(String[] args) {
        Map<String, String> o;
        try {
            o = CommandOptions.parse(args, OPTIONS);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        String municipality = o.get("municipality");
        if (municipality != null && !municipality.matches("\\d{6}")) {
            System.err.println("--municipality must be 6 digits\n" + USAGE);
            return 2;
        }
        String url =
                o.getOrDefault(
                        "url", System.getenv().getOrDefault("KOFU_URL", "https://localhost:8443"));
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String path = url + "/actuator/history" + (municipality == null ? "" : "/" + municipality);
        HttpResponse<String> res;
        try {
            HttpClient client = jp.kofuhub.keys.Tls.httpClient(path, "operator");
            res =
                    client.send(
                            HttpRequest.newBuilder(URI.create(path))
                                    .timeout(Duration.ofMinutes(30))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            System.err.println("bad --url " + url);
            return 2;
        } catch (IOException e) {
            System.err.println(
                    "cannot reach the hub at " + url + ": " + e.getClass().getSimpleName());
            return 3;
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            System.err.println("no client certificate for " + url + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        if (res.statusCode() != 200) {
            System.err.println(
                    "HTTP "
                            + res.statusCode()
                            + " from "
                            + path
                            + (res.statusCode() == 404
                                    ? " (is the history endpoint exposed? management.endpoints.web.exposure.include)"
                                    : ""));
            return 3;
        }
        List<JsonNode> results = new ArrayList<>();
        try {
            JsonNode body = new ObjectMapper().readTree(res.body());
            if (municipality != null) {
                results.add(body);
            } else {
                body.path("municipalities").forEach(results::add);
            }
        } catch (IOException e) {
            System.err.println("the hub's answer is not JSON");
            return 3;
        }
        if (results.isEmpty()) {
            System.out.println("no issuance history yet");
            return 0;
        }
        boolean allOk = true;
        for (JsonNode r : results) {
            System.out.println(line(r));
            allOk &= r.path("ok").asBoolean(false);
        }
        return allOk ? 0 : 1;
    }

    /** {@code 012343 OK 1234 rows} or {@code 012343 BROKEN at seq 17: ALTERED}. */
    static String line(JsonNode r) {
        String code = r.path("municipality").asText("?");
        if (r.path("ok").asBoolean(false)) {
            return code + " OK " + r.path("rows").asLong() + " rows";
        }
        JsonNode seq = r.path("firstBadSeq");
        return code
                + " BROKEN"
                + (seq.isIntegralNumber() ? " at seq " + seq.asLong() : "")
                + ": "
                + r.path("problem").asText("?");
    }
}
