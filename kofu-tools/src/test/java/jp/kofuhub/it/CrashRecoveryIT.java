package jp.kofuhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.support.EmbeddedPostgres;
import jp.kofuhub.support.Http;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * kill -9 in the middle of a file: the packaged hub is killed while it applies a large FULL
 * snapshot, to PostgreSQL and to H2 in a file. The replica must be as before the file (nothing of
 * it committed), the file still in the inbox; after a restart it is applied exactly once.
 */
class CrashRecoveryIT {

    static final String CITY = "012343";

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aKilledSyncLeavesTheReplicaAsBeforeAndAppliesOnceAfterRestart(
            String database, @TempDir Path work) throws Exception {
        boolean pg = database.equals("postgres");
        // H2 in a file, as the default profile runs it; the test reads it only while no hub runs
        String url =
                pg
                        ? EmbeddedPostgres.jdbcUrl()
                        : "jdbc:h2:file:"
                                + work.resolve("replica/kofu")
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        String user = pg ? "postgres" : "sa";
        JdbcTemplate db = new JdbcTemplate(new DriverManagerDataSource(url, user, ""));
        if (pg) {
            // the PostgreSQL server outlives one parameter: start from an empty replica for this
            // city
            for (String t :
                    List.of(
                            "sync_file",
                            "sync_source_state",
                            "resident_history",
                            "card_serial",
                            "resident",
                            "household")) {
                try {
                    db.update("delete from " + t + " where municipality_code = ?", CITY);
                } catch (org.springframework.jdbc.BadSqlGrammarException notMigratedYet) {
                    break;
                }
            }
        }
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path staging = Files.createDirectories(work.resolve("staging"));
        CityGenerator.Result city =
                CityGenerator.generate(
                        staging,
                        CITY,
                        150_000,
                        11L,
                        StandardCharsets.UTF_8,
                        LocalDate.now(),
                        work.resolve("cards.csv"),
                        CityGenerator.DEFAULT_SEAL_FONT,
                        false);
        Path full = city.files().get(0);
        Map<String, String> env =
                new java.util.HashMap<>(
                        Map.of(
                                // dev: plain HTTP and plain messages (TLS and OpenPGP have their
                                // own tests)
                                "SPRING_PROFILES_ACTIVE",
                                pg ? "postgres,dev" : "dev",
                                "KOFU_KEYS_DIR",
                                jp.kofuhub.support.TestHub.KEYS.toString(),
                                "KOFU_DB_URL",
                                url,
                                "KOFU_DB_USER",
                                user,
                                "KOFU_DB_PASSWORD",
                                "",
                                "KOFU_DEMO",
                                "false",
                                "KOFU_SYNC_INBOX_URI",
                                "file:"
                                        + inbox
                                        + "?include=.*\\.kexp&sortBy=file:name&delete=true&delay=200",
                                "KOFU_QUARANTINE_DIR",
                                work.resolve("quarantine").toString(),
                                "KOFU_SYNC_MAX_AGE",
                                "P3650D",
                                // the crash test feeds plain .kexp files; OpenPGP on the inbox has
                                // its own tests
                                "KOFU_SYNC_PGP_REQUIRED",
                                "false"));
        // the singleton routes' lock folder of this test, not the project's data/cluster
        env.put("KOFU_CLUSTER_FILE_ROOT", work.resolve("cluster").toString());
        List<String> props = List.of("-Dkofu.sync.progress-ms=200");

        try (HubProcess first = HubProcess.start(work, database + "-first", env, props)) {
            first.awaitLog("Started KofuHub", Duration.ofSeconds(90));
            Files.move(full, inbox.resolve(full.getFileName()));
            first.awaitLog(" records/s, ETA ", Duration.ofSeconds(90));
            first.kill();
            assertThat(first.log()).doesNotContain("seq 1 FULL: APPLIED");
        }
        assertThat(
                        db.queryForObject(
                                "select count(*) from sync_file where municipality_code = ?",
                                Long.class,
                                CITY))
                .isZero();
        assertThat(
                        db.queryForObject(
                                "select count(*) from resident where municipality_code = ?",
                                Long.class,
                                CITY))
                .isZero();
        assertThat(inbox.resolve(full.getFileName())).exists();

        try (HubProcess second = HubProcess.start(work, database + "-second", env, props)) {
            second.awaitLog("seq 1 FULL: APPLIED", Duration.ofMinutes(5));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.exists(inbox.resolve(full.getFileName())));
            var r =
                    Http.post(
                            second.baseUrl() + "/api/v1/certificates",
                            "application/json",
                            Http.issueJson(CITY, city.showcaseSerial(), "JUMINHYO"));
            assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
            assertThat(second.log()).containsOnlyOnce("seq 1 FULL: APPLIED");
        }
        assertThat(
                        db.queryForObject(
                                "select count(*) from sync_file where municipality_code = ?",
                                Long.class,
                                CITY))
                .isEqualTo(1);
        assertThat(
                        db.queryForObject(
                                "select count(*) from resident where municipality_code = ? and source_sequence = 1",
                                Long.class,
                                CITY))
                .isEqualTo(city.residentCount());
    }
}
