package jp.kofuhub.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.support.TestHub;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.mock.env.MockEnvironment;

/**
 * The keys indicator on the demo key set of the test run (X.509: parties 5 years, CA 10 years;
 * OpenPGP without expiry) seen at different times, on folders with a file missing, and on an
 * OpenPGP key made here with an expiry date.
 */
class KeysHealthTest {

    private static final Path KEYS = TestHub.KEYS;
    private static final char[] PASSWORD = DemoKeys.DEFAULT_PASSWORD.toCharArray();
    private static final Duration WARNING = Duration.ofDays(30);

    @TempDir Path dir;

    private static List<KeyExpiry.KeyFile> demoFiles(Path keys) {
        return List.of(
                new KeyExpiry.KeyFile(
                        "signing",
                        keys.resolve("hub.p12"),
                        KeyExpiry.Type.KEYSTORE,
                        true,
                        PASSWORD),
                new KeyExpiry.KeyFile(
                        "tls-truststore",
                        keys.resolve("truststore.p12"),
                        KeyExpiry.Type.TRUSTSTORE,
                        true,
                        PASSWORD),
                new KeyExpiry.KeyFile(
                        "pgp-secret",
                        keys.resolve("hub.pgp.sec"),
                        KeyExpiry.Type.PGP,
                        true,
                        PASSWORD),
                new KeyExpiry.KeyFile(
                        "peer centre",
                        keys.resolve("centre.pgp.pub"),
                        KeyExpiry.Type.PGP,
                        true,
                        PASSWORD));
    }

    private static Health health(List<KeyExpiry.KeyFile> files, Instant at) {
        return new KeysHealth(files, new KeyExpiry(), Clock.fixed(at, ZoneOffset.UTC), WARNING)
                .health();
    }

    @SuppressWarnings("unchecked")
    private static String fileStatus(Health h, String name) {
        var files =
                (java.util.Map<String, java.util.Map<String, Object>>) h.getDetails().get("files");
        return (String) files.get(name).get("status");
    }

    @Test
    void aValidSetIsUpWithEveryFileOk() {
        Health h = health(demoFiles(KEYS), Instant.now());
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(fileStatus(h, "signing")).isEqualTo("OK");
        assertThat(fileStatus(h, "tls-truststore")).isEqualTo("OK");
        assertThat(fileStatus(h, "pgp-secret")).isEqualTo("OK");
        assertThat((List<?>) h.getDetails().get("warnings")).isEmpty();
        // dates, subjects and key ids only: nothing of the keys themselves
        assertThat(h.toString())
                .doesNotContain("PRIVATE")
                .doesNotContain(DemoKeys.DEFAULT_PASSWORD);
    }

    @Test
    void theHubCertificateExpiringWithinTheWarningPeriodIsAWarning() {
        Instant soon = Instant.now().plus(DemoKeys.PARTY_VALIDITY).minus(Duration.ofDays(10));
        Health h = health(demoFiles(KEYS), soon);
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(fileStatus(h, "signing")).isEqualTo("EXPIRING");
        assertThat((List<String>) h.getDetails().get("warnings"))
                .anyMatch(w -> w.startsWith("signing expires"));
    }

    @Test
    void anExpiredHubCertificateTakesTheIndicatorDown() {
        Instant later = Instant.now().plus(DemoKeys.PARTY_VALIDITY).plus(Duration.ofDays(1));
        Health h = health(demoFiles(KEYS), later);
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(fileStatus(h, "signing")).isEqualTo("EXPIRED");
        assertThat(fileStatus(h, "tls-truststore")).isEqualTo("OK"); // the CA lives 10 years
        assertThat((List<String>) h.getDetails().get("problems"))
                .anyMatch(p -> p.startsWith("signing: EXPIRED"));
    }

    @Test
    void aSetMadeInThePastIsExpiredNow() throws IOException {
        DemoKeys.generate(
                dir,
                PASSWORD,
                true,
                Clock.fixed(Instant.now().minus(Duration.ofDays(3700)), ZoneOffset.UTC));
        Health h = health(demoFiles(dir), Instant.now());
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(fileStatus(h, "signing")).isEqualTo("EXPIRED");
        assertThat(fileStatus(h, "tls-truststore")).isEqualTo("EXPIRED"); // its only CA too
        assertThat(fileStatus(h, "pgp-secret")).isEqualTo("OK"); // demo OpenPGP keys do not expire
    }

    @Test
    void aMissingFileInUseIsDownAndOneNotInUseIsNot() throws IOException {
        Path missing = dir.resolve("centre.pgp.pub");
        Health down =
                health(
                        List.of(
                                new KeyExpiry.KeyFile(
                                        "peer centre",
                                        missing,
                                        KeyExpiry.Type.PGP,
                                        true,
                                        PASSWORD)),
                        Instant.now());
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(fileStatus(down, "peer centre")).isEqualTo("MISSING");
        Health up =
                health(
                        List.of(
                                new KeyExpiry.KeyFile(
                                        "peer centre",
                                        missing,
                                        KeyExpiry.Type.PGP,
                                        false,
                                        PASSWORD)),
                        Instant.now());
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(fileStatus(up, "peer centre")).isEqualTo("MISSING");
        Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
        Health unreadable =
                health(
                        List.of(
                                new KeyExpiry.KeyFile(
                                        "signing",
                                        dir.resolve("garbage.p12"),
                                        KeyExpiry.Type.KEYSTORE,
                                        true,
                                        PASSWORD)),
                        Instant.now());
        assertThat(unreadable.getStatus()).isEqualTo(Status.DOWN);
        assertThat(fileStatus(unreadable, "signing")).isEqualTo("UNREADABLE");
    }

    @Test
    void anOpenPgpKeyWithAnExpiryDateWarnsThenGoesDown() throws Exception {
        Path key = dir.resolve("zei.pgp.pub");
        Files.write(key, pgpPublicKeyExpiringIn(Duration.ofDays(3)));
        List<KeyExpiry.KeyFile> files =
                List.of(
                        new KeyExpiry.KeyFile(
                                "source ZEI", key, KeyExpiry.Type.PGP, true, PASSWORD));
        Health now = health(files, Instant.now());
        assertThat(now.getStatus()).isEqualTo(Status.UP);
        assertThat(fileStatus(now, "source ZEI")).isEqualTo("EXPIRING");
        Health later = health(files, Instant.now().plus(Duration.ofDays(4)));
        assertThat(later.getStatus()).isEqualTo(Status.DOWN);
        assertThat(fileStatus(later, "source ZEI")).isEqualTo("EXPIRED");
    }

    @Test
    void aTruststoreIsExpiredOnlyWhenNoCertificateInItIsValid() {
        Instant now = Instant.now();
        KeyExpiry.KeyFile trust =
                new KeyExpiry.KeyFile(
                        "tls-truststore", dir, KeyExpiry.Type.TRUSTSTORE, true, PASSWORD);
        KeyExpiry.Item old =
                new KeyExpiry.Item(
                        "old CA",
                        now.minus(Duration.ofDays(4000)),
                        now.minus(Duration.ofDays(1)),
                        false,
                        false);
        KeyExpiry.Item current =
                new KeyExpiry.Item(
                        "CA",
                        now.minus(Duration.ofDays(1)),
                        now.plus(Duration.ofDays(900)),
                        false,
                        false);
        KeyExpiry.Verdict mixed = KeyExpiry.judge(trust, List.of(old, current), now, WARNING);
        assertThat(mixed.status()).isEqualTo(KeyExpiry.Status.OK);
        assertThat(mixed.expires()).isEqualTo(current.notAfter());
        assertThat(mixed.problem()).contains("1 certificate(s)");
        assertThat(KeyExpiry.judge(trust, List.of(old), now, WARNING).status())
                .isEqualTo(KeyExpiry.Status.EXPIRED);
    }

    @Test
    void theConfigurationSaysWhichFilesAreInUse() {
        MockEnvironment env =
                new MockEnvironment()
                        .withProperty("kofu.keys.password", DemoKeys.DEFAULT_PASSWORD)
                        .withProperty("kofu.signing.keystore", "data/keys/hub.p12")
                        .withProperty(
                                "spring.ssl.bundle.jks.hub.keystore.location",
                                "file:data/keys/hub.p12")
                        .withProperty(
                                "spring.ssl.bundle.jks.hub.truststore.location",
                                "file:data/keys/truststore.p12")
                        .withProperty("server.ssl.enabled", "false")
                        .withProperty("kofu.koseki.url", "http://localhost:8091/koseki/v1")
                        .withProperty("kofu.pgp.secret-key", "data/keys/hub.pgp.sec")
                        .withProperty("kofu.sync.pgp.secret-key", "data/keys/hub.pgp.sec")
                        .withProperty("kofu.pgp.peers.centre", "data/keys/centre.pgp.pub")
                        .withProperty("kofu.pgp.peers.finance", "data/keys/finance.pgp.pub")
                        .withProperty("kofu.sync.pgp.source-keys.JUKI", "data/keys/juki.pgp.pub")
                        .withProperty("kofu.issuance.pgp.required", "true")
                        .withProperty("kofu.koseki.pgp", "false")
                        .withProperty("kofu.settlement.pgp", "false")
                        .withProperty("kofu.sync.pgp.required", "false");
        var files = KeysHealth.configured(env);
        assertThat(files)
                .extracting(KeyExpiry.KeyFile::name)
                .containsExactly(
                        "signing",
                        "tls-keystore",
                        "tls-truststore",
                        "pgp-secret",
                        "sync-pgp-secret",
                        "peer centre",
                        "peer finance",
                        "source JUKI");
        assertThat(files)
                .filteredOn(KeyExpiry.KeyFile::inUse)
                .extracting(KeyExpiry.KeyFile::name)
                .containsExactly("signing", "pgp-secret", "peer centre");
        assertThat(files.get(1).path()).isEqualTo(Path.of("data/keys/hub.p12"));
    }

    /** An armored OpenPGP public key (RSA 2048, no subkey) whose self-signature sets an expiry. */
    private static byte[] pgpPublicKeyExpiringIn(Duration d) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Date created = Date.from(Instant.now().minusSeconds(60));
        PGPKeyPair primary =
                new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, rsa.generateKeyPair(), created);
        PGPSignatureSubpacketGenerator packets = new PGPSignatureSubpacketGenerator();
        packets.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        packets.setKeyExpirationTime(false, d.plusSeconds(60).toSeconds());
        PGPKeyRingGenerator gen =
                new PGPKeyRingGenerator(
                        PGPSignature.POSITIVE_CERTIFICATION,
                        primary,
                        "zei@test",
                        new JcaPGPDigestCalculatorProviderBuilder()
                                .build()
                                .get(HashAlgorithmTags.SHA1),
                        packets.generate(),
                        null,
                        new JcaPGPContentSignerBuilder(
                                PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256),
                        null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream out = new ArmoredOutputStream(bytes)) {
            gen.generatePublicKeyRing().encode(out, true);
        }
        return bytes.toByteArray();
    }
}
