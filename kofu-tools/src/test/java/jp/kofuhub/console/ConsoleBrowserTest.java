package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.support.ConsoleHub;
import jp.kofuhub.support.TestHub;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The operator console in real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by
 * Playwright's core from npm, src/test/browser/console-browser.cjs) against the real mutual-TLS
 * listener: the browser presents {@code operator.p12} and logs in through the form.
 *
 * <ul>
 *   <li>an operator opens the Camel routes view, runs the stop switch ({@code suspend} of {@code
 *       jp.kofuhub:type=CouplingSwitch} in Hawtio's JMX operations, with a reason; the history
 *       names the logged-in user), sees the boundary routes Suspended (or Stopped, for REST routes)
 *       and resumes;
 *   <li>a viewer's {@code suspend} is refused (403 on the Jolokia exec) and the routes stay
 *       Started.
 * </ul>
 *
 * Screenshots go to {@code target/console-screenshots}, or to the folder named by {@code
 * -Dkofu.screenshots.dir} (docs/images for docs/operations.md). Skipped only on a machine without
 * chromium or node; under CI (env CI set, .ci/run installs both) a missing one fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = ConsoleHub.class)
class ConsoleBrowserTest {

    static final Path SCRIPT = Path.of("src/test/browser/console-browser.cjs");
    static final Path PACKAGE = Path.of("src/test/browser/package.json");
    static final Path INSTALL = Path.of("target/browser-test");

    static final List<String> BOUNDARY =
            List.of(
                    "registry-sync",
                    "daily-settlement",
                    "post-availability",
                    "post-certificate",
                    "post-completion",
                    "post-koseki-registration");

    static String chromium;
    static String node;

    @LocalServerPort int port;

    @Autowired CouplingSwitch couplingSwitch;

    @Autowired CamelContext camel;

    @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

    @BeforeAll
    static void browserAndPlaywright() throws Exception {
        chromium =
                firstExisting(
                        System.getenv("KOFU_CHROMIUM"),
                        "/usr/bin/chromium",
                        "/usr/bin/chromium-browser");
        node = onPath("node");
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
        if (ci) {
            assertThat(chromium)
                    .as("chromium (Debian package chromium; .ci/run installs it)")
                    .isNotNull();
            assertThat(node).as("node").isNotNull();
        }
        Assumptions.assumeTrue(
                chromium != null, "no chromium on this machine (apt-get install chromium)");
        Assumptions.assumeTrue(node != null, "no node on this machine");
        installPlaywright();
    }

    @AfterEach
    void resumeTheCoupling() {
        if (couplingSwitch.suspended()) {
            couplingSwitch.resume("console-test", "clean-up after the browser test");
        }
    }

    @Test
    void anOperatorSuspendsTheCouplingInHawtioAndSeesTheRoutesSuspended() throws Exception {
        Result r = run("operator", "operator", ConsoleHub.OPERATOR_PASSWORD);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output)
                .contains(
                        "RESULT ok",
                        "login page at /actuator/console/login",
                        "logged in as operator",
                        "kofu meters in JMX: ",
                        "health page: Overall status shown",
                        "route statistics: ",
                        "exec suspend: HTTP 200",
                        "exec resume: HTTP 200");
        assertThat(r.output).doesNotContain("is not a function");
        assertThat(r.output)
                .containsPattern("route registry-sync registry-sync (Suspended|Stopped)");
        assertThat(r.output)
                .containsPattern("route post-availability post-availability (Suspended|Stopped)");
        // the history recorded who (the logged-in user, not a typed name) and why, and the switch
        // is back on
        assertThat(couplingSwitch.suspended()).isFalse();
        assertThat(
                        jdbc.queryForList(
                                "select distinct operator from issuance_history where kind = 'COUPLING' and reason = ?",
                                String.class,
                                "leak feared at the centre; council chair informed"))
                .containsExactly("console:operator");
        for (String id : BOUNDARY) {
            assertThat(camel.getRouteController().getRouteStatus(id))
                    .as(id)
                    .isEqualTo(ServiceStatus.Started);
        }
    }

    @Test
    void aViewerCannotRunTheStopSwitch() throws Exception {
        Result r = run("viewer", "viewer", ConsoleHub.VIEWER_PASSWORD);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output)
                .contains(
                        "RESULT ok",
                        "logged in as viewer",
                        "kofu meters in JMX: ",
                        "health page: Overall status shown",
                        "route statistics: ",
                        "exec suspend: HTTP 403",
                        "CONSOLE_OPERATOR_ONLY");
        assertThat(couplingSwitch.suspended()).isFalse();
        for (String id : BOUNDARY) {
            assertThat(camel.getRouteController().getRouteStatus(id))
                    .as(id)
                    .isEqualTo(ServiceStatus.Started);
        }
    }

    record Result(int exit, String output) {}

    private Result run(String role, String user, String password) throws Exception {
        Path shots =
                Path.of(System.getProperty("kofu.screenshots.dir", "target/console-screenshots"));
        Files.createDirectories(shots);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("base", "https://localhost:" + port);
        cfg.put("pfx", TestHub.KEYS.resolve("operator.p12").toAbsolutePath().toString());
        cfg.put("passphrase", DemoKeys.DEFAULT_PASSWORD);
        cfg.put("user", user);
        cfg.put("password", password);
        cfg.put("role", role);
        cfg.put("camel", camel.getManagementName());
        cfg.put("shots", shots.toAbsolutePath().toString());
        cfg.put("chromium", chromium);
        cfg.put("reason", "leak feared at the centre; council chair informed");
        Path out = Files.createTempFile("kofu-browser-" + role + "-", ".log");
        ProcessBuilder pb =
                new ProcessBuilder(node, SCRIPT.toAbsolutePath().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
        pb.environment().put("KOFU_BROWSER", new ObjectMapper().writeValueAsString(cfg));
        pb.environment()
                .put("NODE_PATH", INSTALL.resolve("node_modules").toAbsolutePath().toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(
                        -1,
                        "timed out after 5 minutes\n"
                                + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * playwright-core as pinned in src/test/browser/package.json, into target/browser-test (once).
     */
    static void installPlaywright() throws IOException, InterruptedException {
        Path installed = INSTALL.resolve("node_modules/playwright-core/package.json");
        String pinned =
                new ObjectMapper()
                        .readTree(PACKAGE.toFile())
                        .path("dependencies")
                        .path("playwright-core")
                        .asText();
        if (Files.exists(installed)
                && pinned.equals(
                        new ObjectMapper().readTree(installed.toFile()).path("version").asText())) {
            return;
        }
        String npm = onPath("npm");
        assertThat(npm).as("npm, to install playwright-core " + pinned).isNotNull();
        Files.createDirectories(INSTALL);
        Files.copy(
                PACKAGE,
                INSTALL.resolve("package.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process p =
                new ProcessBuilder(npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
                        .directory(INSTALL.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(INSTALL.resolve("npm-install.log").toFile())
                        .start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("npm install within 5 minutes").isTrue();
        assertThat(p.exitValue()).as(Files.readString(INSTALL.resolve("npm-install.log"))).isZero();
    }

    private static String firstExisting(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank() && Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path f = Path.of(dir, name);
            if (Files.isExecutable(f)) {
                return f.toString();
            }
        }
        return null;
    }
}
