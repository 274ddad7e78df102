package jp.kofuhub.settlement;

import static jp.kofuhub.cli.JsonText.text;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.cli.CommandOptions;
import jp.kofuhub.cli.JsonText;
import jp.kofuhub.keys.OperatorCalls;

/**
 * {@code settle}: re-makes one municipality's settlement file of one finished day through the
 * running hub ({@code POST /actuator/settlement}, {@link SettlementEndpoint}), with the operator's
 * client certificate — the hub records its subject in the issuance history.
 *
 * <pre>
 * settle --municipality 012343 --date 2026-12-04 [--url https://localhost:8443]
 * </pre>
 *
 * Exit code 0 = written (WRITTEN, REWRITTEN or REWRITTEN_CHANGED), 3 = refused by the hub (a day
 * not finished, a municipality not served, the coupling suspended, the outbox failing), 1 = the hub
 * could not be reached, 2 = bad arguments. JDK only, like {@code coupling}.
 */
public final class SettleCommand {

    static final String USAGE =
            """
            usage: settle --municipality CODE --date yyyy-MM-dd [--url URL]
              re-makes that municipality's settlement file of that finished day and hands it to the
              finance system's outbox again, under the same name (settlement_<CODE>_<yyyyMMdd>.csv[.pgp]):
              WRITTEN (it had none yet), REWRITTEN (the same content again) or REWRITTEN_CHANGED (the day's
              history changed since). Idempotent; recorded in the issuance history with the subject of the
              client certificate this command presents (KOFU_OPERATOR chooses it; operators only).
              URL defaults to $KOFU_URL, else https://localhost:8443 (client certificate: operator.p12 of
              $KOFU_KEYS_DIR, else data/keys; an http:// URL for a dev-profile hub)""";

    private static final Set<String> OPTIONS = Set.of("--municipality", "--date", "--url");

    private SettleCommand() {}

    public static int run(String[] args) {
        CommandOptions.Parsed parsed = CommandOptions.parseWords(args, OPTIONS);
        if (parsed == null || !parsed.words().isEmpty()) {
            return usage();
        }
        Map<String, String> o = parsed.options();
        String municipality = o.get("--municipality");
        String day = o.get("--date");
        if (municipality == null
                || !municipality.matches("\\d{6}")
                || day == null
                || !day.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return usage();
        }
        String url =
                o.getOrDefault(
                        "--url",
                        System.getenv().getOrDefault("KOFU_URL", "https://localhost:8443"));
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            String body =
                    "{\"municipality\":"
                            + JsonText.quote(municipality)
                            + ",\"day\":"
                            + JsonText.quote(day)
                            + "}";
            HttpResponse<String> res =
                    OperatorCalls.send(
                            HttpRequest.newBuilder(URI.create(url + "/actuator/settlement"))
                                    .header("Content-Type", "application/json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    body, StandardCharsets.UTF_8)),
                            Duration.ofMinutes(5));
            Object a;
            try {
                a = JsonText.parse(res.body());
            } catch (IllegalArgumentException e) {
                return OperatorCalls.refused(res, "settlement");
            }
            String outcome = text(a, "outcome");
            System.out.println(
                    (outcome == null ? "HTTP " + res.statusCode() : outcome)
                            + ": "
                            + (text(a, "message") == null ? "" : text(a, "message")));
            if (res.statusCode() != 200) {
                return 3;
            }
            System.out.println(text(a, "fileName") + "  sha256 " + text(a, "sha256"));
            return 0;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return OperatorCalls.failed(e, url);
        }
    }

    private static int usage() {
        System.err.println(USAGE);
        return 2;
    }
}
