package jp.kofuhub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code coupling}: the operator's command for the stop switch of the online coupling, through the
 * running hub's actuator endpoint ({@link CouplingEndpoint}).
 *
 * <pre>
 * coupling status [--municipality 012343]
 * coupling suspend [--municipality 012343] --why TEXT
 * coupling resume [--municipality 012343] --why TEXT
 * coupling history [--municipality 012343] [--limit 50]
 *   [--url https://localhost:8443]   (default: environment KOFU_URL, else https://localhost:8443; https: with
 *   the operator client certificate of the key folder, KOFU_KEYS_DIR else data/keys)
 * </pre>
 *
 * The hub records the client certificate's subject ({@code cert:<CN>}) as the operator; an old
 * {@code --operator NAME} is accepted and ignored (said on stderr), so runbooks keep working. Exit
 * code 0 = done (status shown, suspended or resumed, or already so), 3 = refused by the hub, 1 =
 * the hub could not be reached, 2 = bad arguments.
 */
public final class CouplingCommand {

    static final String USAGE =
            """
            usage: coupling status [--municipality CODE] [--url URL]
                   coupling suspend [--municipality CODE] --why TEXT [--url URL]
                   coupling resume [--municipality CODE] --why TEXT [--url URL]
                   coupling history [--municipality CODE] [--limit N] [--url URL]
              suspend stops every route crossing the hub's boundary on every instance and refuses the
              issuance centre's requests (503 COUPLING_SUSPENDED) until resume; both are recorded in the
              issuance history with the operator — the subject of the client certificate this command
              presents (cert:<CN>), not a typed name — and the reason (no personal data, at most 400
              characters). With --municipality (6-digit 団体コード) only that municipality is suspended:
              its requests are refused, its registry files wait in the inbox, its settlement waits, the
              others go on; recorded in its own history only. history lists every suspend and resume,
              newest first: when, what, whole hub or which municipalities, who and why.
              URL defaults to $KOFU_URL, else https://localhost:8443 (client certificate: operator.p12 of
              $KOFU_KEYS_DIR, else data/keys; an http:// URL for a dev-profile hub)""";

    private static final Set<String> OPTIONS =
            Set.of("--url", "--operator", "--why", "--municipality", "--limit");

    private CouplingCommand() {}

    public static int run(String[] args) {
        jp.kofuhub.cli.CommandOptions.Parsed parsed =
                jp.kofuhub.cli.CommandOptions.parseWords(args, OPTIONS);
        if (parsed == null || parsed.words().size() != 1) {
            return usage();
        }
        Map<String, String> o = parsed.options();
        String url =
                o.getOrDefault(
                        "--url",
                        System.getenv().getOrDefault("KOFU_URL", "https://localhost:8443"));
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String command = parsed.words().get(0);
        try {
            switch (command) {
                case "status" -> {
                    if (o.containsKey("--operator") || o.containsKey("--why")) {
                        return usage();
                    }
                    return status(url, o.get("--municipality"));
                }
                case "history" -> {
                    if (o.containsKey("--operator") || o.containsKey("--why")) {
                        return usage();
                    }
                    return history(url, o.get("--municipality"), o.get("--limit"));
                }
                case "suspend", "resume" -> {
                    if (blank(o.get("--why"))) {
                        return usage();
                    }
                    if (o.containsKey("--operator")) {
                        System.err.println(
                                "coupling: --operator is ignored: the hub records the client certificate's"
                                        + " subject as the operator");
                    }
                    return change(url, command, o.get("--why"), o.get("--municipality"));
                }
                default -> {
                    return usage();
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            return jp.kofuhub.keys.OperatorCalls.failed(e, url);
        }
    }

    private static int status(String url, String municipality)
            throws IOException, InterruptedException {
        if (municipality != null && !municipality.matches("\\d{6}")) {
            return usage();
        }
        String query = municipality == null ? "" : "?municipality=" + municipality;
        HttpResponse<String> res =
                send(HttpRequest.newBuilder(URI.create(url + "/actuator/coupling" + query)).GET());
        if (res.statusCode() != 200) {
            return refused(res);
        }
        print(new ObjectMapper().readTree(res.body()));
        return 0;
    }

    private static int history(String url, String municipality, String limit)
            throws IOException, InterruptedException {
        if ((municipality != null && !municipality.matches("\\d{6}"))
                || (limit != null && !limit.matches("\\d{1,3}"))) {
            return usage();
        }
        String query =
                (municipality == null ? "" : "&municipality=" + municipality)
                        + (limit == null ? "" : "&limit=" + limit);
        HttpResponse<String> res =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                url
                                                        + "/actuator/coupling/history"
                                                        + query.replaceFirst("^&", "?")))
                                .GET());
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode events = new ObjectMapper().readTree(res.body()).path("events");
        if (events.isEmpty()) {
            System.out.println("no suspend or resume recorded");
        }
        for (JsonNode e : events) {
            List<String> codes = new java.util.ArrayList<>();
            e.path("municipalities").forEach(c -> codes.add(c.asText()));
            System.out.println(
                    e.path("at").asText()
                            + "  "
                            + e.path("action").asText()
                            + "  "
                            + ("HUB".equals(e.path("scope").asText())
                                    ? "whole hub (" + String.join(" ", codes) + ")"
                                    : "municipality " + String.join(" ", codes))
                            + "  by "
                            + e.path("operator").asText()
                            + "\n    reason: "
                            + e.path("reason").asText());
        }
        return 0;
    }

    private static int change(String url, String action, String why, String municipality)
            throws IOException, InterruptedException {
        if (municipality != null && !municipality.matches("\\d{6}")) {
            return usage();
        }
        com.fasterxml.jackson.databind.node.ObjectNode n =
                new ObjectMapper().createObjectNode().put("action", action).put("reason", why);
        if (municipality != null) {
            n.put("municipality", municipality);
        }
        String body = n.toString();
        HttpResponse<String> res =
                send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/coupling"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                body, StandardCharsets.UTF_8)));
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode a = new ObjectMapper().readTree(res.body());
        System.out.println(a.path("outcome").asText("?") + ": " + a.path("message").asText(""));
        print(a);
        return 0;
    }

    private static void print(JsonNode s) {
        boolean suspended = s.path("suspended").asBoolean();
        if (s.path("municipality").isTextual()) {
            System.out.println(
                    "coupling of "
                            + s.path("municipality").asText()
                            + " "
                            + (suspended ? "SUSPENDED" : "ACTIVE")
                            + (s.path("since").isTextual()
                                    ? " since " + s.path("since").asText()
                                    : "")
                            + (s.path("operator").isTextual()
                                    ? " by " + s.path("operator").asText()
                                    : ""));
            if (s.path("reason").isTextual()) {
                System.out.println("reason: " + s.path("reason").asText());
            }
            if (s.path("hubSuspended").asBoolean()) {
                System.out.println("the whole hub's coupling is SUSPENDED too");
            }
            return;
        }
        System.out.println(
                "coupling "
                        + (suspended ? "SUSPENDED" : "ACTIVE")
                        + (s.path("since").isTextual() ? " since " + s.path("since").asText() : "")
                        + (s.path("operator").isTextual()
                                ? " by " + s.path("operator").asText()
                                : ""));
        if (s.path("reason").isTextual()) {
            System.out.println("reason: " + s.path("reason").asText());
        }
        List<String> routes = new java.util.ArrayList<>();
        s.path("routes").forEach(r -> routes.add(r.asText()));
        if (!routes.isEmpty()) {
            System.out.println("boundary routes: " + String.join(", ", routes));
        }
        s.path("municipalities")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.println(
                                        "municipality "
                                                + e.getKey()
                                                + " SUSPENDED"
                                                + (e.getValue().path("since").isTextual()
                                                        ? " since "
                                                                + e.getValue()
                                                                        .path("since")
                                                                        .asText()
                                                        : "")
                                                + (e.getValue().path("operator").isTextual()
                                                        ? " by "
                                                                + e.getValue()
                                                                        .path("operator")
                                                                        .asText()
                                                        : "")));
    }

    private static HttpResponse<String> send(HttpRequest.Builder b)
            throws IOException, InterruptedException {
        return jp.kofuhub.keys.OperatorCalls.send(b, Duration.ofMinutes(2));
    }

    private static int refused(HttpResponse<String> res) {
        return jp.kofuhub.keys.OperatorCalls.refused(res, "coupling");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int usage() {
        System.err.println(USAGE);
        return 2;
    }
}
