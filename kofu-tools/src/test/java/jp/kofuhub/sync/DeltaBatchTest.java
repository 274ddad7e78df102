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
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.ExportWriter;
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
 * A DELTA is written set by set, not record by record (issue #20 item 4, issue #22 finding 3):
 * {@link RegistrySync} directly, on H2 and PostgreSQL (each a database of its own), through a
 * DataSource that counts the statements sent. A 5,000-record DELTA built from a FULL of the
 * project's generator ({@link CityGenerator}) takes a bounded number of statements (a JDBC batch
 * counts as one: pgjdbc sends it in one go); the order of the records in a file keeps its meaning;
 * a bad record after the first written chunk still leaves nothing of the file.
 */
class DeltaBatchTest {

    @TempDir static Path dir;

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

    /** The statements of a 5,000-record DELTA, written one by one, were ~15,000. */
    private static final long MAX_STATEMENTS = 80;

    /** Records past the first chunk DeltaApply writes ({@code DeltaApply.FLUSH}, 5,000). */
    private static final int PAST_FIRST_CHUNK = 5_300;

    private record Env(
            HikariDataSource ds, JdbcTemplate jdbc, RegistrySync sync, AtomicLong sent) {}

    private static final Map<String, Env> ENVS = new HashMap<>();

    private static synchronized Env env(String db) {
        return ENVS.computeIfAbsent(
                db,
                d -> {
                    HikariConfig cfg = new HikariConfig();
                    cfg.setJdbcUrl(
                            d.equals("h2")
                                    ? "jdbc:h2:mem:kofu-delta-batch;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
                                    : EmbeddedPostgres.jdbcUrl("kofu_delta_batch"));
                    cfg.setUsername(d.equals("h2") ? "sa" : "postgres");
                    cfg.setPassword("");
                    cfg.setMaximumPoolSize(3);
                    HikariDataSource ds = new HikariDataSource(cfg);
                    Flyway.configure()
                            .dataSource(ds)
                            .locations("classpath:db/migration")
                            .load()
                            .migrate();
                    AtomicLong sent = new AtomicLong();
                    DataSource counting = counting(ds, sent);
                    JdbcTemplate jdbc = new JdbcTemplate(counting);
                    RegistrySync sync =
                            new RegistrySync(
                                    jdbc,
                                    new TransactionTemplate(
                                            new DataSourceTransactionManager(counting)),
                                    new MunicipalityRegistry(Path.of("config/municipalities")),
                                    Set.of("JUKI"));
                    return new Env(ds, new JdbcTemplate(ds), sync, sent);
                });
    }

    @AfterAll
    static void closeAll() {
        ENVS.values().forEach(e -> e.ds().close());
        ENVS.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFiveThousandRecordDeltaTakesABoundedNumberOfStatements(String db) throws Exception {
        Env env = env(db);
        String city = "012351";
        Path full = generatedFull(city);
        apply(env, full);
        long historyBefore =
                count(
                        env,
                        "select count(*) from resident_history where municipality_code = ?",
                        city);
        Delta delta = moves(full, 2, 5_000, null);
        assertThat(delta.records()).isEqualTo(5_000);

        env.sent().set(0);
        assertThat(apply(env, delta.file())).isEqualTo(RegistrySync.Outcome.APPLIED);
        long statements = env.sent().get();

        assertThat(statements).isLessThanOrEqualTo(MAX_STATEMENTS);
        // every moved household has its new 方書, every moved resident its new 履歴番号 and a history row
        assertThat(
                        count(
                                env,
                                "select count(*) from household where municipality_code = ? and katagaki = ?",
                                city,
                                "転居2"))
                .isEqualTo(delta.households());
        for (Map.Entry<String, Integer> e : delta.newestHistory().entrySet()) {
            assertThat(
                            count(
                                    env,
                                    "select history_no from resident where municipality_code = ? and atena_no = ?",
                                    city,
                                    e.getKey()))
                    .as("current 履歴番号")
                    .isEqualTo(e.getValue().longValue());
        }
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ?",
                                city))
                .isEqualTo(historyBefore + delta.newHistoryRows());
        assertThat(
                        count(
                                env,
                                "select count(*) from resident where municipality_code = ? and source_sequence = 2",
                                city))
                .isEqualTo(delta.newestHistory().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aBadRecordAfterTheFirstWrittenChunkChangesNothing(String db) throws Exception {
        Env env = env(db);
        String city = "012343";
        Path full = generatedFull(city);
        apply(env, full);
        Map<String, Long> before = snapshot(env, city);
        // past DeltaApply.FLUSH records, so a chunk is already written when the bad one comes
        String[] tooLong = household("999999", atena(999_999), "北".repeat(401));
        Delta late = moves(full, 2, PAST_FIRST_CHUNK, tooLong);
        assertThatThrownBy(() -> apply(env, late.file()))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("BAD_RECORD"));
        assertThat(snapshot(env, city)).isEqualTo(before);
        String[] badCheckDigit =
                resident(
                        "100000000000000",
                        9,
                        "999999",
                        "石狩",
                        "太郎",
                        "世帯主",
                        TODAY.minusYears(40),
                        "RESIDENT");
        Delta checked = moves(full, 2, PAST_FIRST_CHUNK, null, badCheckDigit);
        assertThatThrownBy(() -> apply(env, checked.file()))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("BAD_RECORD"));
        assertThat(snapshot(env, city)).isEqualTo(before);
        // and the same DELTA without the bad record applies
        assertThat(apply(env, moves(full, 2, PAST_FIRST_CHUNK, null).file()))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        assertThat(
                        count(
                                env,
                                "select last_sequence from sync_source_state where municipality_code = ?",
                                city))
                .isEqualTo(2);
    }

    /**
     * The order within the file: the last record of a key wins, a current row goes to the highest
     * 履歴番号 (the later of equal ones), every history row is kept.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void theOrderOfTheRecordsKeepsItsMeaning(String db) throws IOException {
        Env env = env(db);
        String city = "012319";
        String a = atena(77_001);
        String b = atena(77_002);
        String c = atena(77_003);
        LocalDate born = LocalDate.of(1980, 1, 1);
        apply(
                env,
                TestRecords.write(
                        dir,
                        city,
                        "JUKI",
                        1,
                        Kind.FULL,
                        StandardCharsets.UTF_8,
                        at(1),
                        new Object[][] {
                            rec(RecordType.H, household("700", a, "北海道恵庭市京町１番地")),
                            rec(RecordType.H, household("701", c, "北海道恵庭市京町２番地")),
                            rec(
                                    RecordType.R,
                                    resident(a, 1, "700", "恵庭", "一郎", "世帯主", born, "RESIDENT")),
                            rec(
                                    RecordType.R,
                                    resident(b, 1, "700", "恵庭", "二郎", "子", born, "RESIDENT")),
                            rec(
                                    RecordType.R,
                                    resident(c, 5, "701", "恵庭", "三郎", "世帯主", born, "RESIDENT")),
                            rec(RecordType.C, card("EN00000000077001", a)),
                            rec(RecordType.C, card("EN00000000077002", b))
                        }));
        String[] goneHousehold = household("702", a, "北海道恵庭市京町３番地");
        String[] deleteIt = goneHousehold.clone();
        deleteIt[0] = "D";
        String[] dropCard = card("EN00000000077001", a);
        dropCard[0] = "D";
        String[] suspended = card("EN00000000077001", a);
        suspended[RecordType.C.col("status")] = "SUSPENDED";
        String[] lateCard = card("EN00000000077009", b);
        String[] lateCardGone = lateCard.clone();
        lateCardGone[0] = "D";
        assertThat(
                        apply(
                                env,
                                TestRecords.write(
                                        dir,
                                        city,
                                        "JUKI",
                                        2,
                                        Kind.DELTA,
                                        StandardCharsets.UTF_8,
                                        at(2),
                                        new Object[][] {
                                            // a: 3 then 2 → 3 stays current, both history rows
                                            rec(
                                                    RecordType.R,
                                                    resident(
                                                            a,
                                                            3,
                                                            "700",
                                                            "恵庭",
                                                            "一郎三",
                                                            "世帯主",
                                                            born,
                                                            "RESIDENT")),
                                            rec(
                                                    RecordType.R,
                                                    resident(
                                                            a,
                                                            2,
                                                            "700",
                                                            "恵庭",
                                                            "一郎二",
                                                            "世帯主",
                                                            born,
                                                            "RESIDENT")),
                                            // b: the same 履歴番号 twice → the later
                                            rec(
                                                    RecordType.R,
                                                    resident(
                                                            b,
                                                            2,
                                                            "700",
                                                            "恵庭",
                                                            "前",
                                                            "子",
                                                            born,
                                                            "RESIDENT")),
                                            rec(
                                                    RecordType.R,
                                                    resident(
                                                            b,
                                                            2,
                                                            "700",
                                                            "恵庭",
                                                            "後",
                                                            "子",
                                                            born,
                                                            "RESIDENT")),
                                            // c: older than stored → only history
                                            rec(
                                                    RecordType.R,
                                                    resident(
                                                            c,
                                                            4,
                                                            "701",
                                                            "恵庭",
                                                            "古",
                                                            "世帯主",
                                                            born,
                                                            "RESIDENT")),
                                            // household written then deleted; card deleted then
                                            // written; card written then deleted
                                            rec(RecordType.H, goneHousehold),
                                            rec(RecordType.H, deleteIt),
                                            rec(RecordType.C, dropCard),
                                            rec(RecordType.C, suspended),
                                            rec(RecordType.C, lateCard),
                                            rec(RecordType.C, lateCardGone)
                                        })))
                .isEqualTo(RegistrySync.Outcome.APPLIED);
        assertThat(name(env, city, a)).isEqualTo("一郎三");
        assertThat(
                        count(
                                env,
                                "select history_no from resident where municipality_code = ? and atena_no = ?",
                                city,
                                a))
                .isEqualTo(3);
        assertThat(name(env, city, b)).isEqualTo("後");
        assertThat(name(env, city, c)).isEqualTo("三郎");
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ? and atena_no = ?",
                                city,
                                a))
                .isEqualTo(3);
        assertThat(
                        count(
                                env,
                                "select count(*) from resident_history where municipality_code = ? and atena_no = ?",
                                city,
                                c))
                .isEqualTo(2);
        assertThat(
                        count(
                                env,
                                "select count(*) from household where municipality_code = ? and household_no = '702'",
                                city))
                .isZero();
        assertThat(
                        env.jdbc()
                                .queryForObject(
                                        "select status from card_serial where municipality_code = ? and serial = ?",
                                        String.class,
                                        city,
                                        "EN00000000077001"))
                .isEqualTo("SUSPENDED");
        assertThat(
                        count(
                                env,
                                "select count(*) from card_serial where municipality_code = ? and serial = ?",
                                city,
                                "EN00000000077009"))
                .isZero();
    }

    // ---- the files ----

    private static OffsetDateTime at(long seq) {
        return OffsetDateTime.parse("2026-11-25T09:00:00+09:00").plusMinutes(seq);
    }

    /** The JUKI FULL of a generated city of 4,000 residents. */
    private static Path generatedFull(String city) throws IOException {
        Path out = dir.resolve("city-" + city);
        CityGenerator.Result r =
                CityGenerator.generate(
                        out,
                        city,
                        4_000,
                        20,
                        StandardCharsets.UTF_8,
                        TODAY,
                        dir.resolve("cards-" + city + ".csv"),
                        CityGenerator.DEFAULT_SEAL_FONT,
                        false);
        return r.files().get(0);
    }

    /**
     * What a moves DELTA holds: its file, records, households, each moved resident's newest 履歴番号
     * (stored or in the file) and the history rows it adds.
     */
    private record Delta(
            Path file,
            long records,
            long households,
            Map<String, Integer> newestHistory,
            long newHistoryRows) {}

    /**
     * A DELTA moving households of the FULL within the city, as bench-sync builds them: each H with
     * the 方書 {@code 転居<seq>}, its residents' R records with the next 履歴番号; {@code records} records
     * in all, then the {@code extra} ones.
     */
    private static Delta moves(
            Path full, long seq, int records, String[] extraH, String[]... extraR)
            throws IOException {
        int hNo = RecordType.H.col("household_no");
        int hKatagaki = RecordType.H.col("katagaki");
        int rHousehold = RecordType.R.col("household_no");
        int rAtena = RecordType.R.col("atena_no");
        int rHistory = RecordType.R.col("history_no");
        int rReason = RecordType.R.col("change_reason");
        Map<String, List<String[]>> members = new java.util.LinkedHashMap<>();
        List<String[]> households = new ArrayList<>();
        Map<String, Integer> stored = new HashMap<>();
        ExportHeader header;
        try (ExportReader reader =
                new ExportReader(new BufferedInputStream(Files.newInputStream(full)))) {
            header = reader.header();
            reader.readRecords(
                    (type, f, line) -> {
                        if (type == RecordType.H) {
                            households.add(f.clone());
                        } else if (type == RecordType.R) {
                            members.computeIfAbsent(f[rHousehold], k -> new ArrayList<>())
                                    .add(f.clone());
                            stored.merge(f[rAtena], Integer.parseInt(f[rHistory]), Math::max);
                        }
                    });
            reader.finish();
        }
        Path out =
                Files.createDirectories(
                        dir.resolve("delta-" + header.municipality() + "-" + System.nanoTime()));
        Map<String, Integer> newest = new HashMap<>();
        Set<String> historyKeys = new java.util.HashSet<>();
        long n = 0;
        long moved = 0;
        try (ExportWriter w =
                new ExportWriter(
                        out,
                        header.municipality(),
                        "JUKI",
                        seq,
                        Kind.DELTA,
                        StandardCharsets.UTF_8,
                        at(seq))) {
            for (String[] h0 : households) {
                List<String[]> rs = members.getOrDefault(h0[hNo], List.of());
                if (n + 1 + rs.size() > records) {
                    int left = (int) (records - n);
                    if (left == 0) {
                        break;
                    }
                    rs = rs.subList(0, Math.max(0, left - 1));
                }
                String[] h = h0.clone();
                h[hKatagaki] = "転居" + seq;
                w.write(RecordType.H, h);
                n++;
                moved++;
                for (String[] r0 : rs) {
                    String[] r = r0.clone();
                    int next = Integer.parseInt(r[rHistory]) + 1;
                    r[rHistory] = Integer.toString(next);
                    r[rReason] = "転居";
                    w.write(RecordType.R, r);
                    n++;
                    newest.merge(r[rAtena], Math.max(next, stored.get(r[rAtena])), Math::max);
                    historyKeys.add(r[rAtena] + "/" + next);
                }
                if (n >= records) {
                    break;
                }
            }
            if (extraH != null) {
                w.write(RecordType.H, extraH);
            }
            for (String[] r : extraR) {
                w.write(RecordType.R, r);
            }
            Path file = w.commit();
            // a history row (atena, next) the FULL already had is replaced, not added
            long added = historyKeys.stream().filter(k -> !fullHistory(full).contains(k)).count();
            return new Delta(file, n, moved, newest, added);
        }
    }

    private static final Map<Path, Set<String>> FULL_HISTORY = new HashMap<>();

    private static synchronized Set<String> fullHistory(Path full) {
        return FULL_HISTORY.computeIfAbsent(
                full,
                p -> {
                    int rAtena = RecordType.R.col("atena_no");
                    int rHistory = RecordType.R.col("history_no");
                    Set<String> keys = new java.util.HashSet<>();
                    try (ExportReader reader =
                            new ExportReader(new BufferedInputStream(Files.newInputStream(p)))) {
                        reader.readRecords(
                                (type, f, line) -> {
                                    if (type == RecordType.R) {
                                        keys.add(f[rAtena] + "/" + f[rHistory]);
                                    }
                                });
                        reader.finish();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return keys;
                });
    }

    private static RegistrySync.Outcome apply(Env env, Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return env.sync().apply(in, file.getFileName().toString());
        }
    }

    private static long count(Env env, String sql, Object... args) {
        Long n = env.jdbc().queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    private static String name(Env env, String city, String atena) {
        return env.jdbc()
                .queryForObject(
                        "select given_name from resident where municipality_code = ? and atena_no = ?",
                        String.class,
                        city,
                        atena);
    }

    /** Row counts and a checksum-like sum of the rows the DELTAs touch. */
    private static Map<String, Long> snapshot(Env env, String city) {
        Map<String, Long> s = new java.util.TreeMap<>();
        for (String t : List.of("household", "resident", "resident_history", "card_serial")) {
            s.put(
                    t,
                    count(env, "select count(*) from " + t + " where municipality_code = ?", city));
        }
        s.put(
                "history_no sum",
                count(
                        env,
                        "select coalesce(sum(history_no), 0) from resident where municipality_code = ?",
                        city));
        s.put(
                "moved",
                count(
                        env,
                        "select count(*) from household where municipality_code = ? and katagaki like '転居%'",
                        city));
        s.put(
                "sequence",
                count(
                        env,
                        "select last_sequence from sync_source_state where municipality_code = ?",
                        city));
        s.put(
                "files",
                count(env, "select count(*) from sync_file where municipality_code = ?", city));
        return s;
    }

    // ---- the counting DataSource ----

    /** Counts every statement execution (a JDBC batch counts once) on connections of {@code ds}. */
    private static DataSource counting(DataSource ds, AtomicLong sent) {
        return (DataSource)
                Proxy.newProxyInstance(
                        DeltaBatchTest.class.getClassLoader(),
                        new Class<?>[] {DataSource.class},
                        forward(
                                ds,
                                (method, result) ->
                                        method.getName().equals("getConnection")
                                                ? connection((Connection) result, sent)
                                                : result));
    }

    private static Connection connection(Connection c, AtomicLong sent) {
        return (Connection)
                Proxy.newProxyInstance(
                        DeltaBatchTest.class.getClassLoader(),
                        new Class<?>[] {Connection.class},
                        forward(
                                c,
                                (method, result) -> {
                                    if (result instanceof java.sql.CallableStatement cs) {
                                        return statement(
                                                cs, java.sql.CallableStatement.class, sent);
                                    }
                                    if (result instanceof java.sql.PreparedStatement ps) {
                                        return statement(
                                                ps, java.sql.PreparedStatement.class, sent);
                                    }
                                    if (result instanceof Statement st) {
                                        return statement(st, Statement.class, sent);
                                    }
                                    return result;
                                }));
    }

    private static Object statement(Statement st, Class<?> type, AtomicLong sent) {
        return Proxy.newProxyInstance(
                DeltaBatchTest.class.getClassLoader(),
                new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("execute")) {
                        sent.incrementAndGet();
                    }
                    try {
                        return method.invoke(st, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private interface Wrap {
        Object wrap(java.lang.reflect.Method method, Object result);
    }

    private static InvocationHandler forward(Object target, Wrap wrap) {
        return (proxy, method, args) -> {
            try {
                return wrap.wrap(method, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}
