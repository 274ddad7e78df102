package jp.kofuhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The monitoring that ships (issue #19, deploy/monitoring): the alert rules pass {@code promtool
 * check rules} and their unit tests ({@code promtool test rules kofu-hub-rules.test.yaml}: each
 * alert fires on the series that should raise it); every {@code kofu_*} series the rules and the
 * Grafana dashboard name is a documented meter (docs/health-and-metrics.md); every alert has its
 * "what to do" in docs/operations.md.
 *
 * <p>promtool is Debian's package {@code prometheus}; {@code .ci/run} installs it. Under CI
 * (environment {@code CI} set) a missing promtool fails the test; elsewhere the two promtool checks
 * are skipped with a message saying how to install it.
 */
class PrometheusRulesTest {

    static final Path DIR = Path.of("deploy/monitoring");
    static final Path RULES = DIR.resolve("kofu-hub-rules.yaml");
    static final Path RULE_TESTS = DIR.resolve("kofu-hub-rules.test.yaml");
    static final Path DASHBOARD = DIR.resolve("kofu-hub-dashboard.json");
    static final Pattern SERIES = Pattern.compile("\\bkofu_[a-z_]+");

    @Test
    void promtoolChecksTheRules() throws Exception {
        assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() throws Exception {
        assertThat(promtool("test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void everySeriesTheRulesAndTheDashboardNameIsADocumentedMeter() throws Exception {
        String documented =
                Files.readString(Path.of("docs/health-and-metrics.md"), StandardCharsets.UTF_8);
        Set<String> used = new TreeSet<>(series(Files.readString(RULES)));
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode t : panel.path("targets")) {
                used.addAll(series(t.path("expr").asText()));
            }
        }
        assertThat(used).isNotEmpty();
        for (String s : used) {
            String meter = s.replaceFirst("_(count|bucket|sum)$", "");
            assertThat(documented)
                    .as(s + " in docs/health-and-metrics.md")
                    .contains("`" + meter + "`");
        }
    }

    @Test
    void everyAlertSaysWhatToDoInTheOperationsGuide() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        String operations = Files.readString(Path.of("docs/operations.md"), StandardCharsets.UTF_8);
        List<String> alerts = new ArrayList<>();
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
                Map<?, ?> rule = (Map<?, ?>) r;
                String name = (String) rule.get("alert");
                alerts.add(name);
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity"))
                        .as(name)
                        .isIn("critical", "warning");
                String runbook = (String) ((Map<?, ?>) rule.get("annotations")).get("runbook");
                assertThat(runbook).isEqualTo("docs/operations.md#" + name.toLowerCase());
                assertThat(operations).as(name).contains("#### " + name + "\n");
            }
        }
        assertThat(alerts)
                .contains(
                        "KofuReplicaStale",
                        "KofuSyncGap",
                        "KofuQuarantineNotEmpty",
                        "KofuKosekiBreakerOpen",
                        "KofuKeyExpiresSoon",
                        "KofuCouplingSuspended",
                        "KofuIssuanceErrors",
                        "KofuInboxUnreachable");
    }

    private static Set<String> series(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Runs promtool; its combined output. Missing: fails under CI, else skips the test. */
    private static String promtool(String... args) throws Exception {
        String promtool = onPath("promtool");
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
        if (ci) {
            assertThat(promtool)
                    .as("promtool (Debian package prometheus; .ci/run installs it)")
                    .isNotNull();
        }
        Assumptions.assumeTrue(
                promtool != null, "no promtool on this machine (apt-get install prometheus)");
        List<String> cmd = new ArrayList<>(List.of(promtool));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path f = Path.of(dir, name);
            if (Files.isExecutable(f)) {
                return f.toString();
            }
        }
        return null;
    }
}
