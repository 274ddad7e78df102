package jp.kofuhub.ops;

import static jp.kofuhub.cli.JsonText.get;
import static jp.kofuhub.cli.JsonText.text;

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
 *
 * <p>A plain Java client: it uses the JDK only (no Spring, no JSON library; {@link
 * jp.kofuhub.cli.JsonText}), so that the emergency stop reaches the hub within a fraction of a
 * second of its own start. {@code ./kofu coupling} runs it from {@code kofu-operator.jar} (these
 * few classes, no nested jars) rather than through the hub's Spring Boot jar (issue #19;
 * docs/benchmarks.md "Emergency stop").
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

    /** {@code java -jar kofu-operator.jar status|suspend|resume|history …}. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

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
        print(json(res.body()));
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
        List<?> events = get(json(res.body()), "events") instanceof List<?> l ? l : List.of();
        if (events.isEmpty()) {
            System.out.println("no suspend or resume recorded");
        }
        for (Object e : events) {
            List<String> codes = new java.util.ArrayList<>();
            if (get(e, "municipalities") instanceof List<?> l) {
                l.forEach(c -> codes.add(String.valueOf(c)));
            }
            System.out.println(
                    text(e, "at")
                            + "  "
                            + text(e, "action")
                            + "  "
                            + ("HUB".equals(text(e, "scope"))
                                    ? "whole hub (" + String.join(" ", codes) + ")"
                                    : "municipality " + String.join(" ", codes))
                            + "  by "
                            + text(e, "operator")
                            + "\n    reason: "
                            + text(e, "reason"));
        }
        return 0;
    }

    private static int change(String url, String action, String why, String municipality)
            throws IOException, InterruptedException {
        if (municipality != null && !municipality.matches("\\d{6}")) {
            return usage();
        }
        String body =
                "{\"action\":"
                        + jp.kofuhub.cli.JsonText.quote(action)
                        + ",\"reason\":"
                        + jp.kofuhub.cli.JsonText.quote(why)
                        + (municipality == null
                                ? ""
                                : ",\"municipality\":"
                                        + jp.kofuhub.cli.JsonText.quote(municipality))
                        + "}";
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
        Object a = json(res.body());
        System.out.println(
                (text(a, "outcome") == null ? "?" : text(a, "outcome"))
                        + ": "
                        + (text(a, "message") == null ? "" : text(a, "message")));
        print(a);
        return 0;
    }

    private static void print(Object s) {
        boolean suspended = Boolean.TRUE.equals(get(s, "suspended"));
        String since = text(s, "since") == null ? "" : " since " + text(s, "since");
        String by = text(s, "operator") == null ? "" : " by " + text(s, "operator");
        if (text(s, "municipality") != null) {
            System.out.println(
                    "coupling of "
                            + text(s, "municipality")
                            + " "
                            + (suspended ? "SUSPENDED" : "ACTIVE")
                            + since
                            + by);
            if (text(s, "reason") != null) {
                System.out.println("reason: " + text(s, "reason"));
            }
            if (Boolean.TRUE.equals(get(s, "hubSuspended"))) {
                System.out.println("the whole hub's coupling is SUSPENDED too");
            }
            return;
        }
        System.out.println("coupling " + (suspended ? "SUSPENDED" : "ACTIVE") + since + by);
        if (text(s, "reason") != null) {
            System.out.println("reason: " + text(s, "reason"));
        }
        List<String> routes = new java.util.ArrayList<>();
        if (get(s, "routes") instanceof List<?> l) {
            l.forEach(r -> routes.add(String.valueOf(r)));
        }
        if (!routes.isEmpty()) {
            System.out.println("boundary routes: " + String.join(", ", routes));
        }
        if (get(s, "municipalities") instanceof Map<?, ?> m) {
            m.forEach(
                    (code, v) ->
                            System.out.println(
                                    "municipality "
                                            + code
                                            + " SUSPENDED"
                                            + (text(v, "since") == null
                                                    ? ""
                                                    : " since " + text(v, "since"))
                                            + (text(v, "operator") == null
                                                    ? ""
                                                    : " by " + text(v, "operator"))));
        }
    }

    /** The hub's answer; an answer that is not JSON counts as a failed call. */
    private static Object json(String body) throws IOException {
        try {
            return jp.kofuhub.cli.JsonText.parse(body);
        } catch (IllegalArgumentException e) {
            throw new IOException("the hub's answer is not JSON", e);
        }
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
