package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The one initializer of the whole-hub tests: a {@link Spec} — a name (its own inbox, quarantine,
 * settlement, Tomcat and profile folders under a temporary directory), a database, and the
 * properties and set-up steps of the variant — turned into one property source in front of the
 * hub's own configuration. A variant is a class with a no-argument constructor that passes its
 * spec, because Spring's test context cache keys on the initializer's class: test classes naming
 * the same class share one context, and a variant that needs other properties is another class,
 * hence another context.
 *
 * <pre>
 * public class SecureHub extends TestHub {
 *     public SecureHub() { super(hub("h2-tls").ownH2("kofu-test-tls").with("server.ssl.enabled", "true")); }
 * }
 * </pre>
 *
 * {@link H2} and {@link Postgres} are the shared hubs most classes use; give a variant its own
 * database ({@link Spec#ownH2}, {@link Spec#postgres(String)}) when its rows must not meet theirs.
 */
public class TestHub implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** What a set-up step sees: the hub's work folder and the properties set so far. */
    public record Work(Path dir, Map<String, Object> properties) {

        public Path inbox() {
            return dir.resolve("inbox");
        }

        /**
         * The municipality profiles folder of this hub (its own copy unless the spec points
         * elsewhere).
         */
        public Path profiles() {
            return Path.of(String.valueOf(properties.get("kofu.municipalities.dir")));
        }

        /**
         * Copies profile {@code file} ({@code <団体コード>-<name>.yaml}) of the profiles folder under
         * another 団体コード, as {@code <code>-<suffix>.yaml}.
         */
        public void copyProfile(String file, String code, String suffix) {
            try {
                String yaml = Files.readString(profiles().resolve(file), StandardCharsets.UTF_8);
                String from = file.substring(0, 6);
                Files.writeString(
                        profiles().resolve(code + "-" + suffix + ".yaml"),
                        yaml.replace("code: \"" + from + "\"", "code: \"" + code + "\""),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A variant of the test hub; immutable, each method returns a new spec. */
    public record Spec(
            String name,
            Supplier<Map<String, Object>> datasource,
            List<Function<Work, Map<String, Object>>> steps) {

        /** The same variant under another name: its own folders. */
        public Spec named(String other) {
            return new Spec(other, datasource, steps);
        }

        /** An in-memory H2 database of its own, {@code jdbc:h2:mem:<db>}. */
        public Spec ownH2(String db) {
            return new Spec(
                    name, () -> h2Url("mem:" + db + ";" + H2_MODE + ";DB_CLOSE_DELAY=-1"), steps);
        }

        /** H2 in a file, as the default profile runs it. */
        public Spec h2File(Path file) {
            return new Spec(name, () -> h2Url("file:" + file + ";" + H2_MODE), steps);
        }

        /** The tests' embedded PostgreSQL 15, its shared database. */
        public Spec postgres() {
            return new Spec(name, () -> postgresUrl(EmbeddedPostgres.jdbcUrl()), steps);
        }

        /** A database of its own on the tests' embedded PostgreSQL 15, made on first use. */
        public Spec postgres(String database) {
            return new Spec(name, () -> postgresUrl(EmbeddedPostgres.jdbcUrl(database)), steps);
        }

        public Spec with(String key, Object value) {
            return with(w -> Map.of(key, value));
        }

        public Spec with(Map<String, Object> properties) {
            return with(w -> properties);
        }

        /**
         * A set-up step: files it prepares in the work folder, and the properties it sets (last one
         * wins).
         */
        public Spec with(Function<Work, Map<String, Object>> step) {
            List<Function<Work, Map<String, Object>>> all = new ArrayList<>(steps);
            all.add(step);
            return new Spec(name, datasource, List.copyOf(all));
        }
    }

    private static final String H2_MODE =
            "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    private static Map<String, Object> h2Url(String url) {
        return Map.of(
                "spring.datasource.url",
                "jdbc:h2:" + url,
                "spring.datasource.username",
                "sa",
                "spring.datasource.password",
                "");
    }

    private static Map<String, Object> postgresUrl(String url) {
        return Map.of(
                "spring.datasource.url",
                url,
                "spring.datasource.username",
                "postgres",
                "spring.datasource.password",
                "");
    }

    /**
     * A test hub named {@code name} (its folders) on the shared in-memory H2 database, no extra
     * properties.
     */
    public static Spec hub(String name) {
        return new Spec(
                name, () -> h2Url("mem:kofu-test;" + H2_MODE + ";DB_CLOSE_DELAY=-1"), List.of());
    }

    private final Spec spec;

    public TestHub(Spec spec) {
        this.spec = spec;
    }

    /** This hub's name: the key of its work folder. */
    public String name() {
        return spec.name();
    }

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        Path work = workDir(name());
        Map<String, Object> p = new HashMap<>(spec.datasource().get());
        p.put("kofu.demo.enabled", "false");
        // tests issue at any hour of any day: opening hours and closed days are not checked in test
        // hubs (maintenance windows are: 990003), the calendar itself has its own tests
        p.put("kofu.calendar.ignore-hours", "true");
        // generated test data is dated today 09:00; freshness has its own test
        p.put("kofu.sync.max-age", "P3650D");
        p.put("kofu.test.inbox-dir", work.resolve("inbox").toString());
        p.put(
                "kofu.sync.inbox-uri",
                "file:"
                        + work.resolve("inbox")
                        // sealed files too (the demo city's heartbeat writes them:
                        // DemoReadyOnH2Test);
                        // with kofu.sync.pgp.required off a hub takes both forms
                        + "?include=.*\\.kexp(\\.pgp)?&sortBy=file:name&delete=true&delay=100");
        p.put("kofu.sync.quarantine-dir", work.resolve("quarantine").toString());
        p.put("server.tomcat.basedir", work.resolve("tomcat").toString());
        p.put("kofu.municipalities.dir", work.resolve("municipalities").toString());
        // the koseki server simulator of the tests listens on this port (started and stopped by
        // them)
        p.put("kofu.koseki.url", "http://localhost:" + KOSEKI_PORT + "/koseki/v1");
        p.put("kofu.koseki.timeout-ms", "1500");
        p.put("kofu.koseki.breaker-wait-seconds", "2");
        // export files of the scenario tests are plain .kexp; PgpSyncScenarios turns this on for
        // itself
        p.put("kofu.sync.pgp.required", "false");
        // like the dev profile: plain HTTP and plain messages on every hop; the secure hub
        // (SecureHub)
        // and the TLS and OpenPGP tests turn these on for themselves
        p.put("server.ssl.enabled", "false");
        p.put("kofu.issuance.pgp.required", "false");
        p.put("kofu.koseki.pgp", "false");
        p.put("kofu.settlement.pgp", "false");
        // every test certificate is signed (PAdES) with the hub key of a demo key set made once per
        // run
        p.put("kofu.keys.dir", KEYS.toString());
        // settlement files of a test hub stay in its temporary folder, never in the project's data/
        p.put("kofu.settlement.outbox-uri", "file:" + work.resolve("settlement"));
        // the singleton routes' lock files (master:, FileLockClusterService): a folder per context,
        // so two
        // contexts cached in one JVM never contend for one lock (the JVM holds a file lock once);
        // the only
        // instance leads at once
        p.put("camel.cluster.file.root", clusterRoot(work).toString());
        p.put("camel.cluster.file.acquire-lock-delay", "100");
        for (Function<Work, Map<String, Object>> step : spec.steps()) {
            p.putAll(step.apply(new Work(work, Map.copyOf(p))));
        }
        ctx.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource("test-hub-" + name(), p));
    }

    private static final Map<String, Path> DIRS = new HashMap<>();

    private static Path clusterRoot(Path work) {
        try {
            return Files.createTempDirectory(work, "cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test city whose profile has the printout code on (issue #21). */
    public static final String PRINTOUT_CITY = "990110";

    /** A demo key set (./kofu keys) for the whole test run, outside the project's data/. */
    public static final Path KEYS = demoKeys();

    private static Path demoKeys() {
        try {
            Path dir = Files.createTempDirectory("kofu-test-keys-");
            jp.kofuhub.demo.DemoKeys.generate(
                    dir, jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD.toCharArray(), false);
            // the printout key of the test city with the printout code on (990110, issue #21)
            jp.kofuhub.demo.DemoKeys.printoutKeys(
                    dir,
                    jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD.toCharArray(),
                    java.time.Instant.now().minus(java.time.Duration.ofHours(1)),
                    PRINTOUT_CITY);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port for the tests' koseki server simulator, the same for every test hub of the run.
     */
    public static final int KOSEKI_PORT = freePort();

    /**
     * The ports of the own koseki servers of the two 戸籍 cities 990071 and 990072 (their profiles'
     * {@code koseki.url}, issue #24).
     */
    public static final int KOSEKI_PORT_A = freePort(), KOSEKI_PORT_B = freePort();

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Path workDir(String name) {
        return DIRS.computeIfAbsent(
                name,
                n -> {
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
     * The shipped municipality profiles plus the test-only ones of
     * src/test/resources/municipalities (a fictional 試験市 with every print setting on), with their
     * seal images.
     */
    static void copyProfiles(Path to) throws IOException {
        for (Path from :
                new Path[] {
                    Path.of("config/municipalities"), Path.of("src/test/resources/municipalities")
                }) {
            try (var files = Files.walk(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    if (target.toString().endsWith(".yaml")) {
                        String yaml = Files.readString(target, StandardCharsets.UTF_8);
                        Files.writeString(
                                target,
                                yaml.replace("{{test.koseki-port-a}}", "" + KOSEKI_PORT_A)
                                        .replace("{{test.koseki-port-b}}", "" + KOSEKI_PORT_B),
                                StandardCharsets.UTF_8);
                    }
                }
            }
        }
    }

    /**
     * The shared in-memory H2 in PostgreSQL mode, as the default profile runs it (there: in a
     * file).
     */
    public static class H2 extends TestHub {
        public H2() {
            super(hub("h2"));
        }
    }

    /** The shared real PostgreSQL 15 server, started once per test JVM. */
    public static class Postgres extends TestHub {
        public Postgres() {
            super(hub("postgres").postgres());
        }
    }
}
