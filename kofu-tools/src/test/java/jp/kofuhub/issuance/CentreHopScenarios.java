package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * The sealed issuance-centre hop (docs/interfaces/issuance-centre.md v1.1) on a hub that requires
 * it ({@link CentreHub}): requests signed by the centre and encrypted to the hub, every answer —
 * PDF or refusal — signed by the hub and encrypted to the centre. Each rejection (unsigned, unknown
 * signer, revoked key, tampered, encrypted to another party, not OpenPGP, replayed, stale) is a
 * clear code and leaves nothing behind: no transaction row, no history row. Municipality 990008 is
 * this class's own.
 */
abstract class CentreHopScenarios extends HubTestBase {

    static final String CITY = "990008";
    static final char[] PASSWORD = "changeit-demo".toCharArray();
    private static final Map<Class<?>, CityGenerator.Result> CITIES = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    @Value("${kofu.pgp.peers.centre}")
    Path centreKey;

    @org.springframework.beans.factory.annotation.Autowired org.apache.camel.ProducerTemplate camel;

    CityGenerator.Result city;

    @BeforeEach
    void cityLoaded() {
        city =
                CITIES.computeIfAbsent(
                        getClass(),
                        c -> {
                            try {
                                CityGenerator.Result r =
                                        CityGenerator.generate(
                                                inbox,
                                                CITY,
                                                CityGenerator.MIN_RESIDENTS,
                                                8L,
                                                StandardCharsets.UTF_8,
                                                LocalDate.now(ZoneId.of("Asia/Tokyo")),
                                                inbox.resolveSibling("cards-" + CITY + ".csv"));
                                await().atMost(SYNC_WAIT)
                                        .until(() -> appliedFiles(CITY) == r.files().size());
                                return r;
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
    }

    private String url(String path) {
        return baseUrl() + "/api/v1/" + path;
    }

    private String request(String transaction, String kind) {
        return "{\"transaction\":\""
                + transaction
                + "\",\"municipality\":\""
                + CITY
                + "\",\"serial\":\""
                + city.showcaseSerial()
                + "\""
                + (kind == null ? "" : ",\"kind\":\"" + kind + "\"")
                + "}";
    }

    // ---- the round trip ----

    @Test
    void sealedAvailabilityCertificateAndCompletionRoundTrip() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> available = Http.postSealed(url("availability"), request(tx, null));
        assertSealed(available, 200, "application/json");
        JsonNode answer = json.readTree(Http.opened(available));
        assertThat(answer.toString()).contains("JUMINHYO");

        HttpResponse<byte[]> issued = Http.postSealed(url("certificates"), request(tx, "JUMINHYO"));
        assertSealed(issued, 200, "application/pdf");
        byte[] pdf = Http.opened(issued);
        assertThat(new String(pdf, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("%PDF");
        String number = issued.headers().firstValue("X-Kofu-Issue-Number").orElseThrow();
        assertThat(answerSignatureVerifies(issued, null)).isTrue();
        // a changed fee (or number, or body) no longer matches the hub's signature
        assertThat(answerSignatureVerifies(issued, "99999")).isFalse();

        // the centre's retry of the same transaction is a new message (new nonce, new sentAt): same
        // document
        HttpResponse<byte[]> retried =
                Http.postSealed(url("certificates"), request(tx, "JUMINHYO"));
        assertSealed(retried, 200, "application/pdf");
        assertThat(retried.headers().firstValue("X-Kofu-Issue-Number")).hasValue(number);
        assertThat(Http.opened(retried)).isEqualTo(pdf);

        HttpResponse<byte[]> completed =
                Http.postSealed(
                        url("completions"),
                        "{\"transaction\":\"" + tx + "\",\"outcome\":\"PRINTED\"}");
        assertSealed(completed, 200, "application/json");
        assertThat(
                        count(
                                "select count(*) from issuance_history where transaction_id = ? and outcome = 'PRINTED'",
                                tx))
                .isEqualTo(1);
    }

    @Test
    void aRefusalOfASealedRequestIsSealedTooWithItsStatus() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> r = Http.postSealed(url("certificates"), request(tx, "PASSPORT"));
        assertSealed(r, 400, "application/json");
        assertThat(json.readTree(Http.opened(r)).path("code").asText())
                .isEqualTo("UNKNOWN_CERTIFICATE_TYPE");
    }

    @Test
    void theKioskToolPlaysTheSealedCentre() throws Exception {
        Path out = Files.createTempFile("kofu-kiosk-", ".pdf");
        String before = System.getProperty("kofu.keys.dir");
        System.setProperty("kofu.keys.dir", TestHub.KEYS.toString());
        try {
            int exit =
                    jp.kofuhub.kiosk.KioskCommand.run(
                            new String[] {
                                "--url",
                                baseUrl(),
                                "--seal",
                                "--municipality",
                                CITY,
                                "--serial",
                                city.showcaseSerial(),
                                "--kind",
                                "JUMINHYO",
                                "--retry",
                                "1",
                                "--out",
                                out.toString()
                            });
            assertThat(exit).isZero();
            assertThat(new String(Files.readAllBytes(out), 0, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("%PDF");
        } finally {
            if (before == null) {
                System.clearProperty("kofu.keys.dir");
            } else {
                System.setProperty("kofu.keys.dir", before);
            }
            Files.deleteIfExists(out);
        }
    }

    /**
     * Issue #18: the kiosk's first screen shows every kind the city offers, each with its fee and
     * sheets or its refusal code, and the household listing with the positions to choose members by
     * (and how to send them); {@code --list} stops there. A refused holder sees the code of each
     * kind.
     */
    @Test
    void theKioskShowsEveryKindAndTheHouseholdListing() throws Exception {
        String showcase = kiosk(city.showcaseSerial(), "--list");
        assertThat(showcase)
                .contains("  JUMINHYO: 300 yen")
                .contains("  JUMINHYO_KISAI: 300 yen")
                .contains("  INKAN: ")
                .contains("  SHOTOKU_KAZEI: ")
                .contains("household listing (version ")
                .containsPattern("\n    1  \\S+.*世帯主")
                .contains("\"members\":[1,2]")
                .contains("--list: nothing issued");
        String refused = kiosk(city.moveOutPlannedSerial(), "--list");
        assertThat(refused)
                .contains("  JUMINHYO: MOVE_OUT_FILED")
                .contains("  JUMINHYO_KISAI: MOVE_OUT_FILED")
                .contains("  INKAN: MOVE_OUT_FILED")
                .contains("  SHOTOKU: MOVE_OUT_FILED")
                .doesNotContain("household listing");
    }

    private String kiosk(String serial, String... more) throws Exception {
        String before = System.getProperty("kofu.keys.dir");
        System.setProperty("kofu.keys.dir", TestHub.KEYS.toString());
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            java.util.List<String> args =
                    new java.util.ArrayList<>(
                            java.util.List.of(
                                    "--url",
                                    baseUrl(),
                                    "--seal",
                                    "--municipality",
                                    CITY,
                                    "--serial",
                                    serial));
            args.addAll(java.util.List.of(more));
            assertThat(jp.kofuhub.kiosk.KioskCommand.run(args.toArray(new String[0]))).isZero();
        } finally {
            System.setOut(stdout);
            if (before == null) {
                System.clearProperty("kofu.keys.dir");
            } else {
                System.setProperty("kofu.keys.dir", before);
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /**
     * The centre's check of X-Kofu-Signature (issuance-centre.md "Answer signature") with
     * camel-crypto's {@code crypto:verify} and the hub's certificate; {@code fee} replaces the
     * received fee (tampering).
     */
    private boolean answerSignatureVerifies(HttpResponse<byte[]> r, String fee) throws Exception {
        java.security.cert.X509Certificate hub;
        try (var in = Files.newInputStream(TestHub.KEYS.resolve("hub.crt"))) {
            hub =
                    (java.security.cert.X509Certificate)
                            java.security.cert.CertificateFactory.getInstance("X.509")
                                    .generateCertificate(in);
        }
        var h = r.headers();
        byte[] canonical =
                AnswerSignature.canonical(
                        h.firstValue("X-Kofu-Transaction").orElse(null),
                        h.firstValue("X-Kofu-Issue-Number").orElse(null),
                        fee != null ? fee : h.firstValue("X-Kofu-Fee").orElse(null),
                        h.firstValue("X-Kofu-Pages").orElse(null),
                        h.firstValue("Content-Type").orElse(null),
                        r.body());
        String signature = h.firstValue(AnswerSignature.HEADER).orElseThrow();
        org.apache.camel.Exchange verified =
                camel.send(
                        "crypto:verify:centre-check?algorithm=SHA256withECDSA",
                        ex -> {
                            ex.getIn().setBody(canonical);
                            ex.getIn().setHeader("CamelDigitalSignature", signature);
                            ex.getIn().setHeader("CamelSignaturePublicKeyOrCert", hub);
                        });
        return verified.getException() == null;
    }

    // ---- rejections: a plain JSON error, nothing applied ----

    @Test
    void aPlainJsonRequestIsRefusedUnsigned() throws Exception {
        String tx = Http.newTransaction();
        assertRejected(
                Http.post(url("certificates"), "application/json", request(tx, "JUMINHYO")),
                400,
                "UNSIGNED",
                tx);
    }

    @Test
    void aRequestSignedByAnotherPartyIsRefused() throws Exception {
        String tx = Http.newTransaction();
        PgpMessages koseki =
                PgpMessages.ofParty(TestHub.KEYS, "koseki-server", PASSWORD, List.of("hub"));
        byte[] sealed =
                koseki.seal(
                        Http.stamped(request(tx, "JUMINHYO")).getBytes(StandardCharsets.UTF_8),
                        "r.json",
                        "hub");
        assertRejected(
                Http.postBytes(url("certificates"), PgpMessages.MEDIA_TYPE, sealed),
                403,
                "UNKNOWN_SIGNER",
                tx);
    }

    @Test
    void aRequestSignedWithARevokedCentreKeyIsRefused() throws Exception {
        String tx = Http.newTransaction();
        byte[] original = Files.readAllBytes(centreKey);
        Path revoked = revokedCentreKey(centreKey.resolveSibling("centre-revoked.pgp.pub"));
        try {
            Files.copy(revoked, centreKey, StandardCopyOption.REPLACE_EXISTING);
            assertRejected(
                    Http.postSealed(url("certificates"), request(tx, "JUMINHYO")),
                    403,
                    "KEY_EXPIRED_OR_REVOKED",
                    tx);
        } finally {
            Files.write(centreKey, original);
        }
        // the good key again: the hub reads the file again when it changes
        assertThat(
                        Http.postSealed(url("availability"), request(Http.newTransaction(), null))
                                .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aRequestTamperedAfterSigningIsRefused() throws Exception {
        String tx = Http.newTransaction();
        byte[] sealed = Http.sealed(request(tx, "JUMINHYO"));
        sealed[sealed.length - 40] ^= 0x01;
        assertRejected(
                Http.postBytes(url("certificates"), PgpMessages.MEDIA_TYPE, sealed),
                403,
                "BAD_SIGNATURE",
                tx);
    }

    @Test
    void aRequestEncryptedToAnotherPartyIsRefused() throws Exception {
        String tx = Http.newTransaction();
        PgpMessages centre =
                PgpMessages.ofParty(
                        TestHub.KEYS, "centre", PASSWORD, List.of("hub", "koseki-server"));
        byte[] sealed =
                centre.seal(
                        Http.stamped(request(tx, "JUMINHYO")).getBytes(StandardCharsets.UTF_8),
                        "r.json",
                        "koseki-server");
        assertRejected(
                Http.postBytes(url("certificates"), PgpMessages.MEDIA_TYPE, sealed),
                400,
                "NOT_ENCRYPTED_FOR_HUB",
                tx);
    }

    @Test
    void aBodyThatIsNotOpenPgpIsRefused() throws Exception {
        String tx = Http.newTransaction();
        assertRejected(
                Http.postBytes(
                        url("certificates"),
                        PgpMessages.MEDIA_TYPE,
                        Http.stamped(request(tx, "JUMINHYO")).getBytes(StandardCharsets.UTF_8)),
                400,
                "NOT_ENCRYPTED_FOR_HUB",
                tx);
    }

    @Test
    void theSameSealedMessageTwiceIsReplayed() throws Exception {
        String tx = Http.newTransaction();
        byte[] sealed = Http.sealed(request(tx, null));
        HttpResponse<byte[]> first =
                Http.postBytes(url("availability"), PgpMessages.MEDIA_TYPE, sealed);
        assertSealed(first, 200, "application/json");
        HttpResponse<byte[]> again =
                Http.postBytes(url("availability"), PgpMessages.MEDIA_TYPE, sealed);
        assertSealed(again, 409, "application/json");
        assertThat(json.readTree(Http.opened(again)).path("code").asText()).isEqualTo("REPLAYED");
        assertThat(count("select count(*) from issuance_transaction where transaction_id = ?", tx))
                .isEqualTo(1);
    }

    @Test
    void aStaleSealedMessageIsRefused() throws Exception {
        String tx = Http.newTransaction();
        String old =
                request(tx, "JUMINHYO")
                        .replaceFirst(
                                "\\{",
                                "{\"sentAt\":\""
                                        + OffsetDateTime.now().minusMinutes(10)
                                        + "\",\"nonce\":\""
                                        + Http.newNonce()
                                        + "\",");
        HttpResponse<byte[]> r = Http.postSealed(url("certificates"), old);
        assertSealed(r, 400, "application/json");
        assertThat(json.readTree(Http.opened(r)).path("code").asText()).isEqualTo("STALE_MESSAGE");
        nothingApplied(tx);
    }

    // ---- helpers ----

    private static void assertSealed(HttpResponse<byte[]> r, int status, String inner) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith(PgpMessages.MEDIA_TYPE));
        assertThat(r.headers().firstValue("X-Kofu-Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith(inner));
    }

    private void assertRejected(HttpResponse<byte[]> r, int status, String code, String tx)
            throws IOException {
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("message").asText())
                .isNotBlank()
                .doesNotContain(city.showcaseSerial())
                .doesNotContain("Exception");
        nothingApplied(tx);
    }

    private void nothingApplied(String tx) {
        assertThat(count("select count(*) from issuance_transaction where transaction_id = ?", tx))
                .isZero();
        assertThat(count("select count(*) from issuance_history where transaction_id = ?", tx))
                .isZero();
    }

    /** The centre's public key with a key revocation signature made with its own secret key. */
    static Path revokedCentreKey(Path target) throws Exception {
        PGPSecretKey secret =
                PgpFiles.signingKey(PgpFiles.secretKeys(TestHub.KEYS.resolve("centre.pgp.sec")));
        PGPPrivateKey key = PgpFiles.unlock(secret, PASSWORD);
        PGPSignatureGenerator g =
                new PGPSignatureGenerator(
                        new JcaPGPContentSignerBuilder(
                                        secret.getPublicKey().getAlgorithm(),
                                        HashAlgorithmTags.SHA256)
                                .setProvider(
                                        new org.bouncycastle.jce.provider.BouncyCastleProvider()),
                        secret.getPublicKey());
        g.init(PGPSignature.KEY_REVOCATION, key);
        PGPSignature revocation = g.generateCertification(secret.getPublicKey());
        PGPPublicKeyRing ring =
                PgpFiles.publicKeys(TestHub.KEYS.resolve("centre.pgp.pub")).getKeyRings().next();
        PGPPublicKey revoked = PGPPublicKey.addCertification(ring.getPublicKey(), revocation);
        ring = PGPPublicKeyRing.insertPublicKey(ring, revoked);
        try (OutputStream out =
                ArmoredOutputStream.builder().clearHeaders().build(Files.newOutputStream(target))) {
            ring.encode(out);
        }
        return target;
    }
}
