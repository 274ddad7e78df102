package jp.kofuhub.kiosk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import jp.kofuhub.keys.Tls;

/**
 * {@code kiosk}: plays the issuance centre for one resident, through the three phases of the
 * protocol (docs/interfaces/issuance-centre.md): availability, issue (saves the PDF; {@code --retry
 * N} asks N more times and checks the same document and 発行番号 come back), completion with {@code
 * --outcome} (PRINTED, PRINT_FAILED, CANCELLED, or NONE to leave the document to its time-to-live).
 * Exit code 0 = done, 3 = refused or rejected by the hub, 1 = the hub could not be reached, 2 = bad
 * arguments, 4 = a retry got a different answer.
 *
 * <p>Protocol v1.1: every message carries a fresh {@code sentAt} and {@code nonce} (a retry is a
 * new message). For an {@code https://} URL (the default: {@code $KOFU_URL}, else
 * https://localhost:8443) the tool shows the centre's client certificate and seals every request
 * with the centre's OpenPGP key (signed by the centre, encrypted to the hub) and opens every answer
 * (the hub's signature verified), keys from {@link Tls#configuredDir()} and {@link
 * Tls#configuredPassword()}. For {@code http://} (the dev profile) it sends plain JSON unless
 * {@code --seal} is given.
 */
public final class KioskCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KioskCommand() {}

    public static int run(String[] args) {
        Map<String, String> o =
                new HashMap<>(
                        Map.of(
                                "--url",
                                        System.getenv()
                                                .getOrDefault("KOFU_URL", "https://localhost:8443"),
                                "--municipality", "012343",
                                "--kind", "JUMINHYO",
                                "--outcome", "PRINTED",
                                "--retry", "0",
                                "--store", "S0001"));
        List<String> words = new java.util.ArrayList<>(Arrays.asList(args));
        boolean sealFlag = words.remove("--seal");
        boolean listOnly = words.remove("--list");
        args = words.toArray(new String[0]);
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println(USAGE);
                return 2;
            }
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--serial")
                || !o.get("--outcome").matches("PRINTED|PRINT_FAILED|CANCELLED|NONE")
                || !o.get("--retry").matches("\\d{1,2}")) {
            System.err.println(USAGE);
            return 2;
        }
        String transaction =
                o.getOrDefault(
                        "--transaction", "K" + UUID.randomUUID().toString().replace("-", ""));
        ObjectNode body =
                JSON.createObjectNode()
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
                System.err.println(
                        "--options must be a JSON object, e.g. '{\"members\":\"SELF\",\"householdHead\":true}'");
                return 2;
            }
        }
        Path out = Path.of(o.getOrDefault("--out", o.get("--kind").toLowerCase() + ".pdf"));
        String url = o.get("--url") + "/api/v1";
        try {
            boolean https = o.get("--url").regionMatches(true, 0, "https:", 0, 6);
            CentreClient centre =
                    new CentreClient(
                            Tls.httpClient(o.get("--url"), "centre"),
                            https || sealFlag
                                    ? PgpMessages.ofParty(
                                            Tls.configuredDir(),
                                            "centre",
                                            Tls.configuredPassword(),
                                            List.of("hub"))
                                    : null,
                            CentreClient.certificateOrNull(Tls.configuredDir().resolve("hub.crt")));
            System.out.println(
                    "transaction "
                            + transaction
                            + (centre.sealed() ? " (sealed: OpenPGP)" : " (plain JSON)"));
            // as a kiosk's first screen: every kind the city offers, with its fee and sheets or its
            // refusal code, and the household listing; options apply to one kind, so with --options
            // the availability asks that kind alone (its sheets then count the options)
            ObjectNode ask = body.deepCopy();
            if (!o.containsKey("--options")) {
                ask.remove("kind");
            }
            CentreClient.Answer a = centre.post(url + "/availability", ask);
            if (a.status() != 200) {
                return refused("availability", a);
            }
            JsonNode answer = JSON.readTree(a.body());
            for (JsonNode k : answer.get("kinds")) {
                System.out.println(
                        "  "
                                + k.get("kind").asText()
                                + ": "
                                + (k.path("available").asBoolean()
                                        ? k.get("fee").asInt()
                                                + " yen, "
                                                + k.get("sheets").asInt()
                                                + " sheet(s)"
                                        : k.path("code").asText()
                                                + (k.has("nextOpening")
                                                        ? " (opens "
                                                                + k.get("nextOpening").asText()
                                                                + ")"
                                                        : "")));
            }
            printHousehold(answer.path("household"));
            if (listOnly) {
                System.out.println("--list: nothing issued");
                return 0;
            }
            CentreClient.Answer issued = centre.post(url + "/certificates", body);
            if (issued.status() != 200) {
                return refused("issue", issued);
            }
            String number = issued.headers().firstValue("X-Kofu-Issue-Number").orElse("?");
            Files.write(out, issued.body());
            System.out.println(
                    "saved "
                            + out
                            + " ("
                            + issued.body().length
                            + " bytes, 発行番号 "
                            + number
                            + ", "
                            + issued.headers().firstValue("X-Kofu-Pages").orElse("?")
                            + " page(s), fee "
                            + issued.headers().firstValue("X-Kofu-Fee").orElse("?")
                            + " yen"
                            + (issued.signed()
                                    ? ", hub's signature on number, fee and pages verified"
                                    : "")
                            + ")");
            for (int i = 1; i <= Integer.parseInt(o.get("--retry")); i++) {
                // a retry is a new message: new sentAt and nonce, same transaction
                CentreClient.Answer again = centre.post(url + "/certificates", body);
                boolean same =
                        again.status() == 200
                                && Arrays.equals(again.body(), issued.body())
                                && number.equals(
                                        again.headers()
                                                .firstValue("X-Kofu-Issue-Number")
                                                .orElse(""));
                System.out.println(
                        "retry "
                                + i
                                + ": "
                                + (same
                                        ? "same document, same 発行番号"
                                        : "DIFFERENT: HTTP " + again.status()));
                if (!same) {
                    return 4;
                }
            }
            if ("NONE".equals(o.get("--outcome"))) {
                System.out.println(
                        "no completion sent: the hub deletes the document after its time-to-live");
                return 0;
            }
            CentreClient.Answer done =
                    centre.post(
                            url + "/completions",
                            JSON.createObjectNode()
                                    .put("transaction", transaction)
                                    .put("outcome", o.get("--outcome")));
            if (done.status() != 200) {
                return refused("completion", done);
            }
            System.out.println("completed " + new String(done.body(), StandardCharsets.UTF_8));
            return 0;
        } catch (PgpRefusedException e) {
            System.err.println(
                    "the hub's answer is not accepted (" + e.code() + "): " + e.getMessage());
            return 3;
        } catch (java.io.IOException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println(
                    "cannot reach the hub at "
                            + o.get("--url")
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The household listing of the availability answer, as a kiosk shows it for choosing members:
     * position, name, 続柄, and the version to send back with the chosen positions.
     */
    static void printHousehold(JsonNode household) {
        if (household.isMissingNode() || household.isNull()) {
            return;
        }
        String version = household.path("version").asText();
        System.out.println("  household listing (version " + version + "):");
        for (JsonNode m : household.path("members")) {
            System.out.println(
                    "    "
                            + m.path("position").asInt()
                            + "  "
                            + m.path("name").asText()
                            + "  "
                            + m.path("relationship").asText());
        }
        System.out.println(
                "  choose members by position: --options '{\"members\":[1,2],\"household\":\""
                        + version
                        + "\"}'");
    }

    private static int refused(String phase, CentreClient.Answer r) {
        System.out.println(
                phase
                        + ": HTTP "
                        + r.status()
                        + " "
                        + new String(r.body(), StandardCharsets.UTF_8));
        return 3;
    }

    static final String USAGE =
            "usage: kiosk --serial SERIAL [--municipality 012343] [--kind JUMINHYO]"
                    + " [--options JSON] [--transaction ID] [--store S0001] [--terminal K1]"
                    + " [--outcome PRINTED|PRINT_FAILED|CANCELLED|NONE] [--retry N] [--url https://localhost:8443] [--seal] [--list] [--out FILE]";
}
