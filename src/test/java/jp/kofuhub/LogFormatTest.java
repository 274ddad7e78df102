package jp.kofuhub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.support.LogFormatProbe;
import org.junit.jupiter.api.Test;

/**
 * Issue #19: the hub's log lines are JSON (Elastic Common Schema, Spring Boot's structured logging)
 * with the {@code kubernetes} profile and plain text without it — read from the real {@code
 * config/application.yaml}. Each case runs {@link LogFormatProbe} in a JVM of its own (the logging
 * system is set up once per JVM), on the test class path without the test classes (their
 * logback-test.xml would win over the structured format) but with the probe's class.
 */
class LogFormatTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theKubernetesProfileLogsEcsJsonLines() throws Exception {
        String line = probeLine("kubernetes");
        JsonNode n = json.readTree(line);
        assertThat(n.path("message").asText()).isEqualTo(LogFormatProbe.MESSAGE);
        assertThat(n.path("log").path("level").asText()).isEqualTo("INFO");
        assertThat(n.path("log").path("logger").asText()).isEqualTo(LogFormatProbe.class.getName());
        assertThat(n.path("ecs").path("version").asText()).isNotBlank();
        assertThat(n.path("@timestamp").asText()).isNotBlank();
    }

    @Test
    void aDeveloperReadsPlainText() throws Exception {
        String line = probeLine("dev");
        assertThat(line).doesNotStartWith("{").contains(" INFO ").endsWith(LogFormatProbe.MESSAGE);
    }

    /** The test class path without the test classes, plus a folder with the probe alone. */
    private static String classPath() throws Exception {
        Path testClasses =
                Path.of(
                        LogFormatProbe.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        String name = LogFormatProbe.class.getName().replace('.', '/') + ".class";
        Path probe = Files.createDirectories(Path.of("kofu-hub", "target", "log-format-probe"));
        Files.createDirectories(probe.resolve(name).getParent());
        Files.copy(
                testClasses.resolve(name),
                probe.resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String all =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        entries.add(probe.toAbsolutePath().toString());
        for (String e : all.split(File.pathSeparator)) {
            if (!e.isBlank() && !Path.of(e).toAbsolutePath().equals(testClasses.toAbsolutePath())) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The probe's line, from a JVM of its own with {@code profile} active. */
    private static String probeLine(String profile) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(LogFormatProbe.class.getName());
        cmd.add(profile);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines()
                .filter(l -> l.contains(LogFormatProbe.MESSAGE))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no probe line in:\n" + out))
                .strip();
    }
}
