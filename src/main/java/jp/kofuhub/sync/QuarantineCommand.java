package jp.kofuhub.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code quarantine}: the operator's command for the quarantine folder, through the running hub's
 * actuator endpoint ({@link QuarantineEndpoint}).
 *
 * <pre>
 * quarantine list
 * quarantine retry STORED_AS --operator NAME
 * quarantine discard STORED_AS --operator NAME --why TEXT
 *   [--url https://localhost:8443]   (default: environment KOFU_URL, else https://localhost:8443; https: with
 *   the operator client certificate of the key folder, KOFU_KEYS_DIR else data/keys)
 * </pre>
 *
 * Exit code 0 = done (listed, applied or found already applied, discarded), 3 = refused by the hub
 * or the file is still quarantined (a new reason, or waiting for its predecessor), 1 = the hub
 * could not be reached, 2 = bad arguments.
 */
public final class QuarantineCommand {

    static final String USAGE =
            """
            usage: quarantine list [--url URL]
                   quarantine retry STORED_AS --operator NAME [--url URL]
                   quarantine discard STORED_AS --operator NAME --why TEXT [--url URL]
              URL defaults to $KOFU_URL, else https://localhost:8443 (client certificate: operator.p12 of
              $KOFU_KEYS_DIR, else data/keys; an http:// URL for a dev-profile hub)""";

    private static final Set<String> OPTIONS = Set.of("--url", "--operator", "--why");

    private QuarantineCommand() {}

    public static int run(String[] args) {
        jp.kofuhub.cli.CommandOptions.Parsed parsed =
                jp.kofuhub.cli.CommandOptions.parseWords(args, OPTIONS);
        if (parsed == null) {
            return usage();
        }
        List<String> positional = parsed.words();
        Map<String, String> o = parsed.options();
        String url =
                o.getOrDefault(
                        "--url",
                        System.getenv().getOrDefault("KOFU_URL", "https://localhost:8443"));
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (positional.isEmpty()) {
            return usage();
        }
        String command = positional.get(0);
        try {
            switch (command) {
                case "list" -> {
                    if (positional.size() != 1) {
                        return usage();
                    }
                    return list(url);
                }
                case "retry" -> {
                    if (positional.size() != 2 || blank(o.get("--operator"))) {
                        return usage();
                    }
                    return retry(url, positional.get(1), o.get("--operator"));
                }
                case "discard" -> {
                    if (positional.size() != 2
                            || blank(o.get("--operator"))
                            || blank(o.get("--why"))) {
                        return usage();
                    }
                    return discard(url, positional.get(1), o.get("--operator"), o.get("--why"));
                }
                default -> {
                    return usage();
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            return jp.kofuhub.keys.OperatorCalls.failed(e, url);
        }
    }

    private static int list(String url) throws IOException, InterruptedException {
        HttpResponse<String> res =
                send(HttpRequest.newBuilder(URI.create(url + "/actuator/quarantine")).GET());
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode entries = new ObjectMapper().readTree(res.body()).path("entries");
        if (entries.isEmpty()) {
            System.out.println("quarantine is empty");
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(
                new String[] {
                    "STORED AS", "REASON", "SIZE", "QUARANTINED AT", "RETRIES", "DETAIL"
                });
        for (JsonNode e : entries) {
            long size = e.path("size").asLong(-1);
            rows.add(
                    new String[] {
                        e.path("storedAs").asText(),
                        e.path("reason").asText(),
                        size < 0 ? "missing" : Long.toString(size),
                        e.path("quarantinedAt").asText(""),
                        e.path("retries").asText("0"),
                        e.path("detail").asText("")
                    });
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length - 1; i++) {
                line.append(String.format("%-" + width[i] + "s  ", r[i]));
            }
            System.out.println(line.append(r[r.length - 1]).toString().stripTrailing());
        }
        System.out.println(entries.size() + " file(s) in quarantine");
        return 0;
    }

    private static int retry(String url, String storedAs, String operator)
            throws IOException, InterruptedException {
        String body = new ObjectMapper().createObjectNode().put("operator", operator).toString();
        HttpResponse<String> res =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                url + "/actuator/quarantine/" + segment(storedAs)))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                body, StandardCharsets.UTF_8)));
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode a = new ObjectMapper().readTree(res.body());
        String outcome = a.path("outcome").asText("?");
        switch (outcome) {
            case "APPLIED", "DUPLICATE" -> {
                System.out.println(storedAs + ": " + outcome + " (removed from quarantine)");
                return 0;
            }
            case "STILL_QUARANTINED" -> {
                System.out.println(
                        storedAs
                                + ": STILL_QUARANTINED "
                                + a.path("reason").asText()
                                + " ("
                                + a.path("detail").asText()
                                + ")");
                return 3;
            }
            case "WAITING_FOR_PREDECESSOR" -> {
                System.out.println(
                        storedAs
                                + ": WAITING_FOR_PREDECESSOR (apply the missing earlier file, then retry)");
                return 3;
            }
            case "WORK_DIR_FULL" -> {
                System.out.println(
                        storedAs
                                + ": WORK_DIR_FULL (no room to decrypt it in kofu.sync.pgp.work-dir:"
                                + " make room, then retry; "
                                + a.path("detail").asText()
                                + ")");
                return 3;
            }
            default -> {
                System.out.println(storedAs + ": " + outcome);
                return 3;
            }
        }
    }

    private static int discard(String url, String storedAs, String operator, String why)
            throws IOException, InterruptedException {
        String query =
                "?operator="
                        + URLEncoder.encode(operator, StandardCharsets.UTF_8)
                        + "&why="
                        + URLEncoder.encode(why, StandardCharsets.UTF_8);
        HttpResponse<String> res =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                url
                                                        + "/actuator/quarantine/"
                                                        + segment(storedAs)
                                                        + query))
                                .DELETE());
        if (res.statusCode() != 200) {
            return refused(res);
        }
        System.out.println(storedAs + ": DISCARDED");
        return 0;
    }

    private static HttpResponse<String> send(HttpRequest.Builder b)
            throws IOException, InterruptedException {
        return jp.kofuhub.keys.OperatorCalls.send(b, Duration.ofMinutes(10));
    }

    private static int refused(HttpResponse<String> res) {
        return jp.kofuhub.keys.OperatorCalls.refused(res, "quarantine");
    }

    /** One URL path segment. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int usage() {
        System.err.println(USAGE);
        return 2;
    }
}
