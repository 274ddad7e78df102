package jp.kofuhub.kiosk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code kiosk}: plays the issuance centre for one request. Sends the issue request to the hub's
 * HTTP route and saves the PDF, or prints the refusal code. Exit code 0 = document saved,
 * 3 = refused or rejected by the hub, 1 = the hub could not be reached, 2 = bad arguments.
 */
public final class KioskCommand {

    private KioskCommand() {
    }

    public static int run(String[] args) {
        Map<String, String> o = new HashMap<>(Map.of(
                "--url", System.getenv().getOrDefault("KOFU_URL", "http://localhost:8080"),
                "--municipality", "012343",
                "--kind", "JUMINHYO"));
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println(USAGE);
                return 2;
            }
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--serial")) {
            System.err.println(USAGE);
            return 2;
        }
        ObjectNode body = new ObjectMapper().createObjectNode()
                .put("municipality", o.get("--municipality"))
                .put("serial", o.get("--serial"))
                .put("kind", o.get("--kind"));
        if (o.containsKey("--terminal")) {
            body.put("terminal", o.get("--terminal"));
        }
        if (o.containsKey("--options")) {
            try {
                body.set("options", new ObjectMapper().readTree(o.get("--options")));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("--options must be a JSON object, e.g. '{\"members\":\"SELF\",\"householdHead\":true}'");
                return 2;
            }
        }
        Path out = Path.of(o.getOrDefault("--out", o.get("--kind").toLowerCase() + ".pdf"));
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(o.get("--url") + "/api/v1/certificates"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            HttpResponse<byte[]> res = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            String type = res.headers().firstValue("Content-Type").orElse("");
            if (res.statusCode() == 200 && type.startsWith("application/pdf")) {
                Files.write(out, res.body());
                System.out.println("saved " + out + " (" + res.body().length + " bytes, 発行番号 "
                        + res.headers().firstValue("X-Kofu-Issue-Number").orElse("?") + ", "
                        + res.headers().firstValue("X-Kofu-Pages").orElse("?") + " page(s))");
                return 0;
            }
            System.out.println("HTTP " + res.statusCode() + " " + new String(res.body(), java.nio.charset.StandardCharsets.UTF_8));
            return 3;
        } catch (java.io.IOException e) {
            System.err.println("cannot reach the hub at " + o.get("--url") + ": " + e.getClass().getSimpleName());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static final String USAGE = "usage: kiosk --serial SERIAL [--municipality 012343] [--kind JUMINHYO]"
            + " [--terminal K1] [--options JSON] [--url http://localhost:8080] [--out FILE]";
}
