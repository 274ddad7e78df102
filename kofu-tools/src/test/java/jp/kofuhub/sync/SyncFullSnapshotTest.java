package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.EmbeddedPostgres;
import jp.kofuhub.support.TestRecords;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The FULL snapshot's bulk path (COPY on PostgreSQL, JDBC batches on H2) against {@link
 * RegistrySync} directly, each database in a database of its own: values arrive exactly, a FULL
 * keeps history rows already stored, and a bad record far into a large file (many COPY chunks and
 * batches) rolls the whole file back and leaves the connection fit for the next file.
 */
class SyncFullSnapshotTest {

    @TempDir static Path dir;

    private record Env(HikariDataSource ds, JdbcTemplate jdbc, RegistrySync sync) {}

    private static final Map<String, Env> ENVS = new HashMap<>();

    private static synchronized Env env(String db) {
        return ENVS.computeIfAbsent(
                db,
                d -> {
                    String url =
                            d.equals("h2")
                                    ? "jdbc:h2:mem:kofu-full-snapshot;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
                                    : postgresDatabase("kofu_full_snapshot");
                    HikariConfig cfg = new HikariConfig();
                    cfg.setJdbcUrl(url);
                    cfg.setUsername(d.equals("h2") ? "sa" : "postgres");
                    cfg.setPassword("");
                    cfg.setMaximumPoolSize(3);
                    HikariDataSource ds = new HikariDataSource(cfg);
                    Flyway.configure()
                            .dataSource(ds)
                            .locations("classpath:db/migration")
                            .load()
                            .migrate();
                    JdbcTemplate jdbc = new JdbcTemplate(ds);
                    TransactionTemplate tx =
                            new TransactionTemplate(new DataSourceTransactionManager(ds));
                    RegistrySync sync =
                            new RegistrySync(
                                    jdbc,
                                    tx,
                                    new MunicipalityRegistry(Path.of("config/municipalities")),
                                    Set.of("JUKI", "INKAN"));
                    return new Env(ds, jdbc, sync);
                });
    }

    /** A database of this test's own in the shared embedded server. */
    private static String postgresDatabase(String name) {
        String url = EmbeddedPostgres.jdbcUrl();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name);
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url.replace("/postgres?", "/" + name + "?");
    }

    @AfterAll
    static void closeAll() {
        ENVS.values().forEach(e -> e.ds().close());
        ENVS.clear();
    }

    private static RegistrySync.Outcome apply(
            Env env, String city, String source, long seq, Kind kind, Object[][] records)
            throws IOException {
        Path file =
                TestRecords.write(
                        dir,
                        city,
                        source,
                        seq,
                        kind,
                        StandardCharsets.UTF_8,
                        java.time.OffsetDateTime.parse("2026-11-25T09:00:00+09:00")
                                .plusMinutes(seq),
                        records);
        try (InputStream in = Files.newInputStream(file)) {
            return env.sync().apply(in, file.getFileName().toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long count(Env env, String sql, Object... args) {
        Long n = env.jdbc().queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void valuesArriveExactly(String db) throws IOException {
        Env env = env(db);
        String city = "012343";
        String a1 = atena(5001);
        String a2 = atena(5002);
        String katagaki = "コーポ〜北広島２−１０１ \\N back\\slash 𠮷";
        String[] h = household("500", a1, "北海道北広島市中央１丁目");
        h[RecordType.H.col("katagaki")] = katagaki;
        h[RecordType.H.col("household_block")] = "1";
        String[] r1 =
                resident(a1, 3, "500", "𠮷田", "髙﨑", "世帯主", LocalDate.of(1980, 4, 1), "RESIDENT");
        TestRecords.set(r1, "change_reason", "転入");
        TestRecords.set(r1, "change_date", "5010501");
        String[] r2 =
                resident(
                        a2,
                        1,
                        "500",
                        "吉田",
                        "花子",
                        "妻",
                        LocalDate.of(1926, 12, 25),
                        "MOVE_OUT_PLANNED");
        TestRecords.set(r2, "kana_confirmed", "");
        byte[] png = {
            (byte) 0x89,
            'P',
            'N',
            'G',
            0x0d,
            0x0a,
            0x1a,
            0x0a,
            0x00,
            '\\',
            (byte) 0xff,
            'x',
            0x09,
            0x0a
        };
        assertThat(
                        apply(
                                env,
                                city,
                                "JUKI",
                                1,
                                Kind.FULL,
                                new Object[][] {
                                    rec(RecordType.H, h),
                                    rec(RecordType.R, r1),
                                    rec(RecordType.R, r2),
                                    rec(RecordType.C, card("NB00000000000001", a1))
                                }))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        assertThat(
                        apply(
                                env,
                                city,
                                "INKAN",
                                1,
                                Kind.FULL,
                                new Object[][] {
                                    rec(
                                            RecordType.S,
                                            TestRecords.seal(
                                                    "NB-1",
                                                    a1,
                                                    "VALID",
                                                    LocalDate.of(2020, 1, 10),
                                                    null,
                                                    Base64.getEncoder().encodeToString(png)))
                                }))
                .isEqualTo(RegistrySync.Outcome.APPLIED);

        JdbcTemplate jdbc = env.jdbc();
        assertThat(
                        jdbc.queryForObject(
                                "select katagaki from household where municipality_code = ? and household_no = '500'",
                                String.class,
                                city))
                .isEqualTo(katagaki);
        assertThat(
                        jdbc.queryForObject(
                                "select household_block from household where municipality_code = ?",
                                Boolean.class,
                                city))
                .isTrue();
        assertThat(
                        jdbc.queryForObject(
                                "select postal_code from household where municipality_code = ?",
                                String.class,
                                city))
                .isEqualTo("061-1100");
        Map<String, Object> p =
                jdbc.queryForMap(
                        "select * from resident where municipality_code = ? and atena_no = ?",
                        city,
                        a1);
        assertThat(p.get("family_name")).isEqualTo("𠮷田");
        assertThat(p.get("given_name")).isEqualTo("髙﨑");
        assertThat(p.get("history_no")).isEqualTo(3);
        assertThat(p.get("birth_date").toString()).isEqualTo("1980-04-01");
        assertThat(p.get("change_date").toString()).isEqualTo("2019-05-01");
        assertThat(p.get("kana_confirmed")).isEqualTo(true);
        assertThat(p.get("kyu_uji")).isNull();
        assertThat(p.get("residence_period_end")).isNull();
        assertThat(p.get("source_sequence")).isEqualTo(1L);
        Map<String, Object> q =
                jdbc.queryForMap(
                        "select * from resident where municipality_code = ? and atena_no = ?",
                        city,
                        a2);
        assertThat(q.get("birth_date").toString()).isEqualTo("1926-12-25");
        assertThat(q.get("kana_confirmed")).isEqualTo(false);
        assertThat(q.get("status")).isEqualTo("MOVE_OUT_PLANNED");
        Map<String, Object> hist =
                jdbc.queryForMap(
                        "select * from resident_history where municipality_code = ? and atena_no = ?",
                        city,
                        a1);
        assertThat(hist.get("history_no")).isEqualTo(3);
        assertThat(hist.get("change_reason")).isEqualTo("転入");
        assertThat(hist.get("household_no")).isEqualTo("500");
        assertThat(
                        jdbc.queryForObject(
                                "select seal_image from seal_registration where municipality_code = ?",
                                byte[].class,
                                city))
                .isEqualTo(png);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFullKeepsStoredHistoryAndAddsNewSnapshots(String db) throws IOException {
        Env env = env(db);
        String city = "012173";
        String a1 = atena(6001);
        String a2 = atena(6002);
        apply(
                env,
                city,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("600", a1, "江別")),
                    rec(
                            RecordType.R,
                            TestRecords.set(
                                    resident(
                                            a1,
                                            1,
                                            "600",
                                            "江別",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 5, 5),
                                            "RESIDENT"),
                                    "change_reason",
                                    "出生")),
                    rec(
                            RecordType.R,
                            resident(
                                    a2,
                                    1,
                                    "600",
                                    "江別",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 6, 6),
                                    "RESIDENT"))
                });
        // the second FULL re-sends a1's snapshot 1 (different reason: the stored row stays) and
        // a2's snapshot 2
        apply(
                env,
                city,
                "JUKI",
                2,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("600", a1, "江別")),
                    rec(
                            RecordType.R,
                            TestRecords.set(
                                    resident(
                                            a1,
                                            1,
                                            "600",
                                            "江別",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 5, 5),
                                            "RESIDENT"),
                                    "change_reason",
                                    "転入")),
                    rec(
                            RecordType.R,
                            resident(
                                    a2,
                                    2,
                                    "600",
                                    "江別",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 6, 6),
                                    "REMOVED"))
                });
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ?",
                                city))
                .isEqualTo(3);
        assertThat(
                        env.jdbc()
                                .queryForObject(
                                        "select change_reason from resident_history where municipality_code = ?"
                                                + " and atena_no = ? and history_no = 1",
                                        String.class,
                                        city,
                                        a1))
                .isEqualTo("出生");
        assertThat(
                        env.jdbc()
                                .queryForObject(
                                        "select source_sequence from resident_history where municipality_code = ?"
                                                + " and atena_no = ? and history_no = 2",
                                        Long.class,
                                        city,
                                        a2))
                .isEqualTo(2L);
        assertThat(
                        env.jdbc()
                                .queryForObject(
                                        "select history_no from resident where municipality_code = ? and atena_no = ?",
                                        Integer.class,
                                        city,
                                        a2))
                .isEqualTo(2);
        assertThat(count(env, "select count(*) from resident where municipality_code = ?", city))
                .isEqualTo(2);
    }

    /**
     * The monthly FULL over a loaded replica (issue #20 item 4): on PostgreSQL it is applied as the
     * difference (CopySink), which must leave exactly the file's rows — changed ones rewritten,
     * missing ones gone, new ones added — and leaves the rows it did not change alone (their
     * source_sequence stays that of the file that last changed them; H2 rewrites every row).
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFullOverALoadedReplicaLeavesExactlyTheFilesRows(String db) throws IOException {
        Env env = env(db);
        String city = "011002";
        int base = 300_000;
        assertThat(apply(env, city, "JUKI", 1, Kind.FULL, bigFull(base, 4)))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        // the second: #0 and #3 as they were, #1 renamed, #2 gone, #4 new
        List<Object[]> second = new ArrayList<>();
        for (int i : new int[] {0, 1, 3, 4}) {
            second.addAll(oneHousehold(base, i, i == 1 ? "改名" : "太郎" + i));
        }
        assertThat(apply(env, city, "JUKI", 2, Kind.FULL, second.toArray(new Object[0][])))
                .isEqualTo(RegistrySync.Outcome.APPLIED);

        assertThat(givenNames(env, city)).containsExactly("太郎0", "改名", "太郎3", "太郎4");
        for (String table : new String[] {"household", "card_serial"}) {
            assertThat(
                            count(
                                    env,
                                    "select count(*) from "
                                            + table
                                            + " where municipality_code = ?",
                                    city))
                    .as(table)
                    .isEqualTo(4);
        }
        assertThat(
                        count(
                                env,
                                "select count(*) from card_serial where municipality_code = ? and serial = ?",
                                city,
                                String.format("CT%014d", base + 2)))
                .isZero();
        String sequenceOf =
                "select source_sequence from resident where municipality_code = ? and atena_no = ?";
        long unchangedKeeps = db.equals("postgres") ? 1 : 2;
        assertThat(count(env, sequenceOf, city, atena(base))).isEqualTo(unchangedKeeps);
        assertThat(count(env, sequenceOf, city, atena(base + 1))).isEqualTo(2);
        assertThat(
                        count(
                                env,
                                "select source_sequence from household where municipality_code = ? and household_no = ?",
                                city,
                                Integer.toString(base + 4)))
                .isEqualTo(2);

        // a key twice, once as stored and once changed: refused whole, as a key twice always was
        List<Object[]> twice = new ArrayList<>(second);
        twice.add(
                rec(
                        RecordType.R,
                        resident(
                                atena(base),
                                1,
                                Integer.toString(base),
                                "千歳",
                                "二重",
                                "世帯主",
                                LocalDate.of(1960, 1, 1),
                                "RESIDENT")));
        Object[][] withTwice = twice.toArray(new Object[0][]);
        assertThatThrownBy(() -> apply(env, city, "JUKI", 3, Kind.FULL, withTwice))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("DUPLICATE_KEY"));
        assertThat(givenNames(env, city)).containsExactly("太郎0", "改名", "太郎3", "太郎4");
    }

    /**
     * A FULL of {@code n} households with one resident and one card each, plus {@code extra}
     * records at the end.
     */
    private static Object[][] bigFull(int base, int n, Object[]... extra) {
        List<Object[]> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.addAll(oneHousehold(base, i, "太郎" + i));
        }
        records.addAll(List.of(extra));
        return records.toArray(new Object[0][]);
    }

    private static List<String> givenNames(Env env, String city) {
        return env.jdbc()
                .queryForList(
                        "select given_name from resident where municipality_code = ? order by atena_no",
                        String.class,
                        city);
    }

    /** Household {@code base + i}: its H record, its one resident (given name) and card. */
    private static List<Object[]> oneHousehold(int base, int i, String givenName) {
        String a = atena(base + i);
        String hh = Integer.toString(base + i);
        return List.of(
                rec(RecordType.H, household(hh, a, "北海道千歳市千代田町" + i + "番地")),
                rec(
                        RecordType.R,
                        resident(
                                a,
                                1,
                                hh,
                                "千歳",
                                givenName,
                                "世帯主",
                                LocalDate.of(1960, 1, 1).plusDays(i % 9000),
                                "RESIDENT")),
                rec(RecordType.C, card(String.format("CT%014d", base + i), a)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aDuplicateKeyFarIntoALargeFullRollsBackEverything(String db) throws IOException {
        Env env = env(db);
        String city = "012246";
        apply(env, city, "JUKI", 1, Kind.FULL, bigFull(100_000, 10, new Object[0][]));
        int n = 12_000;
        Object[][] bad =
                bigFull(
                        200_000,
                        n,
                        rec(
                                RecordType.R,
                                resident(
                                        atena(200_000 + n - 1),
                                        2,
                                        Integer.toString(200_000 + n - 1),
                                        "千歳",
                                        "再",
                                        "世帯主",
                                        LocalDate.of(1960, 1, 1),
                                        "RESIDENT")));
        assertThatThrownBy(() -> apply(env, city, "JUKI", 2, Kind.FULL, bad))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("DUPLICATE_KEY"));
        assertThat(count(env, "select count(*) from resident where municipality_code = ?", city))
                .isEqualTo(10);
        assertThat(count(env, "select count(*) from household where municipality_code = ?", city))
                .isEqualTo(10);
        assertThat(count(env, "select count(*) from card_serial where municipality_code = ?", city))
                .isEqualTo(10);
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ?",
                                city))
                .isEqualTo(10);
        assertThat(
                        count(
                                env,
                                "select last_sequence from sync_source_state where municipality_code = ?",
                                city))
                .isEqualTo(1);
        // the pool's connections are fine: the same sequence, corrected, applies whole
        assertThat(apply(env, city, "JUKI", 2, Kind.FULL, bigFull(200_000, n)))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        assertThat(count(env, "select count(*) from resident where municipality_code = ?", city))
                .isEqualTo(n);
        assertThat(count(env, "select count(*) from card_serial where municipality_code = ?", city))
                .isEqualTo(n);
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ?",
                                city))
                .isEqualTo(10 + n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aValueTooLongOrARecordErrorRollsBackAFull(String db) throws IOException {
        Env env = env(db);
        String city = "012319";
        apply(env, city, "JUKI", 1, Kind.FULL, bigFull(300_000, 5));
        String[] tooLong = household("399999", atena(399_999), "長".repeat(401));
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.FULL,
                                        bigFull(310_000, 3000, rec(RecordType.H, tooLong))))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("BAD_RECORD"));
        String[] badDate =
                TestRecords.set(
                        resident(
                                atena(399_998),
                                1,
                                "310000",
                                "恵庭",
                                "次郎",
                                "子",
                                LocalDate.of(2000, 1, 1),
                                "RESIDENT"),
                        "change_date",
                        "4320101");
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.FULL,
                                        bigFull(310_000, 3000, rec(RecordType.R, badDate))))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo("BAD_DATE");
                            assertThat(e.detail()).contains("line 9001").contains("change_date");
                        });
        String[] noHousehold =
                resident(
                        atena(399_997),
                        1,
                        "999999",
                        "恵庭",
                        "三郎",
                        "子",
                        LocalDate.of(2000, 1, 1),
                        "RESIDENT");
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.FULL,
                                        bigFull(310_000, 3000, rec(RecordType.R, noHousehold))))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("DANGLING_REFERENCE"));
        assertThat(count(env, "select count(*) from resident where municipality_code = ?", city))
                .isEqualTo(5);
        assertThat(count(env, "select count(*) from household where municipality_code = ?", city))
                .isEqualTo(5);
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ?",
                                city))
                .isEqualTo(5);
        assertThat(apply(env, city, "JUKI", 2, Kind.FULL, bigFull(310_000, 3000)))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
    }

    /**
     * A DELTA's reference checks look at the keys it wrote (not a scan of the municipality) and
     * still catch each case.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aDeltaChecksTheReferencesOfTheRowsItWrote(String db) throws IOException {
        Env env = env(db);
        String city = "012351";
        apply(env, city, "JUKI", 1, Kind.FULL, bigFull(400_000, 20));
        String a = atena(400_003);
        String[] intoNowhere =
                resident(a, 2, "499999", "千歳", "太郎3", "世帯主", LocalDate.of(1960, 1, 1), "RESIDENT");
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.DELTA,
                                        new Object[][] {rec(RecordType.R, intoNowhere)}))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo("DANGLING_REFERENCE");
                            assertThat(e.detail()).startsWith("1 resident(s)");
                        });
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.DELTA,
                                        new Object[][] {
                                            rec(RecordType.C, card("CT00000000400003", a)),
                                            rec(
                                                    RecordType.C,
                                                    card("CT99999999999999", atena(499_998)))
                                        }))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo("DANGLING_REFERENCE");
                            assertThat(e.detail()).startsWith("1 serial(s)");
                        });
        String[] gone = household("400005", atena(400_005), "");
        gone[0] = "D";
        assertThatThrownBy(
                        () ->
                                apply(
                                        env,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.DELTA,
                                        new Object[][] {rec(RecordType.H, gone)}))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("DANGLING_REFERENCE"));
        assertThat(
                        count(
                                env,
                                "select history_no from resident where municipality_code = ? and atena_no = ?",
                                city,
                                a))
                .isEqualTo(1);
        assertThat(count(env, "select count(*) from card_serial where municipality_code = ?", city))
                .isEqualTo(20);
        assertThat(count(env, "select count(*) from household where municipality_code = ?", city))
                .isEqualTo(20);
        // the same move with its new household applies
        assertThat(
                        apply(
                                env,
                                city,
                                "JUKI",
                                2,
                                Kind.DELTA,
                                new Object[][] {
                                    rec(RecordType.H, household("499999", a, "北海道石狩市花川北１条")),
                                    rec(RecordType.R, intoNowhere),
                                    rec(RecordType.C, card("CT00000000499999", a))
                                }))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        assertThat(
                        count(
                                env,
                                "select count(*) from resident where municipality_code = ? and household_no = '499999'",
                                city))
                .isEqualTo(1);
        assertThat(
                        count(
                                env,
                                "select count(*) from card_serial where municipality_code = ? and atena_no = ?",
                                city,
                                a))
                .isEqualTo(2);
    }
}
