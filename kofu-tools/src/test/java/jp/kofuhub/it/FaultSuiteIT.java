package jp.kofuhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jp.kofuhub.bench.HolderCheck;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The fault-injection suite (issue #22, docs/faults.md): three packaged hubs in separate JVMs on
 * one PostgreSQL of the test's own (so it can be restarted), a small centre load on the live hubs,
 * and one fault after another on the same JVMs:
 *
 * <ol>
 *   <li>hub {@code k}, held 8 s before five named steps ({@code kofu.faults.delay-steps}), is
 *       frozen (SIGSTOP, then SIGCONT) and then killed (SIGKILL) with a conversation in flight in
 *       each phase: availability, issue (before numbering, numbered while rendering, after keeping
 *       the document) and completion; the centre retries each on hub {@code b};
 *   <li>hub {@code f} is frozen (SIGSTOP) while it renders a numbered document; the centre's retry
 *       on {@code b} takes the claim over; then SIGCONT, and {@code f} must not spend or keep
 *       anything of that transaction;
 *   <li>{@code f}'s connection to PostgreSQL (through a {@link FaultProxy}) delayed, cut and
 *       blackholed mid-load, then PostgreSQL itself restarted under both hubs.
 * </ol>
 *
 * The centre plays by the protocol (docs/interfaces/issuance-centre.md): a phase that fails with a
 * refused or broken connection, a timeout, 409 TRANSACTION_IN_PROGRESS or 503 (DEADLINE_PASSED,
 * BUSY, UNAVAILABLE) is asked again, every second, on the live hubs. Every other answer is a
 * failure of the test. At the end every document is checked for its card holder and its 発行番号
 * ({@link HolderCheck}), a transaction's answers carry one number, no number is answered for two
 * transactions, none is twice in the history, and every running number the counter handed out is
 * recorded on a transaction row. What each fault did (detection, what the centre saw, recovery) is
 * printed as a table (target/faultsuite.md) for docs/faults.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    static final String CITY = "012343";
    static final int RESIDENTS = 1_500;
    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final Duration HOLD = Duration.ofSeconds(4);

    /**
     * k's hold before each of its five steps: long enough that one conversation sits at each of
     * them at once, each having passed the holds before it.
     */
    static final Duration HOLD_K = Duration.ofSeconds(8);

    /** What the centre waits for one answer (the centre's client waits 60 s). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** The web server's bound on one answer (spring.mvc.async.request-timeout). */
    static final Duration WEB_GUARD = Duration.ofSeconds(30);

    /**
     * A phase must be done within this, retries included: an attempt answered at the latest at the
     * web server's bound (a phase past its deadline answers DEADLINE_PASSED at its next step,
     * before that; one blocked inside a call, UNAVAILABLE at the bound), a claim lapsing with the
     * lease, and the retry's own work.
     */
    static final Duration PHASE_BUDGET = WEB_GUARD.plus(LEASE).plus(Duration.ofSeconds(10));

    static final Set<String> TRANSIENT =
            Set.of(
                    "409 TRANSACTION_IN_PROGRESS",
                    "503 DEADLINE_PASSED",
                    "503 BUSY",
                    "503 UNAVAILABLE");
    private static final ObjectMapper JSON = new ObjectMapper();

    Path work;
    Path pgData;
    int pgPort;
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    FaultProxy pgProxy;
    JdbcTemplate db;
    HubProcess b; // the survivor
    HubProcess k; // killed
    HubProcess f; // frozen; its database connection goes through pgProxy
    final Map<HubProcess, String> names = new ConcurrentHashMap<>();

    HolderCheck holders;
    final Map<String, String> atenaBySerial = new HashMap<>();
    final List<String> serials = new ArrayList<>();
    final AtomicInteger nextTx = new AtomicInteger();
    final String txBase = "FS" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    /** The test (fault) running now, for the failure messages. */
    volatile String fault = "set-up";

    @org.junit.jupiter.api.BeforeEach
    void name(org.junit.jupiter.api.TestInfo test) {
        fault = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
    }

    /** Every document the centre received. */
    final ConcurrentLinkedQueue<Doc> docs = new ConcurrentLinkedQueue<>();

    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    /** Fault → {detection, what the centre saw, recovery}. */
    final Map<String, String[]> table =
            Collections.synchronizedMap(new java.util.LinkedHashMap<>());

    final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();

    record Doc(String tx, String serial, String number, byte[] pdf, String hub) {}

    record Reply(int status, String code, byte[] body, String number, String hub) {
        String what() {
            return status < 0 ? "IO " + code : status + (code.isEmpty() ? "" : " " + code);
        }
    }

    // ------------------------------------------------------------------ set-up

    @BeforeAll
    void hubs() throws Exception {
        work = Files.createDirectories(Path.of("kofu-tools/target/faultsuite"));
        try (var old = Files.walk(work)) {
            old.sorted(java.util.Comparator.reverseOrder())
                    .filter(p -> !p.equals(work))
                    .forEach(p -> p.toFile().delete());
        }
        pgData = work.resolve("pgdata");
        pgPort = freePort();
        startPostgres();
        String url = "jdbc:postgresql://localhost:" + pgPort + "/postgres";
        db = new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""));
        pgProxy = new FaultProxy("postgres-f", pgPort);

        Path staging = Files.createDirectories(work.resolve("staging"));
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        CityGenerator.Result city =
                CityGenerator.generate(
                        staging.resolve("export"),
                        CITY,
                        RESIDENTS,
                        31L,
                        StandardCharsets.UTF_8,
                        LocalDate.now(),
                        staging.resolve("cards.csv"),
                        CityGenerator.DEFAULT_SEAL_FONT,
                        false);
        Path full = city.files().get(0);
        List<String> lines = Files.readAllLines(staging.resolve("cards.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            atenaBySerial.put(c[0], c[2]);
            if (c[4].isEmpty()) {
                serials.add(c[0]); // the scenario samples are refused on purpose
            }
        }
        Collections.shuffle(serials, new Random(5));
        holders =
                HolderCheck.fromExports(
                        List.of(full),
                        List.of(
                                new MunicipalityRegistry(Path.of("config/municipalities"))
                                        .find(CITY)
                                        .orElseThrow()
                                        .mayorName()));

        Map<String, String> env = new HashMap<>();
        env.put("SPRING_PROFILES_ACTIVE", "postgres,dev");
        env.put("KOFU_KEYS_DIR", TestHub.KEYS.toString());
        env.put("KOFU_DB_URL", url);
        env.put("KOFU_DB_USER", "postgres");
        env.put("KOFU_DB_PASSWORD", "");
        env.put("KOFU_DEMO", "false");
        env.put(
                "KOFU_SYNC_INBOX_URI",
                "file:" + inbox + "?include=.*\\.kexp&sortBy=file:name&delete=true&delay=200");
        env.put("KOFU_QUARANTINE_DIR", work.resolve("quarantine").toString());
        env.put("KOFU_SYNC_MAX_AGE", "P3650D");
        env.put("KOFU_SYNC_PGP_REQUIRED", "false");
        env.put("KOFU_CLUSTER_FILE_ROOT", work.resolve("cluster").toString());
        env.put("KOFU_SETTLEMENT_OUTBOX_URI", "file:" + work.resolve("settlement"));
        env.put("KOFU_SYNC_PGP_WORK_DIR", work.resolve("sync-work").toString());
        if ("off".equals(System.getProperty("kofu.it.faults.db-timeouts"))) {
            // the hub without its lock and idle-in-transaction bounds (0 = none), to see the fault
            env.put("KOFU_DB_LOCK_TIMEOUT_MS", "0");
            env.put("KOFU_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "0");
        }
        Map<String, String> envF = new HashMap<>(env);
        // no server-side prepared statements: the proxy sees every statement's SQL
        // (holdAnswersAfter)
        envF.put(
                "KOFU_DB_URL",
                "jdbc:postgresql://localhost:" + pgProxy.port() + "/postgres?prepareThreshold=0");
        long hold = HOLD.toMillis();
        long holdK = HOLD_K.toMillis();
        b = HubProcess.start(work, "fault-b", env, List.of());
        k =
                HubProcess.start(
                        work,
                        "fault-k",
                        env,
                        List.of(
                                "-Dkofu.faults.delay-steps=answer-availability="
                                        + holdK
                                        + ",prepare-certificate="
                                        + holdK
                                        + ",render-pdf="
                                        + holdK
                                        + ",seal-certificate="
                                        + holdK
                                        + ",record-completion="
                                        + holdK,
                                // an issue phase on k passes three holds (24 s): its deadline and
                                // the
                                // web server's bound must not end it before the kill
                                "-Dkofu.issuance.phase-deadline=60s",
                                "-Dspring.mvc.async.request-timeout=90s"));
        f =
                HubProcess.start(
                        work,
                        "fault-f",
                        envF,
                        List.of("-Dkofu.faults.delay-steps=render-pdf=" + hold));
        names.put(b, "b");
        names.put(k, "k");
        names.put(f, "f");
        for (HubProcess h : List.of(b, k, f)) {
            h.awaitLog("Started KofuHub", Duration.ofMinutes(5));
        }
        Path part = inbox.resolve(full.getFileName() + ".part");
        Files.copy(full, part);
        Files.move(part, inbox.resolve(full.getFileName()));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                List.of(b, k, f).stream()
                                        .anyMatch(h -> h.log().contains("seq 1 FULL: APPLIED")));
    }

    void startPostgres() throws IOException {
        pg =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setDataDirectory(pgData)
                        .setCleanDataDirectory(false)
                        .setPort(pgPort)
                        .setServerConfig("fsync", "off")
                        .setServerConfig("log_error_verbosity", "terse")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
    }

    @AfterAll
    void stop() throws Exception {
        Files.writeString(work.resolve("faultsuite.md"), markdown(), StandardCharsets.UTF_8);
        System.out.println(markdown());
        for (HubProcess h : new HubProcess[] {b, k, f}) {
            if (h != null) {
                if (h.alive()) {
                    h.signal("CONT");
                }
                h.close();
            }
        }
        if (pgProxy != null) {
            pgProxy.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    // ------------------------------------------------------------------ faults

    /**
     * SIGSTOP of hub k with a conversation held in each phase — availability; issue before
     * numbering, numbered while rendering, and after keeping the document; completion — the
     * centre's retries on b get the availability, the document under the number k took, and the
     * completion; then SIGCONT: k's late answers are the same document or a documented code, and k
     * spends and keeps nothing of those transactions (the next test has k serve again before it is
     * killed).
     */
    @Test
    @Order(1)
    void anInstanceFrozenInEachPhase() throws Exception {
        heldInEachPhase(true);
    }

    /**
     * SIGKILL of hub k with a conversation held in each phase, as above: the centre's retries on b
     * get the availability, the document (under the number k took, where it took one), and the
     * completion.
     */
    @Test
    @Order(2)
    void anInstanceKilledInEachPhase() throws Exception {
        heldInEachPhase(false);
    }

    private void heldInEachPhase(boolean freeze) throws Exception {
        String how = freeze ? "SIGSTOP" : "SIGKILL";
        try (Load load = new Load(List.of(b), 1)) {
            ObjectNode c1 = available(false), c2 = available(true), c3 = available(true);
            ObjectNode kept = available(true), unnumbered = available(true);
            keep(c3, expect200(post(b, "/certificates", c3)));
            Map<String, Integer> before = new HashMap<>();
            for (String step :
                    List.of(
                            "answer-availability",
                            "prepare-certificate",
                            "render-pdf",
                            "seal-certificate",
                            "record-completion")) {
                before.put(step, holds(k, step));
            }
            ExecutorService centre = Executors.newFixedThreadPool(5);
            Map<String, Future<Reply>> onK = new java.util.LinkedHashMap<>();
            // one issue conversation at each of k's three issue holds at once: each passes the
            // holds before its own (prepare 8 s, render 8 s, seal), so they start a hold apart
            onK.put("kept", centre.submit(() -> post(k, "/certificates", kept)));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> holds(k, "render-pdf") > before.get("render-pdf"));
            onK.put("issue", centre.submit(() -> post(k, "/certificates", c2)));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () ->
                                    holds(k, "seal-certificate") > before.get("seal-certificate")
                                            && holds(k, "render-pdf")
                                                    > before.get("render-pdf") + 1);
            onK.put("unnumbered", centre.submit(() -> post(k, "/certificates", unnumbered)));
            onK.put("availability", centre.submit(() -> post(k, "/availability", c1)));
            onK.put("completion", centre.submit(() -> post(k, "/completions", completion(c3))));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () ->
                                    holds(k, "answer-availability")
                                                    > before.get("answer-availability")
                                            && holds(k, "prepare-certificate")
                                                    > before.get("prepare-certificate") + 2
                                            && holds(k, "record-completion")
                                                    > before.get("record-completion"));
            String takenOnK = number(c2);
            assertThat(takenOnK).as("k numbered c2 before rendering").isNotNull();
            assertThat(state(c2)).as("c2 held while rendering").isEqualTo("ISSUING");
            String keptOnK = number(kept);
            assertThat(keptOnK).as("k numbered the kept one").isNotNull();
            assertThat(state(kept)).as("k kept its document").isEqualTo("ISSUED");
            assertThat(number(unnumbered)).as("k held this one before numbering").isNull();
            long faultAt = System.nanoTime();
            if (freeze) {
                k.signal("STOP");
            } else {
                k.kill();
                centre.shutdownNow();
            }
            // a frozen hub still accepts connections (the kernel's backlog) but never answers:
            // the centre's retries go to b only
            List<HubProcess> retryOn = freeze ? List.of(b) : List.of(k, b);
            Timed a, i, c, u, kp;
            try {
                CompletableFuture<Timed> availability =
                        CompletableFuture.supplyAsync(
                                () -> phase("/availability", c1, retryOn, faultAt));
                CompletableFuture<Timed> issue =
                        CompletableFuture.supplyAsync(
                                () -> phase("/certificates", c2, List.of(b), faultAt));
                CompletableFuture<Timed> beforeNumbering =
                        CompletableFuture.supplyAsync(
                                () -> phase("/certificates", unnumbered, List.of(b), faultAt));
                CompletableFuture<Timed> afterKeeping =
                        CompletableFuture.supplyAsync(
                                () -> phase("/certificates", kept, List.of(b), faultAt));
                CompletableFuture<Timed> completion =
                        CompletableFuture.supplyAsync(
                                () -> phase("/completions", completion(c3), List.of(b), faultAt));
                a = availability.get();
                i = issue.get();
                c = completion.get();
                u = beforeNumbering.get();
                kp = afterKeeping.get();
            } finally {
                if (freeze) {
                    k.signal("CONT");
                }
            }
            expect200(a.reply());
            Reply doc = expect200(i.reply());
            keep(c2, doc);
            assertThat(doc.number()).as("the retry's 発行番号 is the one k took").isEqualTo(takenOnK);
            Reply again = expect200(kp.reply());
            keep(kept, again);
            assertThat(again.number())
                    .as("the document k kept, made again under its number")
                    .isEqualTo(keptOnK);
            Reply numberedOnB = expect200(u.reply());
            keep(unnumbered, numberedOnB);
            expect200(c.reply());
            Map<String, String> late = new java.util.LinkedHashMap<>();
            if (freeze) {
                Map<String, ObjectNode> issued =
                        Map.of("kept", kept, "issue", c2, "unnumbered", unnumbered);
                Map<String, String> numberOf =
                        Map.of(
                                "kept",
                                keptOnK,
                                "issue",
                                takenOnK,
                                "unnumbered",
                                numberedOnB.number());
                for (Map.Entry<String, Future<Reply>> e : onK.entrySet()) {
                    Reply r = e.getValue().get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                    late.put(e.getKey(), "; k after SIGCONT: " + r.what());
                    if (r.status() == 200 && issued.containsKey(e.getKey())) {
                        // the same transaction's document, answered late: it must be the one
                        // the retry got, under the same number
                        assertThat(r.number())
                                .as("k's late document for %s", e.getKey())
                                .isEqualTo(numberOf.get(e.getKey()));
                        keep(issued.get(e.getKey()), r);
                    } else if (r.status() > 0 && r.status() != 200) {
                        // (no answer within the centre's timeout is allowed too: the centre has
                        // asked b meanwhile)
                        assertThat(r.what())
                                .as("k's late answer for %s", e.getKey())
                                .isIn(TRANSIENT);
                    }
                }
                centre.shutdown();
                for (ObjectNode tx : List.of(c2, kept, unnumbered)) {
                    assertThat(
                                    db.queryForObject(
                                            "select count(distinct issue_number) from"
                                                    + " issuance_transaction where transaction_id"
                                                    + " = ?",
                                            Long.class,
                                            tx.path("transaction").asText()))
                            .as("one 発行番号 for %s", tx.path("transaction").asText())
                            .isEqualTo(1);
                }
            }
            // the others finish on b
            keep(c1, expect200(phase("/certificates", c1, List.of(b), System.nanoTime()).reply()));
            for (ObjectNode done : List.of(c1, c2, kept, unnumbered)) {
                expect200(
                        phase("/completions", completion(done), List.of(b), System.nanoTime())
                                .reply());
            }
            row(
                    how + ", availability phase (held before answer-availability)",
                    a,
                    "the retry" + late.getOrDefault("availability", ""));
            row(
                    how + ", issue phase before numbering (held before prepare-certificate)",
                    u,
                    "the retry, numbered on b" + late.getOrDefault("unnumbered", ""));
            row(
                    how + ", issue phase (numbered, held before render-pdf)",
                    i,
                    "the retry" + late.getOrDefault("issue", ""));
            row(
                    how
                            + ", issue phase after keeping the document (held before"
                            + " seal-certificate)",
                    kp,
                    "the retry, made again under k's number" + late.getOrDefault("kept", ""));
            row(
                    how + ", completion phase (held before record-completion)",
                    c,
                    "the retry" + late.getOrDefault("completion", ""));
            for (Timed t : List.of(i, u, kp)) {
                assertThat(t.ms())
                        .as("document within the phase budget")
                        .isLessThan(PHASE_BUDGET.toMillis());
            }
            assertThat(load.done.get()).as("the load on b went on").isPositive();
        }
    }

    /**
     * SIGSTOP of hub f while it renders a numbered document: the retry on b takes the claim over
     * after the lease timeout and makes the document under the same 発行番号; after SIGCONT, f answers
     * that transaction with a documented code and keeps nothing of it, then serves again.
     */
    @Test
    @Order(3)
    void anInstanceFrozenInTheIssuePhase() throws Exception {
        try (Load load = new Load(List.of(b), 1)) {
            ObjectNode c = available(true);
            int before = holds(f, "render-pdf");
            CompletableFuture<Reply> onF =
                    CompletableFuture.supplyAsync(() -> post(f, "/certificates", c));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> holds(f, "render-pdf") > before);
            String takenOnF = number(c);
            assertThat(takenOnF).isNotNull();
            long frozenAt = System.nanoTime();
            f.signal("STOP");
            Timed retry;
            try {
                retry = phase("/certificates", c, List.of(b), frozenAt);
            } finally {
                f.signal("CONT");
            }
            long wokeAt = System.nanoTime();
            Reply doc = expect200(retry.reply());
            keep(c, doc);
            assertThat(doc.number()).isEqualTo(takenOnF);
            Reply late = onF.get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(late.what())
                    .as("f, woken up, answers the taken-over transaction with a documented code")
                    .isIn("409 TRANSACTION_IN_PROGRESS", "503 DEADLINE_PASSED");
            // f serves again, without an operator: a whole conversation on f
            ObjectNode d = available(false);
            Timed fresh = phase("/availability", d, List.of(f), wokeAt);
            expect200(fresh.reply());
            keep(d, expect200(phase("/certificates", d, List.of(f), wokeAt).reply()));
            expect200(phase("/completions", completion(d), List.of(f), wokeAt).reply());
            expect200(phase("/completions", completion(c), List.of(f), wokeAt).reply());
            assertThat(
                            db.queryForObject(
                                    "select count(*) from issuance_transaction where transaction_id = ?"
                                            + " and issue_number = ?",
                                    Long.class,
                                    c.path("transaction").asText(),
                                    takenOnF))
                    .isEqualTo(1);
            row(
                    "SIGSTOP, issue phase (numbered, held before render-pdf), SIGCONT after the"
                            + " retry's document",
                    retry,
                    "the retry; f after SIGCONT: " + late.what());
            table.put(
                    "SIGCONT: the frozen hub serves again",
                    new String[] {
                        "—", "availability on f " + fresh.reply().what(), fresh.ms() + " ms"
                    });
            assertThat(load.done.get()).isPositive();
        }
    }

    /**
     * Hub f frozen (SIGSTOP) inside its numbering transaction, holding the issue_counter row lock
     * (the proxy holds PostgreSQL's answers to f's {@code update issue_counter}, so f's session
     * sits idle in the transaction, then f is frozen): numbering on b waits at most {@code
     * kofu.db.lock-timeout-ms} per try (503 UNAVAILABLE, asked again), and PostgreSQL ends f's
     * session after {@code kofu.db.idle-in-transaction-timeout-ms}: b numbers again, f's number is
     * never spent.
     */
    @Test
    @Order(4)
    void aFrozenInstanceHoldingTheCounterLock() throws Exception {
        try (Load load = new Load(List.of(b), 1)) {
            ObjectNode c = available(true);
            long heldBefore = pgProxy.holds();
            pgProxy.holdAnswersAfter("update issue_counter");
            CompletableFuture<Reply> onF =
                    CompletableFuture.supplyAsync(() -> post(f, "/certificates", c));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> pgProxy.holds() > heldBefore);
            long frozenAt = System.nanoTime();
            f.signal("STOP");
            Timed elsewhere;
            Timed retry;
            try {
                ObjectNode d = available(true);
                elsewhere = phase("/certificates", d, List.of(b), frozenAt);
                keep(d, expect200(elsewhere.reply()));
                expect200(
                        phase("/completions", completion(d), List.of(b), System.nanoTime())
                                .reply());
                retry = phase("/certificates", c, List.of(b), frozenAt);
                keep(c, expect200(retry.reply()));
            } finally {
                f.signal("CONT");
                pgProxy.releaseHeld();
            }
            Reply late = onF.get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(late.what())
                    .as("f, woken up, answers its lost numbering with a documented code")
                    .isIn("503 UNAVAILABLE", "409 TRANSACTION_IN_PROGRESS", "503 DEADLINE_PASSED");
            expect200(
                    phase("/completions", completion(c), List.of(b, f), System.nanoTime()).reply());
            row(
                    "SIGSTOP inside the numbering transaction (issue_counter row locked): a new"
                            + " conversation numbered on b",
                    elsewhere,
                    "numbering on b");
            row(
                    "the same: the frozen hub's transaction retried on b",
                    retry,
                    "the retry; f after SIGCONT: " + late.what());
            assertThat(load.done.get()).isPositive();
        }
    }

    /** f's connection to PostgreSQL delayed by 150 ms each way, under load on b and f. */
    @Test
    @Order(5)
    void theDatabaseConnectionDelayed() throws Exception {
        try (Load load = new Load(List.of(b, f), 2)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.doneOn("f") >= 1);
            pgProxy.delay(150);
            int before = load.doneOn("f");
            long from = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).until(() -> load.doneOn("f") >= before + 2);
            long ms = (System.nanoTime() - from) / 1_000_000;
            pgProxy.pass();
            table.put(
                    "PostgreSQL link of f delayed 150 ms per chunk",
                    new String[] {
                        "none needed",
                        "slower answers: " + load.seen(),
                        "2 conversations on f in " + ms + " ms"
                    });
        }
    }

    /** f's connections to PostgreSQL cut mid-load (all at once); Hikari must reconnect. */
    @Test
    @Order(6)
    void theDatabaseConnectionCut() throws Exception {
        try (Load load = new Load(List.of(b, f), 2)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.doneOn("f") >= 1);
            int before = load.doneOn("f");
            long cutAt = System.nanoTime();
            pgProxy.cut();
            await().atMost(Duration.ofSeconds(90)).until(() -> load.doneOn("f") > before);
            long ms = (System.nanoTime() - cutAt) / 1_000_000;
            table.put(
                    "PostgreSQL connections of f cut (all, mid-load)",
                    new String[] {
                        "at the next statement",
                        load.seen().toString(),
                        ms + " ms to the next conversation done on f"
                    });
        }
    }

    /**
     * f's PostgreSQL link blackholed for 8 s (bytes held, new connections unanswered): its
     * heartbeat stops, its claims lapse; the centre's retries on b go on.
     */
    @Test
    @Order(7)
    void theDatabaseConnectionBlackholed() throws Exception {
        try (Load load = new Load(List.of(b, f), 2)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.doneOn("f") >= 1);
            pgProxy.blackhole();
            long at = System.nanoTime();
            await().pollDelay(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(9))
                    .until(() -> true);
            pgProxy.pass();
            int before = load.doneOn("f");
            await().atMost(Duration.ofSeconds(90)).until(() -> load.doneOn("f") > before);
            long ms = (System.nanoTime() - at) / 1_000_000 - 8_000;
            table.put(
                    "PostgreSQL link of f blackholed 8 s",
                    new String[] {
                        "f's heartbeat stale after 5 s",
                        load.seen().toString(),
                        ms + " ms after the link is back"
                    });
        }
    }

    /** PostgreSQL restarted under both hubs mid-load. */
    @Test
    @Order(8)
    void postgresRestarted() throws Exception {
        try (Load load = new Load(List.of(b, f), 2)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.doneOn("b") >= 1);
            long at = System.nanoTime();
            pg.close();
            startPostgres();
            long upMs = (System.nanoTime() - at) / 1_000_000;
            int beforeB = load.doneOn("b"), beforeF = load.doneOn("f");
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> load.doneOn("b") > beforeB && load.doneOn("f") > beforeF);
            long ms = (System.nanoTime() - at) / 1_000_000;
            table.put(
                    "PostgreSQL restarted (fast shutdown, " + upMs + " ms down)",
                    new String[] {
                        "at the next statement",
                        load.seen().toString(),
                        ms + " ms from the stop to a conversation done on each hub"
                    });
        }
    }

    /** What every fault must leave: the right holder, one number per transaction, no gap. */
    @Test
    @Order(99)
    void everyDocumentAndEveryNumber() throws Exception {
        assertThat(failures).as("answers the protocol does not allow").isEmpty();
        assertThat(docs).isNotEmpty();
        Map<String, String> numberOfTx = new HashMap<>();
        Set<String> txOfNumber = new HashSet<>();
        for (Doc d : docs) {
            Optional<String> why =
                    holders.check(d.pdf(), atenaBySerial.get(d.serial()), d.number());
            assertThat(why)
                    .as("document of tx %s (%s) from %s", d.tx(), d.number(), d.hub())
                    .isEmpty();
            String was = numberOfTx.putIfAbsent(d.tx(), d.number());
            assertThat(was == null || was.equals(d.number()))
                    .as("tx %s answered %s and %s", d.tx(), was, d.number())
                    .isTrue();
            if (was == null) {
                assertThat(txOfNumber.add(d.number()))
                        .as("発行番号 %s for two transactions", d.number())
                        .isTrue();
            }
        }
        jp.kofuhub.support.IssueNumberChecks.noNumberTwiceOrSkipped(db, CITY);
        System.out.printf(
                Locale.ROOT,
                "FaultSuiteIT: %d documents checked, %d transactions%n",
                docs.size(),
                numberOfTx.size());
    }

    // ------------------------------------------------------------------ the centre

    ObjectNode conversation() {
        int n = nextTx.getAndIncrement();
        return JSON.createObjectNode()
                .put("transaction", txBase + "x" + n)
                .put("municipality", CITY)
                .put("serial", serials.get(n % serials.size()))
                .put("kind", "JUMINHYO")
                .put("store", "S0001");
    }

    /**
     * A conversation whose card holder may have the document (phase 1 asked on b; with {@code
     * asked} false under another transaction id, so the conversation's own phase 1 is still to do).
     */
    ObjectNode available(boolean asked) {
        while (true) {
            ObjectNode c = conversation();
            ObjectNode probe =
                    asked
                            ? c
                            : c.deepCopy().put("transaction", c.path("transaction").asText() + "p");
            Reply r = post(b, "/availability", probe);
            if (r.status() == 200 && r.code().isEmpty()) {
                return c;
            }
        }
    }

    static ObjectNode completion(ObjectNode c) {
        return JSON.createObjectNode()
                .put("transaction", c.path("transaction").asText())
                .put("outcome", "PRINTED");
    }

    Reply post(HubProcess hub, String path, ObjectNode body) {
        String name = names.get(hub);
        try {
            HttpResponse<byte[]> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/v1" + path))
                                    .timeout(REQUEST_TIMEOUT)
                                    .header("Content-Type", "application/json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    body.deepCopy()
                                                            .put(
                                                                    "sentAt",
                                                                    java.time.OffsetDateTime.now()
                                                                            .toString())
                                                            .put(
                                                                    "nonce",
                                                                    java.util
                                                                            .UUID
                                                                            .randomUUID()
                                                                            .toString()
                                                                            .replace("-", ""))
                                                            .toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            String code = "";
            if (r.statusCode() != 200 || path.equals("/availability")) {
                try {
                    JsonNode j = JSON.readTree(r.body());
                    code = j.path("code").asText("");
                    if (path.equals("/availability") && r.statusCode() == 200) {
                        JsonNode kind = j.path("kinds").path(0);
                        code = kind.path("available").asBoolean() ? "" : kind.path("code").asText();
                    }
                } catch (IOException notJson) {
                    code = "(not JSON)";
                }
            }
            return new Reply(
                    r.statusCode(),
                    code,
                    r.body(),
                    r.headers().firstValue("X-Kofu-Issue-Number").orElse(null),
                    name);
        } catch (IOException e) {
            return new Reply(-1, e.getClass().getSimpleName(), new byte[0], null, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "interrupted", new byte[0], null, name);
        }
    }

    record Timed(Reply reply, long ms, Map<String, Integer> seen) {}

    /**
     * One phase as the centre runs it: asked on the first hub, then again every second on the
     * others in turn while the answer is a broken connection or a transient code, within {@link
     * #PHASE_BUDGET}. The time is counted from {@code since} to the final answer.
     */
    Timed phase(String path, ObjectNode body, List<HubProcess> hubs, long since) {
        AtomicReference<Reply> last = new AtomicReference<>();
        AtomicInteger attempt = new AtomicInteger();
        Map<String, Integer> seen = new TreeMap<>();
        // every attempt: hub, answer, ms from the phase's start to the answer; the one in flight
        List<String> trace = new CopyOnWriteArrayList<>();
        AtomicReference<String> inFlight = new AtomicReference<>("");
        long start = System.nanoTime();
        try {
            phaseAttempts(path, body, hubs, last, attempt, seen, trace, inFlight, start);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(
                    String.format(
                            "during %s, %s of tx %s not done within %s: attempts %s; in flight: %s",
                            fault,
                            path,
                            body.path("transaction").asText(),
                            PHASE_BUDGET,
                            trace,
                            inFlight.get()),
                    e);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        if (took > PHASE_BUDGET.toMillis() / 2) {
            System.out.printf(
                    "slow phase during %s: %s of tx %s %d ms: %s%n",
                    fault, path, body.path("transaction").asText(), took, trace);
        }
        return new Timed(last.get(), (System.nanoTime() - since) / 1_000_000, seen);
    }

    private void phaseAttempts(
            String path,
            ObjectNode body,
            List<HubProcess> hubs,
            AtomicReference<Reply> last,
            AtomicInteger attempt,
            Map<String, Integer> seen,
            List<String> trace,
            AtomicReference<String> inFlight,
            long start) {
        await().atMost(PHASE_BUDGET)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            HubProcess h = hubs.get(attempt.getAndIncrement() % hubs.size());
                            long at = (System.nanoTime() - start) / 1_000_000;
                            inFlight.set("on " + names.get(h) + " since " + at + " ms");
                            Reply r = post(h, path, body);
                            inFlight.set("");
                            trace.add(
                                    r.hub()
                                            + " "
                                            + r.what()
                                            + " "
                                            + at
                                            + "-"
                                            + (System.nanoTime() - start) / 1_000_000
                                            + " ms");
                            last.set(r);
                            if (r.status() != 200) {
                                seen.merge(r.what() + " (" + r.hub() + ")", 1, Integer::sum);
                            }
                            if (r.status() < 0 || TRANSIENT.contains(r.what())) {
                                return false;
                            }
                            if (r.status() != 200 && r.status() != 422) {
                                if (failures.size() > 50) {
                                    throw new IllegalStateException(
                                            "too many failures: " + failures);
                                }
                                failures.add(
                                        body.path("transaction").asText()
                                                + " "
                                                + path
                                                + " on "
                                                + r.hub()
                                                + ": "
                                                + r.what());
                            }
                            return true;
                        });
    }

    Reply expect200(Reply r) {
        assertThat(r.status()).as("%s on %s", r.what(), r.hub()).isEqualTo(200);
        assertThat(r.code()).as("available").isEmpty();
        return r;
    }

    void keep(ObjectNode c, Reply doc) {
        docs.add(
                new Doc(
                        c.path("transaction").asText(),
                        c.path("serial").asText(),
                        doc.number(),
                        doc.body(),
                        doc.hub()));
    }

    /** The transaction's state (ISSUING, ISSUED, …); null when it has no row yet. */
    String state(ObjectNode c) {
        return transactionColumn(c, "state");
    }

    /** The 発行番号 the transaction holds; null when it has none or no row yet. */
    String number(ObjectNode c) {
        return transactionColumn(c, "issue_number");
    }

    private String transactionColumn(ObjectNode c, String column) {
        return db
                .queryForList(
                        "select " + column + " from issuance_transaction where transaction_id = ?",
                        String.class,
                        c.path("transaction").asText())
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    static int holds(HubProcess h, String step) {
        String log = h.log();
        String needle = "before step " + step + " ";
        int n = 0;
        for (int i = log.indexOf(needle); i >= 0; i = log.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    void row(String fault, Timed t, String what) {
        table.put(
                fault,
                new String[] {
                    "the centre's connection breaks at the kill or freeze",
                    t.seen() + " then " + t.reply().what() + " (" + what + ")",
                    t.ms() + " ms"
                });
    }

    String markdown() {
        StringBuilder s =
                new StringBuilder(
                        "| fault | detection | what the centre sees | recovery (from the fault) |\n|---|---|---|---|\n");
        table.forEach(
                (k, v) ->
                        s.append("| ")
                                .append(k)
                                .append(" | ")
                                .append(String.join(" | ", v))
                                .append(" |\n"));
        return s.toString();
    }

    /** The centre's background conversations on some hubs, every phase on the next hub. */
    final class Load implements AutoCloseable {
        final List<HubProcess> hubs;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger done = new AtomicInteger();
        final Map<String, AtomicInteger> donePerHub = new ConcurrentHashMap<>();
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        final ExecutorService threads;
        final List<Future<?>> running = new CopyOnWriteArrayList<>();
        final AtomicInteger turn = new AtomicInteger();

        Load(List<HubProcess> hubs, int clients) {
            this.hubs = hubs;
            threads = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                running.add(threads.submit(this::drive));
            }
        }

        int doneOn(String hub) {
            return donePerHub.computeIfAbsent(hub, x -> new AtomicInteger()).get();
        }

        Map<String, Integer> seen() {
            return new TreeMap<>(seen);
        }

        private List<HubProcess> order() {
            int t = turn.getAndIncrement();
            List<HubProcess> o = new ArrayList<>();
            for (int i = 0; i < hubs.size(); i++) {
                o.add(hubs.get((t + i) % hubs.size()));
            }
            return o;
        }

        void drive() {
            while (!stop.get()) {
                try {
                    conversationWithRetries();
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof org.awaitility.core.ConditionTimeoutException)) {
                        throw e;
                    }
                    failures.add(e.getMessage());
                }
            }
        }

        void conversationWithRetries() {
            {
                ObjectNode c = conversation();
                long t = System.nanoTime();
                Timed a = phase("/availability", c, order(), t);
                a.seen().forEach((k, v) -> seen.merge(k, v, Integer::sum));
                if (a.reply().status() != 200 || !a.reply().code().isEmpty()) {
                    return;
                }
                Timed i = phase("/certificates", c, order(), t);
                i.seen().forEach((k, v) -> seen.merge(k, v, Integer::sum));
                if (i.reply().status() == 200) {
                    keep(c, i.reply());
                } else {
                    return;
                }
                Timed d = phase("/completions", completion(c), order(), t);
                d.seen().forEach((k, v) -> seen.merge(k, v, Integer::sum));
                if (d.reply().status() == 200) {
                    done.incrementAndGet();
                    donePerHub
                            .computeIfAbsent(i.reply().hub(), x -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> r : running) {
                r.get(3, TimeUnit.MINUTES);
            }
            threads.shutdownNow();
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
