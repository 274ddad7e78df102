package jp.kofuhub.attack;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import jp.kofuhub.attack.Bombs.Algo;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import jp.kofuhub.keys.Tls;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #16, finding 2: decompression bombs on each boundary of the hub ({@link BombHub}:
 * production settings, the shipped inflation limits). A bomb is a few hundred bytes to ~1 MB of
 * OpenPGP that inflates to 48 MiB – 1 GiB of zeros ({@link Bombs}: bzip2, zlib and zip; signed with
 * the sender's real key, or forged from public keys only). Each is refused with its documented code
 * while it streams — the refusal names the limit it crossed (the bounded work) — and changes
 * nothing:
 *
 * <ul>
 *   <li>centre HTTP: 413 {@code REQUEST_TOO_LARGE}, plain JSON, no transaction or nonce kept; four
 *       at once too (each 256 MiB: before the fix, OutOfMemoryError and 500s);
 *   <li>inbox: the {@code .kexp.pgp} quarantined whole, reason {@code MESSAGE_TOO_LARGE}, nothing
 *       applied, no temporary file left; a good file applies after them;
 *   <li>koseki answers (a real HTTPS server with the koseki server's certificate): refused {@code
 *       MESSAGE_TOO_LARGE} (logged with the transaction), the centre gets {@code
 *       KOSEKI_UNAVAILABLE}, the issuance VOIDED, no document.
 * </ul>
 *
 * Wall-clock bound: each centre refusal within {@value #GENEROUS_SECONDS} s — generous on a shared
 * 2-core machine; the "under a second" of the issue is shown by the bounded work (the message names
 * the limit crossed; memory: the four 256 MiB bombs at once in this -Xmx1g JVM). Municipality
 * {@value BombHub#CITY}.
 */
@ContextConfiguration(initializers = BombHub.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class BombAttackTest extends HubTestBase {

    static final String CITY = BombHub.CITY;
    static final long GENEROUS_SECONDS = 10;
    static final long GIB = 1024 * Bombs.MIB;
    static final String HEAD = atena(9711);
    static final String HEAD_CARD = "KB00000000000001";
    static final String HONSEKI = "北海道戸籍市本町一丁目1番地";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${kofu.sync.pgp.work-dir}")
    Path workDir;

    private long rows(String table) {
        return count("select count(*) from " + table);
    }

    // ---- the bombs themselves ----

    @Test
    @Order(0)
    void theBombsAreValidOpenPgpMessagesAndTheForgedOnesOnlyFailAtTheirSignature()
            throws Exception {
        PgpMessages hub =
                PgpMessages.ofParty(TestHub.KEYS, "hub", Bombs.PASSWORD, List.of("centre"));
        for (Algo algo : Algo.values()) {
            byte[] plain = hub.open(Bombs.signed(algo, 512 * 1024, "centre"), "centre");
            assertThat(plain).as(algo.name()).hasSize(512 * 1024).containsOnly(0);
            assertThatThrownBy(() -> hub.open(Bombs.forged(algo, 512 * 1024, "centre"), "centre"))
                    .isInstanceOfSatisfying(
                            PgpRefusedException.class,
                            e -> assertThat(e.code()).isEqualTo("BAD_SIGNATURE"));
        }
        // the ratios: 1 GiB of zeros in about 1 MB (zlib, zip) and in a few hundred bytes (bzip2)
        assertThat(Bombs.signed(Algo.BZIP2, 256 * Bombs.MIB, "centre")).hasSizeLessThan(2048);
        assertThat(Bombs.signed(Algo.ZLIB, 48 * Bombs.MIB, "centre")).hasSizeLessThan(64 * 1024);
    }

    // ---- the inbox ----

    @Test
    @Order(1)
    void exportFileBombsAreQuarantinedWholeWhileTheyStreamAndNothingIsApplied(CapturedOutput log)
            throws Exception {
        Map<String, byte[]> bombs = new LinkedHashMap<>();
        bombs.put(name(1), Bombs.signed(Algo.BZIP2, GIB, "juki"));
        bombs.put(name(2), Bombs.signed(Algo.ZLIB, GIB, "juki"));
        bombs.put(name(3), Bombs.signed(Algo.ZIP, GIB, "juki"));
        bombs.put(name(4), Bombs.forged(Algo.ZIP, GIB, "juki"));
        // four at once: written beside the inbox, then moved in together
        Path staging = Files.createTempDirectory(inbox.getParent(), "staging-");
        for (Map.Entry<String, byte[]> b : bombs.entrySet()) {
            Files.write(staging.resolve(b.getKey()), b.getValue());
        }
        for (String name : bombs.keySet()) {
            Files.move(staging.resolve(name), inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        for (Map.Entry<String, byte[]> b : bombs.entrySet()) {
            Path reasonFile = awaitReasonFile(b.getKey());
            JsonNode reason = JSON.readTree(reasonFile.toFile());
            assertThat(reason.path("reason").asText())
                    .as(b.getKey())
                    .isEqualTo("MESSAGE_TOO_LARGE");
            // the bounded work: refused at the ratio limit (1 MiB floor), not after inflating 1 GiB
            assertThat(reason.path("detail").asText()).contains("inflates more than 100 times");
            // quarantined whole, as received (still encrypted)
            assertThat(
                            quarantinedContent(
                                    reasonFile.resolveSibling(reason.path("storedAs").asText())))
                    .isEqualTo(b.getValue());
            assertThat(log.getAll()).contains("sync " + b.getKey() + ": refused MESSAGE_TOO_LARGE");
        }
        assertThat(appliedFiles(CITY)).isZero();
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isZero();
        try (var left = Files.list(workDir)) {
            assertThat(left.toList()).as("decrypted leftovers").isEmpty();
        }

        // the inbox still works: the city's real first file applies (the bombs used up no sequence)
        Path plain =
                TestRecords.write(
                        Files.createTempDirectory("bomb-city-"),
                        CITY,
                        "JUKI",
                        1,
                        Kind.FULL,
                        records());
        Path part = inbox.resolveSibling(plain.getFileName() + ".pgp");
        PgpFiles.sealForHub(plain, part, TestHub.KEYS, "JUKI", Bombs.PASSWORD);
        Files.move(part, inbox.resolve(part.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);
    }

    private static String name(int seq) {
        return CITY + "_JUKI_" + String.format("%09d", seq) + "_FULL.kexp.pgp";
    }

    private static Object[][] records() {
        String[] head =
                resident(HEAD, 1, "1", "戸籍", "爆弾", "世帯主", LocalDate.of(1970, 4, 1), "RESIDENT");
        set(head, "honseki", HONSEKI);
        set(head, "hittosha", "戸籍　爆弾");
        return new Object[][] {
            rec(RecordType.H, household("1", HEAD, "北海道戸籍市本町一丁目1番地")),
            rec(RecordType.R, head),
            rec(RecordType.C, card(HEAD_CARD, HEAD)),
        };
    }

    // ---- the centre ----

    @Test
    @Order(2)
    void centreRequestBombsGet413BeforeTheyInflateAndChangeNothing(CapturedOutput log)
            throws Exception {
        String url = baseUrl() + "/api/v1/certificates";
        long transactions = rows("issuance_transaction");
        long nonces = rows("message_nonce");
        List<byte[]> bombs =
                List.of(
                        Bombs.signed(Algo.BZIP2, 256 * Bombs.MIB, "centre"),
                        Bombs.forged(Algo.BZIP2, 256 * Bombs.MIB, "centre"),
                        Bombs.signed(Algo.ZLIB, 48 * Bombs.MIB, "centre"),
                        Bombs.forged(Algo.ZIP, 48 * Bombs.MIB, "centre"));
        for (byte[] bomb : bombs) {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = Http.postBytes(url, PgpMessages.MEDIA_TYPE, bomb);
            assertTooLarge(r);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(GENEROUS_SECONDS));
        }
        // four at once, 256 MiB each: more than this JVM's heap if any of them were inflated
        List<CompletableFuture<HttpResponse<byte[]>>> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] bomb = bombs.get(i % 2);
            four.add(
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return Http.postBytes(url, PgpMessages.MEDIA_TYPE, bomb);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }));
        }
        for (CompletableFuture<HttpResponse<byte[]>> f : four) {
            assertTooLarge(f.get());
        }
        assertThat(rows("issuance_transaction")).isEqualTo(transactions);
        assertThat(rows("message_nonce")).isEqualTo(nonces);
        assertThat(log.getAll())
                .contains(
                        "centre request refused before reading: REQUEST_TOO_LARGE HTTP 413 (exchange");

        // and the hub still opens a good request at once (an unknown card: refused after it was
        // read)
        HttpResponse<byte[]> fine =
                Http.postSealed(
                        baseUrl() + "/api/v1/availability",
                        "{\"transaction\":\""
                                + Http.newTransaction()
                                + "\",\"municipality\":\""
                                + CITY
                                + "\",\"serial\":\"KB99999999999999\"}");
        assertThat(fine.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(Http.opened(fine)).path("code").asText())
                .isEqualTo("UNKNOWN_CARD");
    }

    private static void assertTooLarge(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("ERROR");
        assertThat(body.path("code").asText()).isEqualTo("REQUEST_TOO_LARGE");
        // the bounded work: stopped at the 64 KiB limit
        assertThat(body.path("message").asText()).contains("inflates beyond 65536 bytes");
    }

    // ---- the koseki server's answers ----

    @Test
    @Order(3)
    void kosekiAnswerBombsAreRefusedWhileTheyStreamAndNoDocumentIsKept(CapturedOutput log)
            throws Exception {
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);
        AtomicReference<byte[]> answer = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(BombHub.KOSEKI_PORT), 16);
        server.setHttpsConfigurator(
                new HttpsConfigurator(Tls.context(TestHub.KEYS, "koseki-server", Bombs.PASSWORD)) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = getSSLContext().getDefaultSSLParameters();
                        p.setNeedClientAuth(true);
                        params.setSSLParameters(p);
                    }
                });
        server.createContext(
                "/",
                ex -> {
                    try (ex) {
                        ex.getRequestBody().readAllBytes();
                        calls.incrementAndGet();
                        byte[] body = answer.get();
                        ex.getResponseHeaders().set("Content-Type", PgpMessages.MEDIA_TYPE);
                        ex.getResponseHeaders().set("X-Koseki-Kind", "KOSEKI_KOJIN");
                        ex.sendResponseHeaders(200, body.length);
                        ex.getResponseBody().write(body);
                    }
                });
        server.start();
        try {
            long issued =
                    count(
                            "select count(*) from issuance_transaction where municipality_code = ? and state = 'ISSUED'",
                            CITY);
            for (byte[] bomb :
                    List.of(
                            Bombs.signed(Algo.ZLIB, GIB, "koseki-server"),
                            Bombs.signed(Algo.BZIP2, 256 * Bombs.MIB, "koseki-server"),
                            Bombs.forged(Algo.ZIP, GIB, "koseki-server"))) {
                answer.set(bomb);
                long voided =
                        count(
                                "select count(*) from issuance_history where municipality_code = ? and outcome = 'VOIDED'"
                                        + " and refusal_code = 'KOSEKI_UNAVAILABLE'",
                                CITY);
                String[] tx = new String[1];
                HttpResponse<byte[]> r = reaching(calls, tx);
                assertThat(r.statusCode()).isEqualTo(422);
                assertThat(r.headers().firstValue("X-Kofu-Issue-Number")).isEmpty();
                assertThat(JSON.readTree(Http.opened(r)).path("code").asText())
                        .isEqualTo("KOSEKI_UNAVAILABLE");
                assertThat(
                                count(
                                        "select count(*) from issuance_history where municipality_code = ? and outcome = 'VOIDED'"
                                                + " and refusal_code = 'KOSEKI_UNAVAILABLE'",
                                        CITY))
                        .isGreaterThan(voided);
                // logged with its code and transaction, not just an exception class
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        log.getAll()
                                                .lines()
                                                .anyMatch(
                                                        l ->
                                                                l.contains("koseki tx " + tx[0])
                                                                        && l.contains(
                                                                                "refused MESSAGE_TOO_LARGE")));
            }
            assertThat(
                            count(
                                    "select count(*) from issuance_transaction where municipality_code = ? and state = 'ISSUED'",
                                    CITY))
                    .isEqualTo(issued);
        } finally {
            server.stop(0);
        }
    }

    /**
     * Issues until a request reaches the server (a refused answer is a failure of the circuit
     * breaker, which opens after a few and half-opens after kofu.koseki.breaker-wait-seconds); the
     * transaction in {@code tx}.
     */
    private HttpResponse<byte[]> reaching(AtomicInteger calls, String[] tx) {
        int before = calls.get();
        AtomicReference<HttpResponse<byte[]>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            String t = Http.newTransaction();
                            last.set(
                                    Http.postSealed(
                                            baseUrl() + "/api/v1/certificates",
                                            "{\"transaction\":\""
                                                    + t
                                                    + "\",\"municipality\":\""
                                                    + CITY
                                                    + "\",\"serial\":\""
                                                    + HEAD_CARD
                                                    + "\",\"kind\":\"KOSEKI_KOJIN\"}"));
                            tx[0] = t;
                            return calls.get() > before;
                        });
        return last.get();
    }
}
