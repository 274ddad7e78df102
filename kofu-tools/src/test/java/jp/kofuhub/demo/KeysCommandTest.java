package jp.kofuhub.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo key set, checked with the real openssl and gpg where they are installed. */
class KeysCommandTest {

    private static final char[] PASSWORD = "test-password-1".toCharArray();

    @TempDir static Path work;

    static Path keys;
    static DemoKeys.Result first;

    @BeforeAll
    static void generate() {
        keys = work.resolve("keys");
        first = DemoKeys.generate(keys, PASSWORD, false);
    }

    @Test
    void everyFileIsMade() throws IOException {
        assertTrue(first.generated());
        assertEquals(DemoKeys.fileNames(), first.files());
        for (String name : DemoKeys.fileNames()) {
            assertTrue(Files.size(keys.resolve(name)) > 0, name);
        }
        assertTrue(DemoKeys.isComplete(keys));
        assertEquals(DemoKeys.PARTIES.size(), first.parties().size());
        try (var files = Files.list(keys)) {
            assertEquals(
                    DemoKeys.fileNames().size(),
                    files.filter(Files::isRegularFile).count(),
                    "no temporary files left");
        }
        // and a printout key (issue #21) per shipped municipality, with its key-set document
        for (String code : DemoKeys.PRINTOUT_MUNICIPALITIES) {
            assertTrue(Files.size(keys.resolve("printout/" + code + ".p12")) > 0, code);
            assertTrue(
                    Files.readString(keys.resolve("printout/" + code + ".keys.json"))
                            .contains("\"kofu-printout-keys/1\""),
                    code);
        }
        assertTrue(Files.readString(keys.resolve("README.txt")).contains("./kofu keys"));
        assertTrue(Files.readString(keys.resolve("README.txt")).contains("NOT FOR PRODUCTION"));
        assertTrue(
                Files.readString(keys.resolve("hub.pgp.sec"))
                        .startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        assertTrue(
                Files.readString(keys.resolve("public-keyring.asc"))
                        .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assertFalse(Files.readString(keys.resolve("README.txt")).contains(new String(PASSWORD)));
    }

    @Test
    void x509ChainVerifiesWithOpenssl() throws Exception {
        Assumptions.assumeTrue(installed("openssl", "version"), "openssl is not installed");
        for (String party : DemoKeys.PARTIES) {
            Run r = exec(keys, "openssl", "verify", "-CAfile", "ca.crt", party + ".crt");
            assertEquals(0, r.code, r.out);
            assertEquals(party + ".crt: OK", r.out.strip());
        }
        for (String server : DemoKeys.SERVERS) {
            Run r =
                    exec(
                            keys,
                            "openssl",
                            "verify",
                            "-CAfile",
                            "ca.crt",
                            "-purpose",
                            "sslserver",
                            "-verify_hostname",
                            "localhost",
                            server + ".crt");
            assertEquals(0, r.code, r.out);
            r =
                    exec(
                            keys,
                            "openssl",
                            "verify",
                            "-CAfile",
                            "ca.crt",
                            "-purpose",
                            "sslclient",
                            "-verify_ip",
                            "127.0.0.1",
                            server + ".crt");
            assertEquals(0, r.code, r.out);
        }
        // a registry source is a client, not a server
        assertNotEquals(
                0,
                exec(
                                keys,
                                "openssl",
                                "verify",
                                "-CAfile",
                                "ca.crt",
                                "-purpose",
                                "sslserver",
                                "juki.crt")
                        .code);
    }

    @Test
    void pkcs12OpensWithThePassword() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve("truststore.p12"))) {
            trust.load(in, PASSWORD);
        }
        X509Certificate ca = (X509Certificate) trust.getCertificate("kofu-hub-demo-ca");
        assertEquals(first.caSha256(), DemoKeys.sha256(ca));
        for (DemoKeys.PartyKeys p : first.parties()) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keys.resolve(p.party() + ".p12"))) {
                ks.load(in, PASSWORD);
            }
            Key key = ks.getKey(p.party(), PASSWORD);
            assertTrue(key instanceof PrivateKey, p.party());
            X509Certificate cert = (X509Certificate) ks.getCertificate(p.party());
            assertEquals(p.x509Sha256(), DemoKeys.sha256(cert));
            cert.verify(ca.getPublicKey());
            assertEquals(2, ks.getCertificateChain(p.party()).length);
        }
        KeyStore wrong = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve("hub.p12"))) {
            org.junit.jupiter.api.Assertions.assertThrows(
                    IOException.class, () -> wrong.load(in, "wrong".toCharArray()));
        }
    }

    @Test
    void publicKeyringImportsIntoGpgAndSignaturesVerify() throws Exception {
        Assumptions.assumeTrue(installed("gpg", "--version"), "gpg is not installed");
        Path home = Files.createTempDirectory(work, "gnupg");
        Files.setPosixFilePermissions(
                home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Run imported =
                exec(
                        keys,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--import",
                        "public-keyring.asc");
        assertEquals(0, imported.code, imported.out);
        Run list =
                exec(
                        keys,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--with-colons",
                        "--list-keys");
        assertEquals(0, list.code, list.out);
        for (DemoKeys.PartyKeys p : first.parties()) {
            assertTrue(
                    list.out.contains("<" + p.party() + "@kofu-hub.demo>")
                            || list.out.contains(p.party() + "@kofu-hub.demo"),
                    p.party() + " in\n" + list.out);
            assertTrue(
                    list.out.contains("fpr:::::::::" + p.pgpFingerprint() + ":"),
                    p.party() + " fingerprint");
        }
        // issue #20: Ed25519 signing primary keys (algorithm 22), cv25519 encryption subkeys (18)
        assertTrue(list.out.contains("pub:-:255:22:"), "Ed25519 primary keys\n" + list.out);
        assertTrue(list.out.contains(":255:18:"), "X25519 (cv25519) subkeys\n" + list.out);
        assertFalse(list.out.contains(":3072:1:"), "no RSA by default");

        // the secret key opens with the password and signs; gpg verifies the signature
        String party = "finance";
        byte[] message = "settlement_012343_20250401.csv 3 rows\n".getBytes(StandardCharsets.UTF_8);
        Path data = work.resolve("message.txt");
        Files.write(data, message);
        Path sig = work.resolve("message.txt.asc");
        Files.write(sig, detachedSignature(keys.resolve(party + ".pgp.sec"), message));
        Run verify =
                exec(
                        keys,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--status-fd",
                        "1",
                        "--verify",
                        sig.toString(),
                        data.toString());
        assertEquals(0, verify.code, verify.out);
        assertTrue(verify.out.contains("GOODSIG"), verify.out);
        assertTrue(verify.out.contains(party + "@kofu-hub.demo"), verify.out);

        // a changed message does not verify
        Files.write(data, "tampered".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(
                0,
                exec(
                                keys,
                                "gpg",
                                "--homedir",
                                home.toString(),
                                "--batch",
                                "--verify",
                                sig.toString(),
                                data.toString())
                        .code);

        // the secret key files are well-formed OpenPGP
        Run packets =
                exec(
                        keys,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--list-packets",
                        "hub.pgp.sec");
        assertEquals(0, packets.code, packets.out);
        assertTrue(packets.out.contains("secret key packet"), packets.out);
        assertTrue(packets.out.contains("protected"), "the secret key is protected");
    }

    /** RSA 3072 key sets (the demo's before issue #20) are still made on request and import. */
    @Test
    void anRsaKeySetStillImportsIntoGpg() throws Exception {
        Assumptions.assumeTrue(installed("gpg", "--version"), "gpg is not installed");
        Path rsa = work.resolve("rsa-keys");
        DemoKeys.generate(
                rsa, PASSWORD, false, java.time.Clock.systemUTC(), DemoKeys.PgpAlgorithm.RSA3072);
        Path home = Files.createTempDirectory(work, "gnupg-rsa");
        Files.setPosixFilePermissions(
                home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Run imported =
                exec(
                        rsa,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--import",
                        "public-keyring.asc");
        assertEquals(0, imported.code, imported.out);
        Run list =
                exec(
                        rsa,
                        "gpg",
                        "--homedir",
                        home.toString(),
                        "--batch",
                        "--with-colons",
                        "--list-keys");
        assertTrue(list.out.contains(":3072:1:"), "RSA 3072 keys\n" + list.out);
    }

    @Test
    void runningTwiceWithoutForceChangesNothing() throws Exception {
        Path dir = work.resolve("twice");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, KeysCommand.run(new String[] {"--dir", dir.toString()}, print, print));
        String firstRun = out.toString(StandardCharsets.UTF_8);
        assertTrue(firstRun.contains("hub.p12"), firstRun);
        assertTrue(firstRun.contains("OpenPGP"), firstRun);
        assertFalse(firstRun.contains(DemoKeys.DEFAULT_PASSWORD), "never prints the password");
        Map<String, byte[]> before = contents(dir);
        Map<String, Long> times = new HashMap<>();
        for (String n : before.keySet()) {
            times.put(n, Files.getLastModifiedTime(dir.resolve(n)).toMillis());
        }

        out.reset();
        assertEquals(0, KeysCommand.run(new String[] {"--dir", dir.toString()}, print, print));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nothing written"));
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet());
        for (String n : before.keySet()) {
            assertArrayEquals(before.get(n), after.get(n), n);
            assertEquals(times.get(n), Files.getLastModifiedTime(dir.resolve(n)).toMillis(), n);
        }

        out.reset();
        assertEquals(
                0,
                KeysCommand.run(new String[] {"--dir", dir.toString(), "--force"}, print, print));
        assertFalse(
                java.util.Arrays.equals(
                        before.get("ca.crt"), Files.readAllBytes(dir.resolve("ca.crt"))),
                "--force makes a new set");
        assertEquals(2, KeysCommand.run(new String[] {"--bogus"}, print, print));
    }

    @Test
    void firstRunOnlyInTheDemo() throws IOException {
        Path dir = work.resolve("first-run");
        assertFalse(
                new DemoKeysOnFirstRun(dir.toString(), "pw", true, false).shouldGenerate(),
                "test hubs: demo off");
        assertFalse(
                new DemoKeysOnFirstRun(dir.toString(), "pw", false, true).shouldGenerate(),
                "switched off");
        new DemoKeysOnFirstRun(dir.toString(), "pw", true, false).run(null);
        assertFalse(Files.exists(dir));
        DemoKeysOnFirstRun demo = new DemoKeysOnFirstRun(keys.toString(), "pw", true, true);
        assertFalse(demo.shouldGenerate(), "the set is already there");
    }

    private static byte[] detachedSignature(Path secretKeyFile, byte[] message) throws Exception {
        PGPSecretKeyRing ring;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(secretKeyFile))) {
            ring = new PGPSecretKeyRing(in, new JcaKeyFingerprintCalculator());
        }
        PGPSecretKey secret = ring.getSecretKey();
        PGPPrivateKey key =
                secret.extractPrivateKey(
                        new JcePBESecretKeyDecryptorBuilder(
                                        new JcaPGPDigestCalculatorProviderBuilder().build())
                                .build(PASSWORD));
        PGPSignatureGenerator gen =
                new PGPSignatureGenerator(
                        new JcaPGPContentSignerBuilder(
                                secret.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                        secret.getPublicKey());
        gen.init(PGPSignature.BINARY_DOCUMENT, key);
        gen.update(message);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream armor = new ArmoredOutputStream(bytes);
                BCPGOutputStream out = new BCPGOutputStream(armor)) {
            gen.generate().encode(out);
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private record Run(int code, String out) {}

    private static boolean installed(String... command) {
        try {
            return exec(work, command).code == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static Run exec(Path dir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p =
                new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
