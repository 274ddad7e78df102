package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Map;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.support.TestHub;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seal and open between two parties of the test run's demo key set; every refusal has its code. */
class PgpMessagesTest {

    private static final char[] PASSWORD = DemoKeys.DEFAULT_PASSWORD.toCharArray();
    private static final byte[] JSON = "{\"transaction\":\"T1\"}".getBytes(StandardCharsets.UTF_8);

    private final PgpMessages hub =
            PgpMessages.ofParty(TestHub.KEYS, "hub", PASSWORD, List.of("centre", "koseki-server"));
    private final PgpMessages centre =
            PgpMessages.ofParty(TestHub.KEYS, "centre", PASSWORD, List.of("hub"));
    private final PgpMessages koseki =
            PgpMessages.ofParty(TestHub.KEYS, "koseki-server", PASSWORD, List.of("hub", "centre"));

    @Test
    void roundTripBothWays() throws Exception {
        byte[] sealed = centre.seal(JSON, "request.json", "hub");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("transaction");
        assertThat(hub.open(sealed, "centre")).isEqualTo(JSON);
        byte[] answer =
                hub.seal("%PDF-1.7".getBytes(StandardCharsets.US_ASCII), "T1.pdf", "centre");
        assertThat(centre.open(answer, "hub"))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("%PDF-1.7");
    }

    /**
     * Issue #20: the demo set's OpenPGP keys are Ed25519 (signing) and X25519 (encryption); an RSA
     * 3072 party still talks to them both ways.
     */
    @Test
    void ed25519KeysByDefaultAndRsaStillAccepted(@TempDir Path dir) throws Exception {
        org.bouncycastle.openpgp.PGPPublicKeyRing ring =
                PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub")).getKeyRings().next();
        assertThat(ring.getPublicKey().getAlgorithm())
                .isEqualTo(org.bouncycastle.bcpg.PublicKeyAlgorithmTags.EDDSA_LEGACY);
        assertThat(
                        PgpFiles.encryptionKey(
                                        PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub")))
                                .getAlgorithm())
                .isEqualTo(org.bouncycastle.bcpg.PublicKeyAlgorithmTags.ECDH);

        DemoKeys.generate(
                dir, PASSWORD, false, java.time.Clock.systemUTC(), DemoKeys.PgpAlgorithm.RSA3072);
        assertThat(
                        PgpFiles.publicKeys(dir.resolve("centre.pgp.pub"))
                                .getKeyRings()
                                .next()
                                .getPublicKey()
                                .getAlgorithm())
                .isEqualTo(org.bouncycastle.bcpg.PublicKeyAlgorithmTags.RSA_GENERAL);
        PgpMessages rsaCentre =
                new PgpMessages(
                        dir.resolve("centre.pgp.sec"),
                        PASSWORD,
                        Map.of("hub", TestHub.KEYS.resolve("hub.pgp.pub")),
                        null);
        PgpMessages edHub =
                new PgpMessages(
                        TestHub.KEYS.resolve("hub.pgp.sec"),
                        PASSWORD,
                        Map.of("centre", dir.resolve("centre.pgp.pub")),
                        null);
        assertThat(edHub.open(rsaCentre.seal(JSON, "request.json", "hub"), "centre"))
                .isEqualTo(JSON);
        assertThat(rsaCentre.open(edHub.seal(JSON, "answer.json", "centre"), "hub"))
                .isEqualTo(JSON);
    }

    @Test
    void signedByAnotherPartyIsUnknownSigner() throws Exception {
        byte[] byKoseki = koseki.seal(JSON, "request.json", "hub");
        assertThatThrownBy(() -> hub.open(byKoseki, "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("UNKNOWN_SIGNER"));
        assertThatThrownBy(() -> hub.open(byKoseki, "finance"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("UNKNOWN_SIGNER"));
    }

    @Test
    void encryptedToAnotherPartyIsRefused() throws Exception {
        byte[] toKoseki = centre.seal(JSON, "request.json", "hub");
        assertThatThrownBy(() -> koseki.open(toKoseki, "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));
        assertThatThrownBy(() -> hub.open(JSON, "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));
    }

    @Test
    void tamperedIsBadSignatureAndUnsignedIsUnsigned() throws Exception {
        byte[] sealed = centre.seal(JSON, "request.json", "hub");
        sealed[sealed.length - 30] ^= 0x01;
        assertThatThrownBy(() -> hub.open(sealed, "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("BAD_SIGNATURE"));

        ByteArrayOutputStream unsigned = new ByteArrayOutputStream();
        PgpFiles.seal(
                new ByteArrayInputStream(JSON),
                "request.json",
                unsigned,
                null,
                PgpFiles.encryptionKey(PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub"))),
                false);
        assertThatThrownBy(() -> hub.open(unsigned.toByteArray(), "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class, e -> assertThat(e.code()).isEqualTo("UNSIGNED"));
    }

    /**
     * Key rotation (docs/keys.md): while the centre's public key file holds its old and its new
     * key, messages signed by either are accepted, and the hub encrypts to the newer one.
     */
    @Test
    void rotationOverlapAcceptsBothKeysAndEncryptsToTheNewOne(@TempDir Path dir) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PGPKeyRingGenerator gen =
                DemoKeys.pgpKeyRing(
                        "centre@" + DemoKeys.PGP_DOMAIN,
                        rsa.generateKeyPair(),
                        rsa.generateKeyPair(),
                        new Date(),
                        PASSWORD,
                        new SecureRandom());
        Files.write(dir.resolve("centre-new.pgp.sec"), gen.generateSecretKeyRing().getEncoded());
        byte[] old = PgpFiles.publicKeys(TestHub.KEYS.resolve("centre.pgp.pub")).getEncoded();
        byte[] both = new byte[old.length + gen.generatePublicKeyRing().getEncoded().length];
        System.arraycopy(old, 0, both, 0, old.length);
        System.arraycopy(
                gen.generatePublicKeyRing().getEncoded(),
                0,
                both,
                old.length,
                both.length - old.length);
        Files.write(dir.resolve("centre.pgp.pub"), both);

        PgpMessages rotatingHub =
                new PgpMessages(
                        TestHub.KEYS.resolve("hub.pgp.sec"),
                        PASSWORD,
                        Map.of("centre", dir.resolve("centre.pgp.pub")),
                        null);
        PgpMessages newCentre =
                new PgpMessages(
                        dir.resolve("centre-new.pgp.sec"),
                        PASSWORD,
                        Map.of("hub", TestHub.KEYS.resolve("hub.pgp.pub")),
                        null);

        assertThat(rotatingHub.open(centre.seal(JSON, "old.json", "hub"), "centre"))
                .isEqualTo(JSON);
        assertThat(rotatingHub.open(newCentre.seal(JSON, "new.json", "hub"), "centre"))
                .isEqualTo(JSON);
        byte[] answer = rotatingHub.seal(JSON, "answer.json", "centre");
        assertThat(newCentre.open(answer, "hub")).isEqualTo(JSON);
        assertThatThrownBy(() -> centre.open(answer, "hub"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));
    }

    /** A message signed with a key that has expired (yesterday) is KEY_EXPIRED_OR_REVOKED. */
    @Test
    void signedWithAnExpiredKeyIsRefused(@TempDir Path dir) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Date created = Date.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2)));
        var primary =
                new org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair(
                        org.bouncycastle.openpgp.PGPPublicKey.RSA_GENERAL,
                        rsa.generateKeyPair(),
                        created);
        var hashed = new org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator();
        hashed.setKeyFlags(
                false,
                org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA
                        | org.bouncycastle.bcpg.sig.KeyFlags.CERTIFY_OTHER);
        hashed.setKeyExpirationTime(false, 86_400); // one day after its creation: yesterday
        var sha1 =
                new org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder()
                        .build()
                        .get(org.bouncycastle.bcpg.HashAlgorithmTags.SHA1);
        var gen =
                new PGPKeyRingGenerator(
                        org.bouncycastle.openpgp.PGPSignature.POSITIVE_CERTIFICATION,
                        primary,
                        "centre@" + DemoKeys.PGP_DOMAIN,
                        sha1,
                        hashed.generate(),
                        null,
                        new org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder(
                                primary.getPublicKey().getAlgorithm(),
                                org.bouncycastle.bcpg.HashAlgorithmTags.SHA256),
                        new org.bouncycastle.openpgp.operator.jcajce
                                        .JcePBESecretKeyEncryptorBuilder(
                                        org.bouncycastle.openpgp.PGPEncryptedData.AES_256, sha1)
                                .build(PASSWORD));
        Files.write(dir.resolve("centre.pgp.pub"), gen.generatePublicKeyRing().getEncoded());
        var signer = PgpFiles.unlock(gen.generateSecretKeyRing().getSecretKey(), PASSWORD);

        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        PgpFiles.seal(
                new ByteArrayInputStream(JSON),
                "request.json",
                sealed,
                signer,
                PgpFiles.encryptionKey(PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub"))),
                false);
        PgpMessages hubTrustingTheExpiredKey =
                new PgpMessages(
                        TestHub.KEYS.resolve("hub.pgp.sec"),
                        PASSWORD,
                        Map.of("centre", dir.resolve("centre.pgp.pub")),
                        null);
        assertThatThrownBy(() -> hubTrustingTheExpiredKey.open(sealed.toByteArray(), "centre"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("KEY_EXPIRED_OR_REVOKED"));
    }
}
