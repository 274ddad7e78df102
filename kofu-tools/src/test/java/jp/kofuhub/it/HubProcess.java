package jp.kofuhub.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One hub as a separate JVM running the packaged jar (kofu-hub/target/kofu-hub-exec.jar, built by
 * `package` before the *IT tests run), from the project root like `./kofu serve`. Its log goes to a
 * file the test can wait on. {@link #kill()} is SIGKILL: no shutdown hook, no transaction commit.
 */
public final class HubProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private HubProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a hub with the given environment (KOFU_* settings) and JVM system properties. */
    public static HubProcess start(
            Path work, String name, Map<String, String> env, List<String> jvmProps)
            throws IOException {
        String jar = System.getProperty("kofu.jar", "kofu-hub/target/kofu-hub-exec.jar");
        int port = freePort();
        Path log = work.resolve(name + ".log");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx512m",
                                "-Djava.awt.headless=true"));
        cmd.addAll(jvmProps);
        cmd.addAll(
                List.of(
                        "-jar",
                        jar,
                        "serve",
                        "--server.tomcat.basedir=" + work.resolve(name + "-tomcat"),
                        // tests run at any hour: opening hours are not checked (maintenance windows
                        // are)
                        "--kofu.calendar.ignore-hours=true"));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("KOFU_PORT", Integer.toString(port));
        return new HubProcess(pb.start(), log, port);
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the log has a line containing {@code text}. */
    public void awaitLog(String text, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            if (!process.isAlive() && !log().contains(text)) {
                                throw new IllegalStateException(
                                        "hub exited before logging '" + text + "':\n" + log());
                            }
                            return log().contains(text);
                        });
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Sends a signal with the system's {@code kill} (STOP freezes the JVM as a stuck VM or a
     * debugger would, CONT wakes it up; issue #22).
     */
    public void signal(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (p.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL, as a power cut or an OOM killer would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        // keep the hub's log beside the test reports for whoever reads a failure
        try {
            Path keep = Path.of("target", "failsafe-reports", "hub-" + log.getFileName());
            Files.createDirectories(keep.getParent());
            Files.copy(log, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // a missing log is not a test failure
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
        // the log guard reads the hub's whole log, shutdown included: a line with personal data
        // fails
        // the IT class that ran this hub (jp.kofuhub.support.LogGuardExtension)
        jp.kofuhub.support.LogGuard.checkFile(log, "hub process " + log.getFileName());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
