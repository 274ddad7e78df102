package jp.kofuhub.history;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.EmbeddedPostgres;
import jp.kofuhub.support.HubInstances;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19: the backup procedure of docs/operations.md ("Back up and restore") on PostgreSQL. A
 * hub syncs two files and writes history rows (a suspend and a resume in every chain); the running
 * database is dumped with {@code pg_dump -Fc}, restored with {@code pg_restore} into a fresh
 * database, and a hub started on the copy finds every history chain intact (same rows, same heads)
 * and applies the registry's next file (sequence 3) as the next one — no file is applied twice,
 * none is skipped. Uses the PostgreSQL client tools ({@code pg_dump}, {@code pg_restore}; Debian's
 * postgresql-client): missing, the test fails under CI and is skipped elsewhere.
 */
class BackupRestoreOnPostgresTest {

    static final String CITY = "990004";
    static final String HEAD = atena(9801);
    static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aDumpRestoredIntoAFreshDatabaseKeepsEveryChainAndTheSyncGoesOn() throws Exception {
        String pgDump = tool("pg_dump");
        String pgRestore = tool("pg_restore");
        Path dump = Files.createTempFile("kofu-backup-", ".dump");
        List<Map<String, Object>> heads;
        long rows;
        try (HubInstances source = new HubInstances("kofu_backup_src", Map.of(), "a")) {
            HubInstances.Hub a = source.get(0);
            JdbcTemplate jdbc = a.bean(JdbcTemplate.class);
            file(a.inbox(), 1, Kind.FULL);
            file(a.inbox(), 2, Kind.DELTA);
            await().atMost(WAIT).until(() -> applied(jdbc) == 2);
            CouplingSwitch coupling = a.bean(CouplingSwitch.class);
            coupling.suspend("backup-drill", "before the backup");
            coupling.resume("backup-drill", "after the backup");
            rows = count(jdbc, "select count(*) from issuance_history");
            assertThat(rows).isPositive();
            heads = heads(jdbc);
            // the backup of a running hub: pg_dump reads one consistent snapshot
            run(
                    pgDump,
                    "-Fc",
                    "-h",
                    "localhost",
                    "-p",
                    port(),
                    "-U",
                    "postgres",
                    "-d",
                    "kofu_backup_src",
                    "-f",
                    dump.toString());
        }
        assertThat(Files.size(dump)).isPositive();

        EmbeddedPostgres.jdbcUrl("kofu_backup_dst"); // a fresh, empty database
        run(
                pgRestore,
                "--no-owner",
                "--exit-on-error",
                "-h",
                "localhost",
                "-p",
                port(),
                "-U",
                "postgres",
                "-d",
                "kofu_backup_dst",
                dump.toString());
        Files.delete(dump);

        try (HubInstances restored = new HubInstances("kofu_backup_dst", Map.of(), "b")) {
            HubInstances.Hub b = restored.get(0);
            JdbcTemplate jdbc = b.bean(JdbcTemplate.class);
            List<IssuanceHistory.VerifyResult> chains = b.bean(IssuanceHistory.class).verifyAll();
            assertThat(chains).isNotEmpty();
            assertThat(chains).allSatisfy(v -> assertThat(v.ok()).as(v.toString()).isTrue());
            assertThat(count(jdbc, "select count(*) from issuance_history")).isEqualTo(rows);
            assertThat(heads(jdbc)).isEqualTo(heads);
            // the registry's next file is the next one here too
            assertThat(lastSequence(jdbc)).isEqualTo(2);
            file(b.inbox(), 3, Kind.DELTA);
            await().atMost(WAIT).until(() -> applied(jdbc) == 3);
            assertThat(lastSequence(jdbc)).isEqualTo(3);
        }
    }

    private static void file(Path inbox, long seq, Kind kind) throws Exception {
        Object[][] records =
                kind == Kind.FULL
                        ? new Object[][] {
                            rec(RecordType.H, household("1", HEAD, "北海道交付市控町一丁目1番地")),
                            rec(
                                    RecordType.R,
                                    resident(
                                            HEAD,
                                            1,
                                            "1",
                                            "控",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 4, 1),
                                            "RESIDENT")),
                            rec(RecordType.C, card("BK00000000000001", HEAD))
                        }
                        : new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            HEAD,
                                            (int) seq,
                                            "1",
                                            "控",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 4, 1),
                                            "RESIDENT"))
                        };
        TestRecords.write(inbox, CITY, "JUKI", seq, kind, records);
    }

    private static long applied(JdbcTemplate jdbc) {
        return count(
                jdbc, "select count(*) from sync_file where municipality_code = '" + CITY + "'");
    }

    private static long lastSequence(JdbcTemplate jdbc) {
        return count(
                jdbc,
                "select last_sequence from sync_source_state where municipality_code = '"
                        + CITY
                        + "' and source_system = 'JUKI'");
    }

    private static List<Map<String, Object>> heads(JdbcTemplate jdbc) {
        return jdbc.queryForList(
                "select municipality_code, seq, row_hash from issuance_history_head order by 1");
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    private static String port() {
        Matcher m = Pattern.compile("//[^:/]+:(\\d+)/").matcher(EmbeddedPostgres.jdbcUrl());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static void run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", "");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    /** The client tool on PATH; missing: a failure under CI, else the test is skipped. */
    private static String tool(String name) {
        List<String> dirs =
                new ArrayList<>(
                        List.of(
                                System.getenv()
                                        .getOrDefault("PATH", "")
                                        .split(File.pathSeparator)));
        dirs.add("/usr/lib/postgresql/15/bin");
        for (String d : dirs) {
            Path f = Path.of(d, name);
            if (Files.isExecutable(f)) {
                return f.toString();
            }
        }
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
        assertThat(ci)
                .as(name + " (Debian package postgresql-client) is missing under CI")
                .isFalse();
        Assumptions.assumeTrue(false, "no " + name + " (apt-get install postgresql-client)");
        return null;
    }
}
