package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #22, "the inbox disk full while a FULL is decrypted": a signed and encrypted FULL whose
 * plaintext does not fit in the work folder ({@code kofu.sync.pgp.work-dir}) while certificates are
 * issued from the replica. Expected, and checked: nothing of the FULL is applied (the replica keeps
 * the previous data and every certificate issued meanwhile shows it), no partial plaintext is left
 * in the work folder, the file is neither applied nor quarantined but waits in the inbox with the
 * documented code {@code WORK_DIR_FULL} (health component {@code syncWork} DOWN with the file, one
 * WARN line naming file and code, no personal data), retries cost no decryption until the room has
 * grown, and the same file is applied without an operator once there is room again.
 *
 * <p>Two faults: the hub's own byte cap ({@code kofu.sync.pgp.work-max-bytes}, 3 MiB here) with
 * another file taking most of it (always run), and a real full disk — a 1.5 MiB tmpfs mounted over
 * the work folder, "no space left on device" from the kernel, then remounted larger (only where
 * {@code mount} is permitted: root with CAP_SYS_ADMIN; skipped otherwise). Municipality 990081 (a
 * copy of 札幌市's profile) is this class's own; ordered, FULL 1, 2, 3. Last, an operator's retry of a
 * quarantined file while there is no room answers {@code WORK_DIR_FULL} and keeps it.
 */
@ContextConfiguration(initializers = InboxDiskFullOnH2Test.InboxFullHub.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InboxDiskFullOnH2Test extends HubTestBase {

    static final String CITY = "990081";
    static final String HEAD = atena(81001);
    static final String CARD = "IF00000000000001";
    static final String ADDRESS_1 = "北海道札幌市中央区北一条西１丁目１番地";
    static final String ADDRESS_2 = "北海道札幌市中央区北二条西２丁目２番地";
    static final String ADDRESS_3 = "北海道札幌市中央区北三条西３丁目３番地";
    static final long CAP = 3L << 20;
    static final char[] PASSWORD = "changeit-demo".toCharArray();

    /**
     * The shared in-memory H2, folders of its own, signed files required, the work folder capped at
     * 3 MiB with no reserve (the tmpfs of test 2 is smaller than any reserve), profile 990081.
     */
    static class InboxFullHub extends TestHub {
        InboxFullHub() {
            super(
                    hub("h2-inbox-full")
                            .with(
                                    w -> {
                                        w.copyProfile("011002-sapporo.yaml", CITY, "inboxfull");
                                        return Map.of(
                                                "kofu.sync.pgp.required",
                                                "true",
                                                "kofu.sync.inbox-uri",
                                                "file:"
                                                        + w.inbox()
                                                        + "?include=.*\\.kexp(\\.pgp)?&sortBy=file:name"
                                                        + "&delete=true&delay=100",
                                                "kofu.sync.pgp.work-dir",
                                                w.dir().resolve("sync-work").toString(),
                                                "kofu.sync.pgp.work-max-bytes",
                                                Long.toString(CAP),
                                                "kofu.sync.pgp.work-reserve-bytes",
                                                "0");
                                    }));
        }
    }

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired SyncWorkSpace space;

    Path scratch;

    /** The plaintext size of the last file {@link #full} made. */
    long plainBytes;

    @BeforeAll
    static void startCapturing() {
        LOGS.setName("inbox-disk-full");
        LOGS.list.clear();
        LOGS.start();
    }

    @BeforeEach
    void setUp() throws IOException {
        if (root().getAppender(LOGS.getName()) == null) {
            root().addAppender(LOGS);
        }
        scratch = Files.createTempDirectory("kofu-inbox-full-");
    }

    @AfterEach
    void cleanScratch() throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @AfterAll
    static void stopCapturing() {
        root().detachAppender(LOGS);
        LOGS.stop();
    }

    /** A copy of the captured events (the appender adds to its list under its own lock). */
    private static List<ILoggingEvent> logs() {
        synchronized (LOGS) {
            return new ArrayList<>(LOGS.list);
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    // ---- files ----

    /**
     * A FULL of 990081: the head's household at {@code address} with his card, and {@code bulk}
     * one-person households (H + R each, about 450 bytes), so the plaintext is {@code bulk} × ~450
     * bytes. Sealed by juki for the hub (compressed: the received file is far smaller).
     */
    private Path full(long seq, String address, int bulk, int bulkBase) throws Exception {
        List<Object[]> r = new ArrayList<>();
        r.add(rec(RecordType.H, household("10", HEAD, address)));
        r.add(
                rec(
                        RecordType.R,
                        resident(
                                HEAD,
                                1,
                                "10",
                                "満杯",
                                "一郎",
                                "世帯主",
                                LocalDate.of(1970, 1, 1),
                                "RESIDENT")));
        r.add(rec(RecordType.C, card(CARD, HEAD)));
        for (int i = 0; i < bulk; i++) {
            String a = atena(bulkBase + i);
            String h = Integer.toString(1000 + i);
            r.add(rec(RecordType.H, household(h, a, address)));
            r.add(
                    rec(
                            RecordType.R,
                            resident(
                                    a,
                                    1,
                                    h,
                                    "容量",
                                    "太郎",
                                    "世帯主",
                                    LocalDate.of(1950, 1, 1).plusDays(i),
                                    "RESIDENT")));
        }
        Path plain =
                TestRecords.write(
                        scratch,
                        CITY,
                        seq,
                        Kind.FULL,
                        StandardCharsets.UTF_8,
                        r.toArray(new Object[0][]));
        plainBytes = Files.size(plain);
        return PgpFiles.seal(
                plain,
                scratch.resolve(plain.getFileName() + ".pgp"),
                PgpFiles.unlock(
                        PgpFiles.signingKey(
                                PgpFiles.secretKeys(TestHub.KEYS.resolve("juki.pgp.sec"))),
                        PASSWORD),
                PgpFiles.encryptionKey(PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub"))),
                false);
    }

    private Path deliver(Path sealed) throws IOException {
        return Files.move(
                sealed, inbox.resolve(sealed.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private boolean applied(long seq) {
        return count(
                        "select count(*) from sync_file where municipality_code = ? and sequence_no = ?",
                        CITY,
                        seq)
                == 1;
    }

    private long residents(String atena) {
        return count(
                "select count(*) from resident where municipality_code = ? and atena_no = ?",
                CITY,
                atena);
    }

    private List<String> workFiles() throws IOException {
        if (!Files.isDirectory(space.dir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(space.dir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private JsonNode syncWorkHealth() throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(baseUrl() + "/actuator/health/syncWork"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /**
     * Certificates for the head, issued one after the other until stopped: each must be answered
     * 200 and show {@code address}.
     */
    private final class Issuing implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger issued = new AtomicInteger();
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        final Future<?> loop;

        Issuing(String address) {
            loop =
                    pool.submit(
                            () -> {
                                while (running.get()) {
                                    HttpResponse<byte[]> r =
                                            Http.post(
                                                    baseUrl() + "/api/v1/certificates",
                                                    "application/json",
                                                    Http.issueJson(CITY, CARD, "JUMINHYO"));
                                    if (r.statusCode() != 200) {
                                        wrong.add(r.statusCode() + " " + Http.body(r));
                                    } else if (!Pdfs.compact(Pdfs.text(r.body()))
                                            .contains(Pdfs.compact(address))) {
                                        wrong.add("a certificate without the previous address");
                                    } else {
                                        issued.incrementAndGet();
                                    }
                                }
                                return null;
                            });
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            loop.get(60, TimeUnit.SECONDS);
            pool.shutdown();
        }
    }

    private void assertWaitsUntouched(Path delivered, long seq, String bulkAtena) throws Exception {
        String name = delivered.getFileName().toString();
        // tried again and again (each try after the first refused before a byte is decrypted)
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                space.waiting().stream()
                                        .anyMatch(w -> w.file().equals(name) && w.attempts() >= 5));
        SyncWorkSpace.Waiting w =
                space.waiting().stream().filter(x -> x.file().equals(name)).findFirst().get();
        assertThat(w.reachedBytes()).isPositive(); // it was being decrypted when the room ran out
        assertThat(w.neededBytes()).isGreaterThan(w.reachedBytes());
        // nothing applied, not quarantined, still in the inbox, no partial plaintext left
        assertThat(applied(seq)).isFalse();
        assertThat(residents(bulkAtena)).isZero();
        assertThat(delivered).exists();
        try (Stream<Path> q = Files.list(quarantine)) {
            assertThat(q.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(f -> f.contains(CITY + "_JUKI_00000000" + seq));
        }
        assertThat(workFiles()).noneMatch(f -> f.startsWith(".decrypt-"));
        // health: syncWork DOWN, the file with its code
        JsonNode h = syncWorkHealth();
        assertThat(h.path("status").asText()).isEqualTo("DOWN");
        assertThat(h.path("details").path("waiting").path(name).path("code").asText())
                .isEqualTo("WORK_DIR_FULL");
        // not part of readiness: the instance stays in the centre's pool
        HttpResponse<String> ready =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        baseUrl() + "/actuator/health/readiness"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        // the log: the hub's own WARN line for the file once, with its code (Camel's file consumer
        // adds its "Rollback file strategy" WARN at every poll, as for every file left in the
        // inbox); no ERROR, no stack trace; no personal data
        List<String> warns =
                logs().stream()
                        .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                        .filter(e -> e.getLoggerName().equals(SyncWorkSpace.class.getName()))
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains(name))
                        .toList();
        assertThat(warns).hasSize(1);
        assertThat(
                        logs().stream()
                                .filter(e -> e.getFormattedMessage().contains(name))
                                .filter(
                                        e ->
                                                e.getLevel() == ch.qos.logback.classic.Level.ERROR
                                                        || e.getThrowableProxy() != null)
                                .map(ILoggingEvent::getFormattedMessage))
                .isEmpty();
        assertThat(warns.get(0))
                .contains("WORK_DIR_FULL")
                .contains("not quarantined")
                .contains("stays where it is");
        assertThat(logs().stream().map(ILoggingEvent::getFormattedMessage))
                .noneMatch(m -> m.contains("満杯") || m.contains("容量") || m.contains(HEAD))
                .noneMatch(m -> m.contains(bulkAtena) || m.contains(CARD));
    }

    @Test
    @Order(1)
    void aFullThatPassesTheWorkFoldersCapWaitsUnappliedAndIsAppliedOnceThereIsRoom()
            throws Exception {
        Path first = deliver(full(1, ADDRESS_1, 0, 0));
        await().atMost(SYNC_WAIT).until(() -> applied(1));
        await().atMost(SYNC_WAIT).until(() -> !Files.exists(first));

        // another file takes 2 of the folder's 3 MiB; FULL 2 (more than 1 MiB of plaintext, far
        // less received) starts, and runs out of room after 1 MiB
        Files.createDirectories(space.dir());
        Path other = space.dir().resolve("other-use.bin");
        Files.write(other, new byte[2 << 20]);
        String bulkAtena = atena(820000);
        Path sealed = full(2, ADDRESS_2, 5000, 820000);
        long received = Files.size(sealed);
        long plain2 = plainBytes;
        assertThat(plain2).isGreaterThan(1L << 20); // more than the room left under the cap
        assertThat(received).isLessThan(1L << 20);
        long t0;
        try (Issuing issuing = new Issuing(ADDRESS_1)) {
            Path delivered = deliver(sealed);
            assertWaitsUntouched(delivered, 2, bulkAtena);
            int before = issuing.issued.get();
            await().atMost(SYNC_WAIT).until(() -> issuing.issued.get() >= before + 2);
            assertThat(issuing.wrong).isEmpty();

            // room again: the other file goes, no operator step
            Files.delete(other);
            t0 = System.nanoTime();
            await().atMost(SYNC_WAIT).until(() -> space.waiting().isEmpty());
            long decryptedMs = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(SYNC_WAIT).until(() -> applied(2));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(SYNC_WAIT).until(() -> !Files.exists(delivered));
            System.out.printf(
                    "InboxDiskFullOnH2Test: cap: FULL 2 (%d bytes plain, %d received) decrypted"
                            + " %d ms and applied %d ms after"
                            + " the room came back; %d refusals; %d certificates issued"
                            + " meanwhile%n",
                    plain2, received, decryptedMs, ms, space.refusals(), issuing.issued.get());
        }
        assertThat(residents(bulkAtena)).isEqualTo(1);
        assertThat(workFiles()).isEmpty();
        assertThat(space.waiting()).isEmpty();
        assertThat(syncWorkHealth().path("status").asText()).isEqualTo("UP");
        assertThat(
                        logs().stream()
                                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
                                .map(ILoggingEvent::getFormattedMessage))
                .anyMatch(m -> m.contains("room in the work folder again"));
        // the certificate now shows FULL 2's address
        HttpResponse<byte[]> r =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson(CITY, CARD, "JUMINHYO"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Pdfs.compact(Pdfs.text(r.body()))).contains(Pdfs.compact(ADDRESS_2));
    }

    @Test
    @Order(2)
    void aRealFullDiskUnderTheWorkFolderIsTheSameFault() throws Exception {
        Path dir = space.dir();
        Files.createDirectories(dir);
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=1536k,mode=0700", "tmpfs", dir.toString()),
                "mount is not permitted here (needs root with CAP_SYS_ADMIN)");
        try {
            String bulkAtena = atena(830000);
            Path sealed = full(3, ADDRESS_3, 12000, 830000);
            assertThat(plainBytes).isGreaterThan(2L << 20); // more than the tmpfs holds
            try (Issuing issuing = new Issuing(ADDRESS_2)) {
                Path delivered = deliver(sealed);
                assertWaitsUntouched(delivered, 3, bulkAtena);
                // the first refusal was the kernel's (the later ones: before decrypting)
                String name = delivered.getFileName().toString();
                assertThat(
                                logs().stream()
                                        .filter(
                                                e ->
                                                        e.getLoggerName()
                                                                .equals(
                                                                        SyncWorkSpace.class
                                                                                .getName()))
                                        .map(ILoggingEvent::getFormattedMessage)
                                        .filter(
                                                m ->
                                                        m.contains(name)
                                                                && m.contains("WORK_DIR_FULL")))
                        .singleElement()
                        .asString()
                        .contains("the disk is full (No space left on device)");
                int before = issuing.issued.get();
                await().atMost(SYNC_WAIT).until(() -> issuing.issued.get() >= before + 2);
                assertThat(issuing.wrong).isEmpty();

                // the operator of the volume (not of the hub) makes room
                assertThat(run("mount", "-o", "remount,size=8m", dir.toString())).isTrue();
                long t0 = System.nanoTime();
                await().atMost(SYNC_WAIT).until(() -> applied(3));
                System.out.printf(
                        "InboxDiskFullOnH2Test: tmpfs: FULL 3 (%d bytes plain) applied %d ms after"
                                + " the remount; %d certificates issued meanwhile%n",
                        plainBytes, (System.nanoTime() - t0) / 1_000_000, issuing.issued.get());
                await().atMost(SYNC_WAIT).until(() -> !Files.exists(delivered));
            }
            assertThat(residents(bulkAtena)).isEqualTo(1);
            assertThat(workFiles()).isEmpty();
            assertThat(space.waiting()).isEmpty();
        } finally {
            run("umount", dir.toString());
        }
    }

    @Test
    @Order(3)
    void anOperatorsRetryOfAQuarantinedFileWithoutRoomAnswersWorkDirFullAndKeepsIt()
            throws Exception {
        // signed and encrypted, but named sequence 10 while its manifest says 9: NAME_MISMATCH
        Path sealed = full(9, ADDRESS_3, 0, 0);
        String name = CITY + "_JUKI_000000010_FULL.kexp.pgp";
        Files.move(sealed, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        Path reasonFile = awaitReasonFile(name);
        JsonNode reason = JSON.readTree(reasonFile.toFile());
        assertThat(reason.path("reason").asText()).isEqualTo("NAME_MISMATCH");
        String storedAs = reason.path("storedAs").asText();

        Files.createDirectories(space.dir());
        Path other = space.dir().resolve("other-use.bin");
        Files.write(other, new byte[(int) CAP]);
        try {
            JsonNode answer = retry(storedAs);
            assertThat(answer.path("outcome").asText()).isEqualTo("WORK_DIR_FULL");
            assertThat(answer.path("detail").asText()).contains("kofu.sync.pgp.work-max-bytes");
            // kept as it was
            assertThat(JSON.readTree(reasonFile.toFile()).path("reason").asText())
                    .isEqualTo("NAME_MISMATCH");
            assertThat(reasonFile.resolveSibling(storedAs)).exists();
            assertThat(workFiles()).containsExactly("other-use.bin");
        } finally {
            Files.delete(other);
        }
        // room again: decrypted and checked again — still NAME_MISMATCH, nothing waits any more
        JsonNode again = retry(storedAs);
        assertThat(again.path("outcome").asText()).isEqualTo("STILL_QUARANTINED");
        assertThat(again.path("reason").asText()).isEqualTo("NAME_MISMATCH");
        assertThat(workFiles()).isEmpty();
        assertThat(space.waiting()).isEmpty();
    }

    private JsonNode retry(String storedAs) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        baseUrl()
                                                                + "/actuator/quarantine/"
                                                                + storedAs))
                                        .header("Content-Type", "application/json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"operator\":\"tanaka\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!ok) {
                System.out.println("InboxDiskFullOnH2Test: " + String.join(" ", cmd) + ": " + out);
            }
            return ok;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
