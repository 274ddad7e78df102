package jp.kofuhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jp.kofuhub.bench.HolderCheck;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.kiosk.CentreClient;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.EmbeddedPostgres;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Several instances (issue #10): three packaged hubs in separate JVMs on one PostgreSQL, sharing
 * one inbox folder and one cluster-lock folder (the file-lock cluster service). A client plays the
 * issuance centre and spreads conversations (availability → issue → completion) round-robin over
 * the live hubs while the registry's files arrive; the singleton sync leader is killed with SIGKILL
 * in the middle of a large DELTA. Then:
 *
 * <ul>
 *   <li>every certificate names the card holder asked for ({@link HolderCheck}), no 発行番号 twice
 *       (answers and history);
 *   <li>every file applied exactly once: one APPLIED line over all hubs' logs per file (none from
 *       the killed one for its file), one {@code sync_file} row per sequence, nothing left in the
 *       inbox or quarantined, and the replica holds what the export files say (residents, and which
 *       file last wrote each);
 *   <li>the history chain verifies (GET /actuator/history on a survivor);
 *   <li>exactly one hub consumed the inbox at a time, and another took over: the failover time is
 *       printed (kill → new leader's consumer started, kill → the interrupted file applied).
 * </ul>
 *
 * Each phase of a conversation goes to the next hub (availability on one, issue on the next,
 * completion on the next), and the issue call is retried once on yet another hub, as a centre
 * retrying through a load balancer would: the retry answers the same 発行番号 (made again there from
 * the replica, and checked like the first) or DOCUMENT_UNAVAILABLE when a DELTA changed the data
 * meanwhile — never another number or another person. {@code -Dkofu.it.per-phase=false} keeps a
 * whole conversation on one hub, without the retry.
 */
class ScaleOutIT {

    static final String CITY = "012343";
    static final int HUBS = 3;
    static final int RESIDENTS = Integer.getInteger("kofu.it.scaleout.residents", 8_000);

    /**
     * Residents sent again in DELTA 7: a DELTA applies record by record, so a few thousand take
     * seconds.
     */
    static final int DELTA_RECORDS = Integer.getInteger("kofu.it.scaleout.delta-records", 8_000);

    static final boolean PER_PHASE =
            Boolean.parseBoolean(System.getProperty("kofu.it.per-phase", "true"));
    static final Pattern APPLIED =
            Pattern.compile("sync " + CITY + " JUKI seq (\\d+) (FULL|DELTA): APPLIED");
    static final String SYNC_LEADER = "Consumer started: file:";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A hub of the test and whether it is still running. */
    record Hub(String name, HubProcess process) {
        String api() {
            return process.baseUrl() + "/api/v1";
        }
    }

    /** A certificate the centre received. */
    record Issued(String tx, String serial, String number, byte[] pdf, String hub) {}

    @Test
    void threeHubsIssueWhileTheSyncLeaderDiesMidFileAndAnotherAppliesItOnce(@TempDir Path work)
            throws Exception {
        String url = ownDatabase("kofu_scaleout");
        JdbcTemplate db = new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""));

        // the registry's files: the generator's FULL and five DELTAs, a large DELTA 7 (the FULL's
        // first
        // residents sent again, unchanged: long to apply, same content) and an empty DELTA 8
        Path staging = Files.createDirectories(work.resolve("staging"));
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path quarantine = work.resolve("quarantine");
        CityGenerator.Result city =
                CityGenerator.generate(
                        staging.resolve("export"),
                        CITY,
                        RESIDENTS,
                        23L,
                        StandardCharsets.UTF_8,
                        LocalDate.now(),
                        staging.resolve("cards.csv"),
                        CityGenerator.DEFAULT_SEAL_FONT,
                        false);
        List<Path> files = new ArrayList<>(city.files());
        files.add(resend(files.get(0), staging.resolve("export"), 7, DELTA_RECORDS));
        files.add(emptyDelta(staging.resolve("export"), 8));

        Map<String, String> env =
                new HashMap<>(
                        Map.of(
                                "SPRING_PROFILES_ACTIVE",
                                "postgres,dev",
                                "KOFU_KEYS_DIR",
                                TestHub.KEYS.toString(),
                                "KOFU_DB_URL",
                                url,
                                "KOFU_DB_USER",
                                "postgres",
                                "KOFU_DB_PASSWORD",
                                "",
                                "KOFU_DEMO",
                                "false",
                                "KOFU_SYNC_INBOX_URI",
                                "file:"
                                        + inbox
                                        + "?include=.*\\.kexp&sortBy=file:name&delete=true&delay=200",
                                "KOFU_QUARANTINE_DIR",
                                quarantine.toString(),
                                "KOFU_SYNC_MAX_AGE",
                                "P3650D",
                                "KOFU_SYNC_PGP_REQUIRED",
                                "false"));
        env.put("KOFU_CLUSTER_FILE_ROOT", work.resolve("cluster").toString());
        env.put("KOFU_SETTLEMENT_OUTBOX_URI", "file:" + work.resolve("settlement"));
        env.put("KOFU_SYNC_PGP_WORK_DIR", work.resolve("sync-work").toString());
        List<String> props = List.of("-Dkofu.sync.progress-ms=200");

        List<Hub> all = new ArrayList<>();
        try {
            for (int i = 1; i <= HUBS; i++) {
                all.add(
                        new Hub(
                                "scaleout-" + i,
                                HubProcess.start(work, "scaleout-" + i, env, props)));
            }
            for (Hub h : all) {
                h.process()
                        .awaitLog(
                                "Started KofuHub",
                                Duration.ofMinutes(6)); // three JVMs starting at once on 2 cores
            }
            List<Hub> live = new CopyOnWriteArrayList<>(all);

            // the FULL, then exactly one hub leads the inbox
            deliver(files.get(0), inbox);
            await().atMost(Duration.ofSeconds(60)).until(() -> applied(all, 1) == 1);
            assertThat(all.stream().filter(h -> h.process().log().contains(SYNC_LEADER)).count())
                    .as("one sync leader")
                    .isEqualTo(1);
            Hub leader =
                    all.stream()
                            .filter(h -> h.process().log().contains(SYNC_LEADER))
                            .findFirst()
                            .orElseThrow();

            Load load = new Load(city, staging.resolve("cards.csv"), live);
            ExecutorService clients = Executors.newFixedThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                running.add(clients.submit(load::drive));
            }
            try {
                // the small DELTAs while issuing, one after another
                for (int seq = 2; seq <= 6; seq++) {
                    deliver(files.get(seq - 1), inbox);
                    int s = seq;
                    await().atMost(Duration.ofSeconds(60)).until(() -> applied(all, s) == 1);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> load.issued.size() >= 10);

                // the large DELTA: the leader is killed while it applies it
                // killed as soon as it has taken the file: since DELTAs are applied in batches
                // (issue #20) a progress line of file 7 may never come before the file is done
                deliver(files.get(6), inbox);
                leader.process()
                        .awaitLog(
                                "sync picked up " + files.get(6).getFileName(),
                                Duration.ofSeconds(60));
                live.remove(leader);
                Instant killedAt = Instant.now();
                leader.process().kill();
                int issuedAtKill = load.issued.size();
                assertThat(APPLIED.matcher(leader.process().log()).results().map(m -> m.group(1)))
                        .as("the killed leader did not finish file 7")
                        .doesNotContain("7");
                assertThat(inbox.resolve(files.get(6).getFileName()))
                        .as("file 7 still in the inbox")
                        .exists();

                await().atMost(Duration.ofSeconds(120)).until(() -> applied(all, 7) == 1);
                Hub next =
                        live.stream()
                                .filter(h -> h.process().log().contains(SYNC_LEADER))
                                .findFirst()
                                .orElseThrow();
                Instant locked = logTime(next.process().log(), "registry-sync acquired");
                Instant tookOver = logTime(next.process().log(), SYNC_LEADER);
                Instant appliedAt = logTime(next.process().log(), "JUKI seq 7 DELTA: APPLIED");
                System.out.printf(
                        Locale.ROOT,
                        "ScaleOutIT: leader failover after kill -9 of %s: %s holds the registry-sync"
                                + " lock after %.1f s, consumes the inbox after %.1f s, applied file 7 (%d records) %.1f s after the"
                                + " kill (%d hubs; acquire-lock-interval 1 s, heartbeat-timeout-multiplier 3)%n",
                        leader.name(),
                        next.name(),
                        seconds(killedAt, locked),
                        seconds(killedAt, tookOver),
                        DELTA_RECORDS,
                        seconds(killedAt, appliedAt),
                        HUBS);

                deliver(files.get(7), inbox);
                await().atMost(Duration.ofSeconds(60)).until(() -> applied(all, 8) == 1);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> load.issued.size() >= issuedAtKill + 10);
            } finally {
                load.stop.set(true);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                clients.shutdownNow();
            }

            // ---- checks ----
            System.out.printf(
                    Locale.ROOT,
                    "ScaleOutIT: %d certificates issued (%s), %d conversations lost to the kill,"
                            + " refusals %s%n",
                    load.issued.size(),
                    load.perHub(),
                    load.lost.get(),
                    new TreeMap<>(load.refusals));
            assertThat(load.failures).as("unexpected failures").isEmpty();
            // load balanced: every hub issued, the survivors after the kill too
            assertThat(load.perHub().keySet())
                    .containsExactlyInAnyOrderElementsOf(all.stream().map(Hub::name).toList());

            // every document names the card holder asked for; no 発行番号 twice
            HolderCheck holders =
                    HolderCheck.fromExports(
                            files.subList(0, 6),
                            List.of(
                                    new MunicipalityRegistry(Path.of("config/municipalities"))
                                            .find(CITY)
                                            .orElseThrow()
                                            .mayorName()));
            Set<String> numbers = new HashSet<>();
            for (Issued d : load.issued) {
                Optional<String> why =
                        holders.check(d.pdf(), load.atenaBySerial.get(d.serial()), d.number());
                assertThat(why)
                        .as(
                                "document of tx %s (serial %s, %s) from %s",
                                d.tx(), d.serial(), d.number(), d.hub())
                        .isEmpty();
                assertThat(numbers.add(d.number()))
                        .as("発行番号 %s answered twice", d.number())
                        .isTrue();
            }
            // a retry on another hub: the same number (checked above), the same card holder
            for (Issued d : load.retried) {
                Optional<String> why =
                        holders.check(d.pdf(), load.atenaBySerial.get(d.serial()), d.number());
                assertThat(why)
                        .as("retried document of tx %s (%s) from %s", d.tx(), d.number(), d.hub())
                        .isEmpty();
            }
            if (PER_PHASE) {
                System.out.printf(
                        Locale.ROOT,
                        "ScaleOutIT: %d issue calls retried on another hub answered the same document%n",
                        load.retried.size());
                assertThat(load.retried).as("retries on another hub answered").isNotEmpty();
            }
            assertThat(
                            db.queryForList(
                                    "select issue_number from issuance_history where municipality_code = ?"
                                            + " and issue_number is not null group by issue_number having count(*) > 1",
                                    String.class,
                                    CITY))
                    .as("発行番号 repeated in the history")
                    .isEmpty();

            // every file applied exactly once, and the replica is what the files say
            for (int seq = 1; seq <= 8; seq++) {
                assertThat(applied(all, seq))
                        .as("APPLIED lines for file %d over all hubs", seq)
                        .isEqualTo(1);
            }
            assertThat(
                            db.queryForList(
                                    "select sequence_no from sync_file where municipality_code = ? and source_system"
                                            + " = 'JUKI' order by sequence_no",
                                    Long.class,
                                    CITY))
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            try (Stream<Path> left = Files.list(inbox)) {
                assertThat(left.toList()).as("inbox").isEmpty();
            }
            assertThat(!Files.exists(quarantine) || isEmpty(quarantine))
                    .as("nothing quarantined")
                    .isTrue();
            Map<Long, Long> expected = lastWriter(files.subList(0, 7));
            Map<Long, Long> actual = new TreeMap<>();
            db.query(
                    "select source_sequence, count(*) from resident where municipality_code = ? group by source_sequence",
                    rs -> {
                        actual.put(rs.getLong(1), rs.getLong(2));
                    },
                    CITY);
            assertThat(actual).as("residents by the file that last wrote them").isEqualTo(expected);

            // the history chain, verified by a survivor
            var r =
                    HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            live.get(0).process().baseUrl()
                                                                    + "/actuator/history/"
                                                                    + CITY))
                                            .timeout(Duration.ofSeconds(60))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString(
                                            StandardCharsets.UTF_8));
            JsonNode chain = JSON.readTree(r.body());
            assertThat(chain.path("ok").asBoolean()).as(r.body()).isTrue();
            assertThat(chain.path("rows").asLong())
                    .isEqualTo(
                            db.queryForObject(
                                    "select count(*) from issuance_history where municipality_code = ?",
                                    Long.class,
                                    CITY));
        } finally {
            for (Hub h : all) {
                h.process().close();
            }
        }
    }

    // ---------------------------------------------------------------- the centre's load

    /** Conversations round-robin over the live hubs until {@link #stop}. */
    private static final class Load {
        final List<Hub> live;
        final Map<String, String> atenaBySerial = new HashMap<>();
        final List<String> serials = new ArrayList<>();
        final CentreClient centre =
                new CentreClient(
                        HttpClient.newBuilder()
                                .version(HttpClient.Version.HTTP_1_1)
                                .connectTimeout(Duration.ofSeconds(5))
                                .build(),
                        null,
                        null);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final ConcurrentLinkedQueue<Issued> issued = new ConcurrentLinkedQueue<>();

        /** The answers of issue calls retried on another hub (per-phase mode). */
        final ConcurrentLinkedQueue<Issued> retried = new ConcurrentLinkedQueue<>();

        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Map<String, Integer> refusals = new ConcurrentHashMap<>();
        final String txBase = "SO" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

        Load(CityGenerator.Result city, Path cards, List<Hub> live) throws IOException {
            this.live = live;
            List<String> lines = Files.readAllLines(cards, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                atenaBySerial.put(f[0], f[2]);
                if (f[4].isEmpty()) {
                    serials.add(f[0]); // the scenario samples (roles) are refused on purpose
                }
            }
            Collections.shuffle(serials, new Random(7));
        }

        Map<String, Integer> perHub() {
            Map<String, Integer> m = new TreeMap<>();
            issued.forEach(d -> m.merge(d.hub(), 1, Integer::sum));
            return m;
        }

        private Hub pick() {
            List<Hub> now = List.copyOf(live);
            return now.get(Math.floorMod(next.getAndIncrement(), now.size()));
        }

        void drive() {
            while (!stop.get()) {
                conversation();
            }
        }

        void conversation() {
            int n = next.get();
            String serial = serials.get(Math.floorMod(n, serials.size()));
            String tx = txBase + "x" + n + "x" + Thread.currentThread().getId();
            ObjectNode body =
                    JSON.createObjectNode()
                            .put("transaction", tx)
                            .put("municipality", CITY)
                            .put("serial", serial)
                            .put("kind", "JUMINHYO")
                            .put("store", "S0001");
            Hub hub = pick();
            String phase = "availability";
            try {
                CentreClient.Answer a = centre.post(hub.api() + "/availability", body);
                if (a.status() != 200) {
                    failures.add(tx + " " + phase + " HTTP " + a.status() + " on " + hub.name());
                    return;
                }
                JsonNode k = JSON.readTree(a.body()).path("kinds").path(0);
                if (!k.path("available").asBoolean()) {
                    refusals.merge("availability " + k.path("code").asText(), 1, Integer::sum);
                    return;
                }
                phase = "issue";
                hub = PER_PHASE ? pick() : hub;
                CentreClient.Answer doc = centre.post(hub.api() + "/certificates", body);
                if (doc.status() == 422) {
                    refusals.merge(
                            "issue " + JSON.readTree(doc.body()).path("code").asText(),
                            1,
                            Integer::sum);
                    return;
                }
                if (doc.status() != 200) {
                    failures.add(tx + " " + phase + " HTTP " + doc.status() + " on " + hub.name());
                    return;
                }
                String number = doc.headers().firstValue("X-Kofu-Issue-Number").orElse("");
                issued.add(new Issued(tx, serial, number, doc.body(), hub.name()));
                if (PER_PHASE) {
                    phase = "retry";
                    hub = pick();
                    CentreClient.Answer again = centre.post(hub.api() + "/certificates", body);
                    if (again.status() == 200) {
                        String n2 = again.headers().firstValue("X-Kofu-Issue-Number").orElse("");
                        if (!n2.equals(number)) {
                            failures.add(
                                    tx
                                            + " retry on "
                                            + hub.name()
                                            + " answered 発行番号 "
                                            + n2
                                            + " not "
                                            + number);
                        }
                        retried.add(new Issued(tx, serial, n2, again.body(), hub.name()));
                    } else if (again.body().length > 0
                            && JSON.readTree(again.body())
                                    .path("code")
                                    .asText()
                                    .equals("DOCUMENT_UNAVAILABLE")) {
                        refusals.merge("retry DOCUMENT_UNAVAILABLE", 1, Integer::sum);
                    } else {
                        failures.add(
                                tx + " " + phase + " HTTP " + again.status() + " on " + hub.name());
                    }
                }
                phase = "completion";
                hub = PER_PHASE ? pick() : hub;
                CentreClient.Answer done =
                        centre.post(
                                hub.api() + "/completions",
                                JSON.createObjectNode()
                                        .put("transaction", tx)
                                        .put("outcome", "PRINTED"));
                if (done.status() != 200) {
                    failures.add(tx + " " + phase + " HTTP " + done.status() + " on " + hub.name());
                }
            } catch (IOException e) {
                if (live.contains(hub)) {
                    failures.add(
                            tx
                                    + " "
                                    + phase
                                    + " "
                                    + e.getClass().getSimpleName()
                                    + " on live "
                                    + hub.name());
                } else {
                    lost.incrementAndGet(); // the hub was killed under this conversation
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A database of its own on the run's embedded PostgreSQL (CrashRecoveryIT uses the default
     * one).
     */
    static String ownDatabase(String name) {
        String base = EmbeddedPostgres.jdbcUrl();
        JdbcTemplate admin = new JdbcTemplate(new DriverManagerDataSource(base, "postgres", ""));
        admin.execute("drop database if exists " + name);
        admin.execute("create database " + name);
        return base.replace("/postgres?", "/" + name + "?");
    }

    /**
     * Moves an export file into the inbox in one step, as the registry's upload-then-rename does.
     */
    static void deliver(Path file, Path inbox) throws IOException {
        Path part = inbox.resolve(file.getFileName() + ".part");
        Files.copy(file, part);
        Files.move(
                part,
                inbox.resolve(file.getFileName()),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** How many APPLIED lines for JUKI file {@code seq} the hubs' logs hold together. */
    static long applied(List<Hub> hubs, int seq) {
        return hubs.stream()
                .flatMap(h -> APPLIED.matcher(h.process().log()).results())
                .filter(m -> m.group(1).equals(Integer.toString(seq)))
                .count();
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /**
     * The time stamp of the first log line containing {@code text} (the log's lines start with an
     * ISO instant).
     */
    static Instant logTime(String log, String text) {
        for (String line : log.split("\n")) {
            if (line.contains(text)) {
                return Instant.parse(line.substring(0, line.indexOf(' ')));
            }
        }
        throw new IllegalStateException("no log line with " + text);
    }

    /**
     * A DELTA {@code seq} with the first {@code max} resident records of {@code full} again,
     * unchanged.
     */
    static Path resend(Path full, Path dir, long seq, int max) throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(full), 1 << 16);
                ExportReader reader = new ExportReader(in);
                ExportWriter w =
                        new ExportWriter(
                                dir,
                                CITY,
                                "JUKI",
                                seq,
                                ExportHeader.Kind.DELTA,
                                StandardCharsets.UTF_8,
                                OffsetDateTime.now())) {
            reader.readRecords(
                    (t, fields, line) -> {
                        if (t == RecordType.R && n.getAndIncrement() < max) {
                            try {
                                w.write(t, fields);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
            reader.finish();
            return w.commit();
        }
    }

    static Path emptyDelta(Path dir, long seq) throws IOException {
        try (ExportWriter w =
                new ExportWriter(
                        dir,
                        CITY,
                        "JUKI",
                        seq,
                        ExportHeader.Kind.DELTA,
                        StandardCharsets.UTF_8,
                        OffsetDateTime.now())) {
            return w.commit();
        }
    }

    /**
     * What the replica must hold after these JUKI files, in order: per file sequence, how many
     * residents that file wrote last (a record replaces the resident unless the stored one has a
     * later 履歴番号).
     */
    static Map<Long, Long> lastWriter(List<Path> files) throws IOException {
        int atenaCol = RecordType.R.col("atena_no");
        int historyCol = RecordType.R.col("history_no");
        Map<String, long[]> byAtena = new HashMap<>(); // atena → {history_no, sequence}
        for (Path f : files) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
                    ExportReader reader = new ExportReader(in)) {
                long seq = reader.header().sequence();
                reader.readRecords(
                        (t, fields, line) -> {
                            if (t == RecordType.R) {
                                long history = Long.parseLong(fields[historyCol]);
                                long[] now = byAtena.get(fields[atenaCol]);
                                if (now == null || now[0] <= history) {
                                    byAtena.put(fields[atenaCol], new long[] {history, seq});
                                }
                            }
                        });
                reader.finish();
            }
        }
        Map<Long, Long> out = new TreeMap<>();
        byAtena.values().forEach(v -> out.merge(v[1], 1L, Long::sum));
        return out;
    }

    static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
