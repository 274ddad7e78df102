package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Value;

/**
 * Signed and encrypted registry export files (registry-export.md §2.1, contract 1.3) through the
 * real {@code registry-sync} route of a hub that requires them ({@link PgpHub}): files made by the
 * real {@code gpg} and by Bouncy Castle (ASCII armor) are applied; a plain file, an unsigned one,
 * one signed by another party's key, a tampered one, one encrypted to another party and one signed
 * with a revoked key are quarantined whole with their reason code and nothing of them is applied.
 * No decrypted temporary file is ever left in the work folder. Keys: the run's demo key set {@link
 * TestHub#KEYS}. Municipality 990007 is this class's own. Ordered: the DELTA of test 2 follows the
 * FULL of test 1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class PgpSyncScenarios extends HubTestBase {

    static final String CITY = "990007";
    static final char[] PASSWORD = "changeit-demo".toCharArray();

    private final ObjectMapper json = new ObjectMapper();

    @Value("${kofu.sync.pgp.work-dir}")
    Path workDir;

    Path scratch;

    @BeforeEach
    void scratch() throws IOException {
        scratch = Files.createTempDirectory("kofu-pgp-plain-");
    }

    @AfterEach
    void cleanScratch() throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- keys of the run's demo key set ----

    static PGPPrivateKey secret(String party) throws Exception {
        return PgpFiles.unlock(
                PgpFiles.signingKey(PgpFiles.secretKeys(TestHub.KEYS.resolve(party + ".pgp.sec"))),
                PASSWORD);
    }

    static PGPPublicKey encryptTo(String party) throws IOException {
        return PgpFiles.encryptionKey(
                PgpFiles.publicKeys(TestHub.KEYS.resolve(party + ".pgp.pub")));
    }

    // ---- files ----

    /**
     * A plain JUKI file of 990007 in the scratch folder: one household, the given residents, a card
     * for the first.
     */
    private Path plain(long seq, Kind kind, String... residents) throws IOException {
        List<Object[]> records = new ArrayList<>();
        records.add(rec(RecordType.H, household("700", residents[0], "架空県架空市暗号町１番地")));
        int i = 0;
        for (String a : residents) {
            records.add(
                    rec(
                            RecordType.R,
                            resident(
                                    a,
                                    1,
                                    "700",
                                    "暗号",
                                    "太郎" + i,
                                    i == 0 ? "世帯主" : "子",
                                    LocalDate.of(1980, 1, 1 + i),
                                    "RESIDENT")));
            i++;
        }
        if (kind == Kind.FULL) {
            records.add(rec(RecordType.C, card("PGP0000000000" + seq, residents[0])));
        }
        return TestRecords.write(
                scratch, CITY, seq, kind, StandardCharsets.UTF_8, records.toArray(new Object[0][]));
    }

    /** Seals {@code plain} in the scratch folder, then moves it into the inbox whole. */
    private Path deliver(Path plain, PGPPrivateKey signer, PGPPublicKey recipient, boolean armor)
            throws IOException {
        Path sealed =
                PgpFiles.seal(
                        plain,
                        scratch.resolve(plain.getFileName() + ".pgp"),
                        signer,
                        recipient,
                        armor);
        return Files.move(
                sealed, inbox.resolve(sealed.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitApplied(long seq) {
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                count(
                                                "select count(*) from sync_file where municipality_code = ?"
                                                        + " and source_system = 'JUKI' and sequence_no = ?",
                                                CITY,
                                                seq)
                                        == 1);
    }

    private long residents(String atena) {
        return count(
                "select count(*) from resident where municipality_code = ? and atena_no = ?",
                CITY,
                atena);
    }

    /** No decrypted file in the work folder (and the folder, once made, is the owner's only). */
    private void noDecryptedFileLeft() throws IOException {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(workDir)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workDir)))
                .isEqualTo("rwx------");
    }

    /**
     * Waits for the file's quarantine, checks its reason code, that nothing of it applied and
     * nothing is left.
     */
    private void assertQuarantined(Path delivered, String reason, long seq, String atenaInFile)
            throws IOException {
        Path reasonFile = awaitReasonFile(delivered.getFileName().toString());
        JsonNode r = json.readTree(reasonFile.toFile());
        assertThat(r.path("reason").asText()).as(r.toString()).isEqualTo(reason);
        assertThat(r.path("file").asText()).isEqualTo(delivered.getFileName().toString());
        Path stored = reasonFile.resolveSibling(r.path("storedAs").asText());
        assertThat(stored).exists(); // the received file, whole
        assertThat(
                        count(
                                "select count(*) from sync_file where municipality_code = ? and sequence_no = ?",
                                CITY,
                                seq))
                .isZero();
        if (atenaInFile != null) {
            assertThat(residents(atenaInFile)).isZero();
        }
        noDecryptedFileLeft();
    }

    // ---- accepted ----

    @Test
    @Order(1)
    void aFullSignedByJukiAndEncryptedToTheHubIsApplied_asciiArmored() throws Exception {
        String a1 = atena(70001);
        Path delivered = deliver(plain(1, Kind.FULL, a1), secret("juki"), encryptTo("hub"), true);
        assertThat(Files.readString(delivered, StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PGP MESSAGE-----");
        awaitApplied(1);
        assertThat(residents(a1)).isEqualTo(1);
        await().atMost(SYNC_WAIT).until(() -> !Files.exists(delivered));
        assertThat(
                        count(
                                "select count(*) from sync_file where municipality_code = ? and sequence_no = 1"
                                        + " and file_name = ?",
                                CITY,
                                CITY + "_JUKI_000000001_FULL.kexp"))
                .isEqualTo(1);
        noDecryptedFileLeft();
    }

    @Test
    @Order(2)
    void aDeltaMadeByRealGpgIsApplied() throws Exception {
        Assumptions.assumeTrue(gpgAvailable(), "gpg is not installed");
        String a2 = atena(70002);
        Path plain = plain(2, Kind.DELTA, atena(70001), a2);
        Path home = Files.createTempDirectory(Path.of("/tmp"), "kg-");
        try {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            gpg(home, "--import", TestHub.KEYS.resolve("juki.pgp.sec").toString());
            gpg(home, "--import", TestHub.KEYS.resolve("hub.pgp.pub").toString());
            Path out = scratch.resolve(plain.getFileName() + ".pgp");
            gpg(
                    home,
                    "--sign",
                    "--encrypt",
                    "-u",
                    "juki@kofu-hub.demo",
                    "-r",
                    "hub@kofu-hub.demo",
                    "--trust-model",
                    "always",
                    "-o",
                    out.toString(),
                    plain.toString());
            Path delivered =
                    Files.move(
                            out, inbox.resolve(out.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            awaitApplied(2);
            assertThat(residents(a2)).isEqualTo(1);
            await().atMost(SYNC_WAIT).until(() -> !Files.exists(delivered));
            noDecryptedFileLeft();
        } finally {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> s = Files.walk(home)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- refused: quarantined whole, nothing applied ----

    @Test
    @Order(10)
    void aPlainFileIsUnsigned() throws Exception {
        String a = atena(70010);
        Path delivered =
                Files.move(
                        plain(10, Kind.FULL, a),
                        inbox.resolve(CITY + "_JUKI_000000010_FULL.kexp"),
                        StandardCopyOption.ATOMIC_MOVE);
        assertQuarantined(delivered, "UNSIGNED", 10, a);
    }

    @Test
    @Order(11)
    void anEncryptedButUnsignedFileIsUnsigned() throws Exception {
        String a = atena(70011);
        assertQuarantined(
                deliver(plain(11, Kind.FULL, a), null, encryptTo("hub"), false), "UNSIGNED", 11, a);
    }

    @Test
    @Order(12)
    void aJukiFileSignedByInkanHasAnUnknownSigner() throws Exception {
        String a = atena(70012);
        assertQuarantined(
                deliver(plain(12, Kind.FULL, a), secret("inkan"), encryptTo("hub"), false),
                "UNKNOWN_SIGNER",
                12,
                a);
    }

    @Test
    @Order(13)
    void aFlippedByteInTheCiphertextIsABadSignature() throws Exception {
        String a = atena(70013);
        Path sealed =
                PgpFiles.seal(
                        plain(13, Kind.FULL, a),
                        scratch.resolve(CITY + "_JUKI_000000013_FULL.kexp.pgp"),
                        secret("juki"),
                        encryptTo("hub"),
                        false);
        byte[] bytes = Files.readAllBytes(sealed);
        // inside the encrypted data packet (after the hub's encrypted session key, before the MDC)
        bytes[bytes.length - 60] ^= 0x01;
        Files.write(sealed, bytes);
        Path delivered =
                Files.move(
                        sealed,
                        inbox.resolve(sealed.getFileName()),
                        StandardCopyOption.ATOMIC_MOVE);
        assertQuarantined(delivered, "BAD_SIGNATURE", 13, a);
    }

    @Test
    @Order(14)
    void aFileEncryptedToTheCentreIsNotEncryptedForTheHub() throws Exception {
        String a = atena(70014);
        assertQuarantined(
                deliver(plain(14, Kind.FULL, a), secret("juki"), encryptTo("centre"), false),
                "NOT_ENCRYPTED_FOR_HUB",
                14,
                a);
    }

    @Test
    @Order(15)
    void aFileSignedWithARevokedKeyIsRefused() throws Exception {
        // this hub holds a revoked copy of zei's public key (PgpHub)
        Path plain = TestRecords.write(scratch, CITY, "ZEI", 1, Kind.FULL, new Object[0][]);
        Path delivered = deliver(plain, secret("zei"), encryptTo("hub"), false);
        Path reasonFile = awaitReasonFile(delivered.getFileName().toString());
        assertThat(json.readTree(reasonFile.toFile()).path("reason").asText())
                .isEqualTo("KEY_EXPIRED_OR_REVOKED");
        assertThat(
                        count(
                                "select count(*) from sync_file where municipality_code = ? and source_system = 'ZEI'",
                                CITY))
                .isZero();
        noDecryptedFileLeft();
    }

    @Test
    @Order(16)
    void aVerifiedFileWithABadExportIsQuarantinedWholeWithRegistrySyncsCode() throws Exception {
        // signed and encrypted correctly, but the name inside the .pgp disagrees with the manifest
        // (seq 16 vs 17)
        String a = atena(70016);
        Path sealed =
                PgpFiles.seal(
                        plain(16, Kind.FULL, a),
                        scratch.resolve(CITY + "_JUKI_000000017_FULL.kexp.pgp"),
                        secret("juki"),
                        encryptTo("hub"),
                        false);
        byte[] received = Files.readAllBytes(sealed);
        Path delivered =
                Files.move(
                        sealed,
                        inbox.resolve(sealed.getFileName()),
                        StandardCopyOption.ATOMIC_MOVE);
        assertQuarantined(delivered, "NAME_MISMATCH", 16, a);
        Path reasonFile = awaitReasonFile(delivered.getFileName().toString());
        Path stored =
                reasonFile.resolveSibling(
                        json.readTree(reasonFile.toFile()).path("storedAs").asText());
        assertThat(quarantinedContent(stored))
                .isEqualTo(received); // the OpenPGP original, whole (encrypted at rest)
        // the operator's retry decrypts and verifies it again like the route: still NAME_MISMATCH
        java.net.http.HttpResponse<String> retried =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(
                                                        baseUrl()
                                                                + "/actuator/quarantine/"
                                                                + stored.getFileName()))
                                        .header("Content-Type", "application/json")
                                        .POST(
                                                java.net.http.HttpRequest.BodyPublishers.ofString(
                                                        "{\"operator\":\"tanaka\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(retried.body()).contains("STILL_QUARANTINED").contains("NAME_MISMATCH");
        noDecryptedFileLeft();
    }

    @Test
    @Order(20)
    void theSourceGoesOnAfterTheRefusals() throws Exception {
        String a3 = atena(70003);
        deliver(plain(3, Kind.DELTA, atena(70001), a3), secret("juki"), encryptTo("hub"), false);
        // test 2 may have been skipped (no gpg): then 3 waits for 2; send 2 as well
        if (count(
                        "select count(*) from sync_file where municipality_code = ? and sequence_no = 2",
                        CITY)
                == 0) {
            deliver(plain(2, Kind.DELTA, atena(70001)), secret("juki"), encryptTo("hub"), false);
        }
        awaitApplied(3);
        assertThat(residents(a3)).isEqualTo(1);
        noDecryptedFileLeft();
    }

    // ---- one registry key per city (issue #24) ----

    /**
     * The own JUKI keys of the 戸籍 cities 990071 and 990072 (their profiles' {@code sourceKeys}):
     * the juki and zei keys of a second demo key set, their public halves put under the run's key
     * folder as {@code 990071-juki.pgp.pub} and {@code 990072-juki.pgp.pub}.
     */
    private static Path cityKeys;

    static synchronized Path cityKeys() throws IOException {
        if (cityKeys == null) {
            Path dir = Files.createTempDirectory("kofu-city-keys-");
            jp.kofuhub.demo.DemoKeys.generate(dir, PASSWORD, false);
            Files.copy(
                    dir.resolve("juki.pgp.pub"),
                    TestHub.KEYS.resolve("990071-juki.pgp.pub"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(
                    dir.resolve("zei.pgp.pub"),
                    TestHub.KEYS.resolve("990072-juki.pgp.pub"),
                    StandardCopyOption.REPLACE_EXISTING);
            cityKeys = dir;
        }
        return cityKeys;
    }

    private static PGPPrivateKey citySecret(String party) throws Exception {
        return PgpFiles.unlock(
                PgpFiles.signingKey(PgpFiles.secretKeys(cityKeys().resolve(party + ".pgp.sec"))),
                PASSWORD);
    }

    /** A FULL JUKI file of {@code city}, one resident with a card, above its last sequence. */
    private Path fullOf(String city, String atena) throws IOException {
        long seq =
                count(
                                "select coalesce(max(sequence_no), 0) from sync_file where"
                                        + " municipality_code = ? and source_system = 'JUKI'",
                                city)
                        + 1;
        return TestRecords.write(
                scratch,
                city,
                seq,
                Kind.FULL,
                StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("1", atena, "北海道戸籍甲市本町一丁目1番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    atena,
                                    1,
                                    "1",
                                    "鍵",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1980, 1, 1),
                                    "RESIDENT")),
                    rec(RecordType.C, card("KEY" + city + "0000001", atena))
                });
    }

    private long filesOf(String city) {
        return count("select count(*) from sync_file where municipality_code = ?", city);
    }

    private void assertRefused(Path delivered, String city, long filesBefore, String atena)
            throws IOException {
        Path reasonFile = awaitReasonFile(delivered.getFileName().toString());
        JsonNode r = json.readTree(reasonFile.toFile());
        assertThat(r.path("reason").asText()).as(r.toString()).isEqualTo("UNKNOWN_SIGNER");
        assertThat(filesOf(city)).isEqualTo(filesBefore);
        assertThat(
                        count(
                                "select count(*) from resident where municipality_code = ? and"
                                        + " atena_no = ?",
                                city,
                                atena))
                .isZero();
        noDecryptedFileLeft();
    }

    /**
     * Issue #24 item 7: each city's registry signs with its own key (profile {@code sourceKeys}
     * over {@code kofu.sync.pgp.source-keys}). 甲市's file signed with the hub-wide JUKI key, or with
     * 乙市's registry key, is quarantined UNKNOWN_SIGNER and nothing of it applied; 甲市's own key on
     * another city's file likewise; 甲市's own key on its own file is applied.
     */
    @Test
    @Order(30)
    void eachCitysRegistryKeyIsRefusedOnAnotherCitysExportFile() throws Exception {
        cityKeys();
        String a = atena(71901), b = atena(71902), c = atena(71903);
        long filesA = filesOf("990071");
        assertRefused(
                deliver(fullOf("990071", a), secret("juki"), encryptTo("hub"), false),
                "990071",
                filesA,
                a);
        assertRefused(
                deliver(fullOf("990071", b), citySecret("zei"), encryptTo("hub"), false),
                "990071",
                filesA,
                b);
        long files = filesOf(CITY);
        assertRefused(
                deliver(plain(90, Kind.FULL, c), citySecret("juki"), encryptTo("hub"), false),
                CITY,
                files,
                c);
        deliver(fullOf("990071", a), citySecret("juki"), encryptTo("hub"), false);
        await().atMost(SYNC_WAIT).until(() -> filesOf("990071") == filesA + 1);
        assertThat(
                        count(
                                "select count(*) from resident where municipality_code = ? and"
                                        + " atena_no = ?",
                                "990071",
                                a))
                .isEqualTo(1);
        noDecryptedFileLeft();
    }

    // ---- gpg ----

    static boolean gpgAvailable() {
        return jp.kofuhub.support.Gpg.available();
    }

    private static void gpg(Path home, String... args) throws Exception {
        jp.kofuhub.support.Gpg.run(home, PASSWORD, args);
    }
}
