package jp.kofuhub.kiosk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code kiosk}: plays the issuance centre for one resident, through the three phases of the
 * protocol (docs/interfaces/issuance-centre.md): availability, issue (saves the PDF; {@code --retry N}
 * asks N more times and checks the same document and 発行番号 come back), completion with
 * {@code --outcome} (PRINTED, PRINT_FAILED, CANCELLED, or NONE to leave the document to its
 * time-to-live). Exit code 0 = done, 3 = refused or rejected by the hub, 1 = the hub could not be
 * reached, 2 = bad arguments, 4 = a retry got a different answer.
 */
public final class KioskCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KioskCommand() {
    }

    public static int run(String[] args) {
        Map<String, String> o = new HashMap<>(Map.of(
                "--url", System.getenv().getOrDefault("KOFU_URL", "http://localhost:8080"),
                "--municipality", "012343",
                "--kind", "JUMINHYO",
                "--outcome", "PRINTED",
                "--retry", "0",
                "--store", "S0001"));
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println(USAGE);
                return 2;
            }
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--serial") || !o.get("--outcome").matches("PRINTED|PRINT_FAILED|CANCELLED|NONE")
                || !o.get("--retry").matches("\\d{1,2}")) {
            System.err.println(USAGE);
            return 2;
        }
        String transaction = o.getOrDefault("--transaction", "K" + UUID.randomUUID().toString().replace("-", ""));
        ObjectNode body = JSON.createObjectNode()
                .put("transaction", transaction)
                .put("municipality", o.get("--municipality"))
                .put("serial", o.get("--serial"))
                .put("kind", o.get("--kind"))
                .put("store", o.get("--store"));
        if (o.containsKey("--terminal")) {
            body.put("terminal", o.get("--terminal"));
        }
        if (o.containsKey("--options")) {
            try {
                body.set("options", JSON.readTree(o.get("--options")));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("--options must be a JSON object, e.g. '{\"members\":\"SELF\",\"householdHead\":true}'");
                return 2;
            }
        }
        Path out = Path.of(o.getOrDefault("--out", o.get("--kind").toLowerCase() + ".pdf"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String url = o.get("--url") + "/api/v1";
        try {
            System.out.println("transaction " + transaction);
            HttpResponse<byte[]> a = post(client, url + "/availability", body.toString());
            if (a.statusCode() != 200) {
                return refused("availability", a);
            }
            JsonNode answer = JSON.readTree(a.body());
            for (JsonNode k : answer.get("kinds")) {
                System.out.println("  " + k.get("kind").asText() + ": " + (k.path("available").asBoolean()
                        ? k.get("fee").asInt() + " yen, " + k.get("sheets").asInt() + " sheet(s)" : k.path("code").asText()
                        + (k.has("nextOpening") ? " (opens " + k.get("nextOpening").asText() + ")" : "")));
            }
            HttpResponse<byte[]> issued = post(client, url + "/certificates", body.toString());
            if (issued.statusCode() != 200) {
                return refused("issue", issued);
            }
            String number = issued.headers().firstValue("X-Kofu-Issue-Number").orElse("?");
            Files.write(out, issued.body());
            System.out.println("saved " + out + " (" + issued.body().length + " bytes, 発行番号 " + number + ", "
                    + issued.headers().firstValue("X-Kofu-Pages").orElse("?") + " page(s), fee "
                    + issued.headers().firstValue("X-Kofu-Fee").orElse("?") + " yen)");
            for (int i = 1; i <= Integer.parseInt(o.get("--retry")); i++) {
                HttpResponse<byte[]> again = post(client, url + "/certificates", body.toString());
                boolean same = again.statusCode() == 200 && Arrays.equals(again.body(), issued.body())
                        && number.equals(again.headers().firstValue("X-Kofu-Issue-Number").orElse(""));
                System.out.println("retry " + i + ": " + (same ? "same document, same 発行番号" : "DIFFERENT: HTTP "
                        + again.statusCode()));
                if (!same) {
                    return 4;
                }
            }
            if ("NONE".equals(o.get("--outcome"))) {
                System.out.println("no completion sent: the hub deletes the document after its time-to-live");
                return 0;
            }
            HttpResponse<byte[]> done = post(client, url + "/completions", JSON.createObjectNode()
                    .put("transaction", transaction).put("outcome", o.get("--outcome")).toString());
            if (done.statusCode() != 200) {
                return refused("completion", done);
            }
            System.out.println("completed " + new String(done.body(), StandardCharsets.UTF_8));
            return 0;
        } catch (java.io.IOException e) {
            System.err.println("cannot reach the hub at " + o.get("--url") + ": " + e.getClass().getSimpleName());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static HttpResponse<byte[]> post(HttpClient client, String url, String body)
            throws java.io.IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int refused(String phase, HttpResponse<byte[]> r) {
        System.out.println(phase + ": HTTP " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return 3;
    }

    static final String USAGE = "usage: kiosk --serial SERIAL [--municipality 012343] [--kind JUMINHYO]"
            + " [--options JSON] [--transaction ID] [--store S0001] [--terminal K1]"
            + " [--outcome PRINTED|PRINT_FAILED|CANCELLED|NONE] [--retry N] [--url http://localhost:8080] [--out FILE]";
}
