package jp.kofuhub.koseki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code koseki-registration}: the city's review of 本籍地利用登録 applications, through the running hub's
 * actuator endpoint ({@link KosekiRegistrationEndpoint}).
 *
 * <pre>
 * koseki-registration list
 * koseki-registration approve ID --operator NAME [--why TEXT]
 * koseki-registration reject ID --operator NAME --why TEXT
 *   [--municipality 012343]   (only when the id exists in several municipalities)
 *   [--url https://localhost:8443]   (default: environment KOFU_URL, else https://localhost:8443; https: with
 *   the operator client certificate of the key folder, KOFU_KEYS_DIR else data/keys)
 * </pre>
 *
 * Exit code 0 = done (listed, approved, rejected), 3 = refused by the hub (not found, already
 * decided, a bad value), 1 = the hub could not be reached, 2 = bad arguments.
 */
public final class KosekiRegistrationCommand {

    static final String USAGE =
            """
            usage: koseki-registration list [--url URL]
                   koseki-registration approve ID --operator NAME [--why TEXT] [--municipality CODE] [--url URL]
                   koseki-registration reject ID --operator NAME --why TEXT [--municipality CODE] [--url URL]
              URL defaults to $KOFU_URL, else https://localhost:8443 (client certificate: operator.p12 of
              $KOFU_KEYS_DIR, else data/keys; an http:// URL for a dev-profile hub)""";

    private static final Set<String> OPTIONS =
            Set.of("--url", "--operator", "--why", "--municipality");
    private static final ObjectMapper JSON = new ObjectMapper();

    private KosekiRegistrationCommand() {}

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
        String municipality = o.get("--municipality");
        if (municipality != null && !municipality.matches("\\d{6}")) {
            return usage();
        }
        try {
            switch (positional.get(0)) {
                case "list" -> {
                    if (positional.size() != 1
                            || o.containsKey("--operator")
                            || o.containsKey("--why")) {
                        return usage();
                    }
                    return list(url);
                }
                case "approve" -> {
                    if (positional.size() != 2 || blank(o.get("--operator"))) {
                        return usage();
                    }
                    return decide(
                            url,
                            positional.get(1),
                            "APPROVE",
                            o.get("--operator"),
                            o.get("--why"),
                            municipality);
                }
                case "reject" -> {
                    if (positional.size() != 2
                            || blank(o.get("--operator"))
                            || blank(o.get("--why"))) {
                        return usage();
                    }
                    return decide(
                            url,
                            positional.get(1),
                            "REJECT",
                            o.get("--operator"),
                            o.get("--why"),
                            municipality);
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
                send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/kosekiregistrations"))
                                .GET());
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode applications = JSON.readTree(res.body()).path("applications");
        if (applications.isEmpty()) {
            System.out.println("no application is waiting for review");
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(
                new String[] {"MUNICIPALITY", "REGISTRATION ID", "SERIAL", "APPLIED AT", "STATUS"});
        for (JsonNode a : applications) {
            rows.add(
                    new String[] {
                        a.path("municipality").asText(),
                        a.path("registrationId").asText(),
                        a.path("serial").asText(),
                        a.path("appliedAt").asText(""),
                        a.path("status").asText()
                    });
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format("%-" + width[i] + "s  ", r[i]));
            }
            System.out.println(line.toString().stripTrailing());
        }
        System.out.println(applications.size() + " application(s) waiting for review");
        return 0;
    }

    private static int decide(
            String url,
            String id,
            String decision,
            String operator,
            String why,
            String municipality)
            throws IOException, InterruptedException {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("registrationId", id)
                        .put("decision", decision)
                        .put("operator", operator);
        if (why != null) {
            body.put("reason", why);
        }
        if (municipality != null) {
            body.put("municipality", municipality);
        }
        HttpResponse<String> res =
                send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/kosekiregistrations"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                body.toString(), StandardCharsets.UTF_8)));
        if (res.statusCode() != 200) {
            return refused(res);
        }
        JsonNode a = JSON.readTree(res.body());
        System.out.println(
                a.path("municipality").asText("?")
                        + " "
                        + id
                        + ": "
                        + a.path("outcome").asText("?"));
        return 0;
    }

    private static HttpResponse<String> send(HttpRequest.Builder b)
            throws IOException, InterruptedException {
        return jp.kofuhub.keys.OperatorCalls.send(b, Duration.ofMinutes(1));
    }

    private static int refused(HttpResponse<String> res) {
        return jp.kofuhub.keys.OperatorCalls.refused(res, "kosekiregistrations");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int usage() {
        System.err.println(USAGE);
        return 2;
    }
}
