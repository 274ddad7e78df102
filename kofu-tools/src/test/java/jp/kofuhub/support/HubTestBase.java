package jp.kofuhub.support;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Boots the whole hub — Spring Boot, the Camel routes loaded from routes/ on disk, Flyway, FOP — on
 * a random port. A concrete test class picks its database with
 * {@code @ContextConfiguration(initializers = TestHub.H2.class)} or {@code TestHub.Postgres.class}.
 * Test classes use different municipalities, so they share one context per database without seeing
 * each other's rows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class HubTestBase {

    protected static final Duration SYNC_WAIT = Duration.ofSeconds(90);

    @LocalServerPort protected int port;

    @Autowired protected JdbcTemplate jdbc;

    protected Path inbox;
    protected Path quarantine;

    @Autowired
    void folders(
            @Value("${kofu.test.inbox-dir}") String inboxDir,
            @Value("${kofu.sync.quarantine-dir}") String quarantineDir) {
        this.inbox = Path.of(inboxDir);
        this.quarantine = Path.of(quarantineDir);
    }

    @Autowired private jp.kofuhub.keys.AtRestCipher atRest;

    /**
     * A quarantined file's content as received: the stored file decrypted (it is encrypted at
     * rest).
     */
    protected byte[] quarantinedContent(Path stored) throws java.io.IOException {
        try (java.io.InputStream in =
                atRest.decrypting(java.nio.file.Files.newInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    @Value("${server.ssl.enabled:false}")
    protected boolean tls;

    /** http://localhost:port, or https:// on a test hub with TLS on (SecureHub, CentreHub). */
    protected String baseUrl() {
        return (tls ? "https" : "http") + "://localhost:" + port;
    }

    protected long appliedFiles(String municipality) {
        Long n =
                jdbc.queryForObject(
                        "select count(*) from sync_file where municipality_code = ?",
                        Long.class,
                        municipality);
        return n == null ? 0 : n;
    }

    /**
     * Waits until {@code fileName} is quarantined and gone from the inbox; returns its reason file
     * ({@code <stored name>.reason.json}).
     */
    protected Path awaitReasonFile(String fileName) {
        Path[] found = new Path[1];
        org.awaitility.Awaitility.await()
                .atMost(SYNC_WAIT)
                .until(
                        () -> {
                            try (java.util.stream.Stream<Path> s =
                                    java.nio.file.Files.list(quarantine)) {
                                found[0] =
                                        s.filter(
                                                        p ->
                                                                p.getFileName()
                                                                                .toString()
                                                                                .startsWith(
                                                                                        fileName)
                                                                        && p.getFileName()
                                                                                .toString()
                                                                                .endsWith(
                                                                                        ".reason.json"))
                                                .findFirst()
                                                .orElse(null);
                            }
                            return found[0] != null;
                        });
        // the reason file is written by the route's error policy, the inbox file deleted by the
        // file consumer when the exchange completes, a moment later: wait for both (under load the
        // assertion right after the reason file failed, PgpSyncOnH2Test, 2026-12-06)
        org.awaitility.Awaitility.await()
                .atMost(SYNC_WAIT)
                .until(() -> !java.nio.file.Files.exists(inbox.resolve(fileName)));
        return found[0];
    }

    protected long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
