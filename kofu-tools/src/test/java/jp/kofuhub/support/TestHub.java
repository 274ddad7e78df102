package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Chooses the database of a test hub and gives each database its own inbox and quarantine folders,
 * so the H2 and PostgreSQL contexts (both cached by Spring at once) never take each other's files.
 */
public abstract class TestHub implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    protected abstract String name();

    protected abstract Map<String, Object> datasource();

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        Path work = workDir(name());
        Map<String, Object> p = new HashMap<>(datasource());
        p.put("kofu.demo.enabled", "false");
        // tests issue at any hour of any day: opening hours and closed days are not checked in test
        // hubs (maintenance windows are: 990003), the calendar itself has its own tests
        p.put("kofu.calendar.ignore-hours", "true");
        // generated test data is dated today 09:00; freshness has its own test
        p.put("kofu.sync.max-age", "P3650D");
        p.put("kofu.test.inbox-dir", work.resolve("inbox").toString());
        p.put("kofu.sync.inbox-uri", "file:" + work.resolve("inbox")
                + "?include=.*\\.kexp&sortBy=file:name&delete=true&delay=100");
        p.put("kofu.sync.quarantine-dir", work.resolve("quarantine").toString());
        p.put("server.tomcat.basedir", work.resolve("tomcat").toString());
        p.put("kofu.municipalities.dir", work.resolve("municipalities").toString());
        // the koseki server simulator of the tests listens on this port (started and stopped by them)
        p.put("kofu.koseki.url", "http://localhost:" + KOSEKI_PORT + "/koseki/v1");
        p.put("kofu.koseki.timeout-ms", "1500");
        p.put("kofu.koseki.breaker-wait-seconds", "2");
        // export files of the scenario tests are plain .kexp; PgpSyncScenarios turns this on for itself
        p.put("kofu.sync.pgp.required", "false");
        // like the dev profile: plain HTTP and plain messages on every hop; the secure hub (SecureHub)
        // and the TLS and OpenPGP tests turn these on for themselves
        p.put("server.ssl.enabled", "false");
        p.put("kofu.issuance.pgp.required", "false");
        p.put("kofu.koseki.pgp", "false");
        p.put("kofu.settlement.pgp", "false");
        // every test certificate is signed (PAdES) with the hub key of a demo key set made once per run
        p.put("kofu.keys.dir", KEYS.toString());
        // settlement files of a test hub stay in its temporary folder, never in the project's data/
        p.put("kofu.settlement.outbox-uri", "file:" + work.resolve("settlement"));
        // the singleton routes' lock files (master:, FileLockClusterService): a folder per context, so two
        // contexts cached in one JVM never contend for one lock (the JVM holds a file lock once); the only
        // instance leads at once
        p.put("camel.cluster.file.root", clusterRoot(work).toString());
        p.put("camel.cluster.file.acquire-lock-delay", "100");
        ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-hub-" + name(), p));
    }

    private static final Map<String, Path> DIRS = new HashMap<>();

    private static Path clusterRoot(Path work) {
        try {
            return Files.createTempDirectory(work, "cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A demo key set (./kofu keys) for the whole test run, outside the project's data/. */
    public static final Path KEYS = demoKeys();

    private static Path demoKeys() {
        try {
            Path dir = Files.createTempDirectory("kofu-test-keys-");
            jp.kofuhub.demo.DemoKeys.generate(dir, jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD.toCharArray(), false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free port for the tests' koseki server simulator, the same for every test hub of the run. */
    public static final int KOSEKI_PORT = freePort();

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Path workDir(String name) {
        return DIRS.computeIfAbsent(name, n -> {
            try {
                Path d = Files.createTempDirectory("kofu-test-" + n + "-");
                Files.createDirectories(d.resolve("inbox"));
                Files.createDirectories(d.resolve("quarantine"));
                copyProfiles(d.resolve("municipalities"));
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The shipped municipality profiles plus the test-only ones of src/test/resources/municipalities
     * (a fictional 試験市 with every print setting on), with their seal images.
     */
    static void copyProfiles(Path to) throws IOException {
        for (Path from : new Path[] {Path.of("config/municipalities"), Path.of("src/test/resources/municipalities")}) {
            try (var files = Files.walk(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** In-memory H2 in PostgreSQL mode, as the default profile runs it (there: in a file). */
    public static class H2 extends TestHub {
        @Override
        protected String name() {
            return "h2";
        }

        @Override
        protected Map<String, Object> datasource() {
            return Map.of("spring.datasource.url", "jdbc:h2:mem:kofu-test;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "spring.datasource.username", "sa",
                    "spring.datasource.password", "");
        }
    }

    /** A real PostgreSQL 15 server, started once per test JVM. */
    public static class Postgres extends TestHub {
        @Override
        protected String name() {
            return "postgres";
        }

        @Override
        protected Map<String, Object> datasource() {
            return Map.of("spring.datasource.url", EmbeddedPostgres.jdbcUrl(),
                    "spring.datasource.username", "postgres", "spring.datasource.password", "");
        }
    }
}
