package jp.kofuhub.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.keys.Tls;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo key set of every party (issue #7): a demo CA, an X.509 certificate and an OpenPGP key
 * pair per party, written into one folder (default {@code data/keys/}, never committed). Demo keys
 * only: a production hub is given its keys as files named in the configuration (docs/keys.md).
 *
 * <p>Files: {@code ca.crt}, {@code truststore.p12} (the CA), per party {@code <party>.p12} (key and
 * chain), {@code <party>.crt}, {@code <party>.pgp.pub}, {@code <party>.pgp.sec} (armored, the
 * secret key protected by the password), {@code public-keyring.asc} (all public keys) and {@code
 * README.txt}. X.509 keys are EC P-256 (the TLS, the answer signature and the PAdES signature);
 * OpenPGP keys are, by default, an Ed25519 signing primary key and an X25519 encryption subkey (the
 * keys gpg 2.2+ makes by default; issue #20: a fraction of RSA's cost per message), or RSA 3072 for
 * both ({@link PgpAlgorithm#RSA3072}, system property {@code kofu.demo.pgp-algorithm=rsa3072}); the
 * hub accepts either. Passwords and private keys are never logged or returned.
 */
public final class DemoKeys {

    /** Every party, in the order the files are written. */
    public static final List<String> PARTIES =
            List.of(
                    "hub",
                    "juki",
                    "inkan",
                    "zei",
                    "koseki-registry",
                    "koseki-server",
                    "centre",
                    "finance",
                    "operator",
                    "operator-aoki",
                    "operator-baba");

    /**
     * The demo's personal operator certificates (client auth only), one per named operator: the
     * stop switch records the person ({@code cert:operator-aoki}); {@code operator} is the shared
     * one (KOFU_OPERATOR chooses which the operators' tools present).
     */
    public static final List<String> PERSONAL_OPERATORS = List.of("operator-aoki", "operator-baba");

    /** The at-rest key file: AES-256 keys for data the hub holds between steps (docs/keys.md). */
    public static final String AT_REST_KEYS = "at-rest.keys";

    /** Parties that serve TLS: server and client auth, subjectAltName localhost / 127.0.0.1. */
    public static final Set<String> SERVERS = Set.of("hub", "koseki-server", "centre");

    /** The default folder, relative to the working directory ({@code kofu.keys.dir}). */
    public static final String DEFAULT_DIR = Tls.DEFAULT_KEYS_DIR;

    /** The demo password when neither {@code kofu.keys.password} nor KOFU_KEYS_PASSWORD is set. */
    public static final String DEFAULT_PASSWORD = Tls.DEFAULT_KEYS_PASSWORD;

    public static final String PGP_DOMAIN = "kofu-hub.demo";
    public static final Duration CA_VALIDITY = Duration.ofDays(3652);
    public static final Duration PARTY_VALIDITY = Duration.ofDays(1826);

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** The OpenPGP keys of a demo set (issue #20). */
    public enum PgpAlgorithm {
        /** Ed25519 signing primary key, X25519 (cv25519) encryption subkey: the default. */
        ED25519,
        /** RSA 3072 for both, as before issue #20. */
        RSA3072;

        /** {@code kofu.demo.pgp-algorithm} (ed25519 | rsa3072), else ED25519. */
        public static PgpAlgorithm configured() {
            return valueOf(
                    System.getProperty("kofu.demo.pgp-algorithm", "ed25519")
                            .toUpperCase(java.util.Locale.ROOT));
        }

        KeyPair signing(SecureRandom random) throws GeneralSecurityException {
            return generator(this == ED25519 ? "Ed25519" : "RSA", random).generateKeyPair();
        }

        KeyPair encryption(SecureRandom random) throws GeneralSecurityException {
            return generator(this == ED25519 ? "X25519" : "RSA", random).generateKeyPair();
        }

        private static KeyPairGenerator generator(String algorithm, SecureRandom random)
                throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm, BC);
            if (algorithm.equals("RSA")) {
                g.initialize(3072, random);
            } else {
                g.initialize(255, random);
            }
            return g;
        }
    }

    private DemoKeys() {}

    /**
     * What one party got. Fingerprints are SHA-256 of the DER certificate and the OpenPGP v4
     * fingerprint.
     */
    public record PartyKeys(
            String party, String x509Sha256, String pgpFingerprint, String pgpUserId) {}

    /**
     * The outcome of {@link #generate}: {@code generated} false means the complete set was already
     * there and nothing was written ({@code parties} and {@code caSha256} are then empty).
     */
    public record Result(
            Path dir,
            boolean generated,
            List<String> files,
            String caSha256,
            List<PartyKeys> parties) {}

    /**
     * The password: system property {@code kofu.keys.password}, else KOFU_KEYS_PASSWORD, else the
     * demo default.
     */
    public static char[] configuredPassword() {
        return Tls.configuredPassword();
    }

    /** Every file name of a complete set, in writing order. */
    public static List<String> fileNames() {
        List<String> names = new ArrayList<>(List.of("ca.crt", "truststore.p12"));
        for (String party : PARTIES) {
            names.addAll(
                    List.of(
                            party + ".crt",
                            party + ".p12",
                            party + ".pgp.pub",
                            party + ".pgp.sec"));
        }
        names.addAll(List.of("public-keyring.asc", AT_REST_KEYS, "README.txt"));
        return names;
    }

    /** True when every file of the set is in {@code dir}. */
    public static boolean isComplete(Path dir) {
        return fileNames().stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)));
    }

    /** {@link #generate(Path, char[], boolean, Clock)} with the system clock. */
    public static Result generate(Path dir, char[] password, boolean force) {
        return generate(dir, password, force, Clock.systemUTC());
    }

    /**
     * Writes the demo key set into {@code dir} (created if needed). Idempotent: when the complete
     * set is there and {@code force} is false nothing is written. An incomplete set is replaced as
     * a whole (its certificates would not share one CA). Certificates are valid from one hour
     * before {@code clock}'s now (for clock skew): the CA ten years, the parties five.
     */
    public static Result generate(Path dir, char[] password, boolean force, Clock clock) {
        return generate(dir, password, force, clock, PgpAlgorithm.configured());
    }

    /** {@link #generate(Path, char[], boolean, Clock)} with the OpenPGP keys of {@code pgp}. */
    public static Result generate(
            Path dir, char[] password, boolean force, Clock clock, PgpAlgorithm pgp) {
        if (!force && isComplete(dir)) {
            printoutKeys(dir, password, clock.instant().minus(Duration.ofHours(1)));
            return new Result(dir, false, List.of(), "", List.of());
        }
        try {
            Files.createDirectories(dir);
            Result r = write(dir, password, clock.instant().minus(Duration.ofHours(1)), pgp);
            printoutKeys(dir, password, clock.instant().minus(Duration.ofHours(1)));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo keys to " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException | PGPException e) {
            throw new IllegalStateException("cannot make the demo keys: " + e.getMessage(), e);
        }
    }

    private static Result write(Path dir, char[] password, Instant notBefore, PgpAlgorithm pgp)
            throws IOException, GeneralSecurityException, OperatorCreationException, PGPException {
        SecureRandom random = new SecureRandom();
        List<String> files = new ArrayList<>();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

        KeyPair caKeys = ecKeyPair(random);
        X500Name caName = new X500Name("CN=Kofu Hub Demo CA,O=Kofu Hub Demo,C=JP");
        X509v3CertificateBuilder cab =
                new JcaX509v3CertificateBuilder(
                        caName,
                        serial(random),
                        Date.from(notBefore),
                        Date.from(notBefore.plus(CA_VALIDITY)),
                        caName,
                        caKeys.getPublic());
        cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        cab.addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        cab.addExtension(
                Extension.subjectKeyIdentifier,
                false,
                ext.createSubjectKeyIdentifier(caKeys.getPublic()));
        X509Certificate ca = sign(cab, caKeys);
        writeString(dir, "ca.crt", pem(ca), files);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kofu-hub-demo-ca", ca);
        writeKeyStore(dir, "truststore.p12", trust, password, files);

        Map<String, PGPPublicKeyRing> publicRings = new LinkedHashMap<>();
        List<PartyKeys> parties = new ArrayList<>();
        for (String party : PARTIES) {
            KeyPair keys = ecKeyPair(random);
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            ca,
                            serial(random),
                            Date.from(notBefore),
                            Date.from(notBefore.plus(PARTY_VALIDITY)),
                            new X500Name("CN=" + party + ",O=Kofu Hub Demo,C=JP"),
                            keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(
                    Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            if (SERVERS.contains(party)) {
                b.addExtension(
                        Extension.extendedKeyUsage,
                        false,
                        new ExtendedKeyUsage(
                                new KeyPurposeId[] {
                                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                                }));
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(
                                new GeneralName[] {
                                    new GeneralName(GeneralName.dNSName, "localhost"),
                                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                                }));
            } else {
                b.addExtension(
                        Extension.extendedKeyUsage,
                        false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            X509Certificate cert = sign(b, caKeys);
            writeString(dir, party + ".crt", pem(cert), files);
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry(party, keys.getPrivate(), password, new Certificate[] {cert, ca});
            writeKeyStore(dir, party + ".p12", p12, password, files);

            String userId = party + "@" + PGP_DOMAIN;
            PGPKeyRingGenerator gen =
                    pgpKeyRing(
                            userId,
                            pgp.signing(random),
                            pgp.encryption(random),
                            Date.from(notBefore),
                            password,
                            random);
            PGPPublicKeyRing pub = gen.generatePublicKeyRing();
            PGPSecretKeyRing sec = gen.generateSecretKeyRing();
            writeBytes(dir, party + ".pgp.pub", armored(out -> pub.encode(out, true)), files);
            writeBytes(dir, party + ".pgp.sec", armored(sec::encode), files);
            publicRings.put(party, pub);
            parties.add(
                    new PartyKeys(party, sha256(cert), pgpFingerprint(pub.getPublicKey()), userId));
        }
        writeBytes(
                dir,
                "public-keyring.asc",
                armored(
                        out -> {
                            for (PGPPublicKeyRing ring : publicRings.values()) {
                                ring.encode(out, true);
                            }
                        }),
                files);
        byte[] aes = new byte[32];
        random.nextBytes(aes);
        writeString(
                dir,
                AT_REST_KEYS,
                "# AES-256 keys for data at rest, one per line: <key id>=<base64 key>. The last line\n"
                        + "# encrypts; every line decrypts (key rotation: append a new key, remove an old one when\n"
                        + "# nothing encrypted with it is left). Demo key set only.\n"
                        + "demo-"
                        + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd")
                                .withZone(java.time.ZoneOffset.UTC)
                                .format(notBefore)
                        + "="
                        + java.util.Base64.getEncoder().encodeToString(aes)
                        + "\n",
                files);
        writeString(dir, "README.txt", readme(notBefore), files);
        return new Result(dir, true, List.copyOf(files), sha256(ca), List.copyOf(parties));
    }

    /** The shipped municipalities (config/municipalities): each gets a printout key. */
    public static final List<String> PRINTOUT_MUNICIPALITIES =
            List.of("011002", "012173", "012246", "012319", "012343", "012351");

    /**
     * The printout-code signing keys of the demo (issue #21, docs/keys.md "Printout keys"): {@code
     * printout/<団体コード>.p12} with one EC P-256 key valid for {@link #PARTY_VALIDITY} and its key-set
     * document {@code printout/<団体コード>.keys.json}, for each code that has no key file yet (a key
     * set made before printout keys existed gets them on the next run; rotation is {@code ./kofu
     * printout-keys new}).
     */
    public static void printoutKeys(
            Path dir, char[] password, Instant notBefore, String... municipalities) {
        Path printout = dir.resolve("printout");
        for (String code :
                municipalities.length == 0 ? PRINTOUT_MUNICIPALITIES : List.of(municipalities)) {
            if (Files.isRegularFile(jp.kofuhub.printout.PrintoutKeyStore.file(printout, code))) {
                continue;
            }
            jp.kofuhub.printout.PrintoutKey k =
                    jp.kofuhub.printout.PrintoutKeyStore.add(
                            printout, code, password, notBefore, notBefore.plus(PARTY_VALIDITY));
            try {
                Files.writeString(
                        printout.resolve(code + ".keys.json"),
                        jp.kofuhub.printout.PrintoutKeySet.write(
                                code, null, List.of(k.publicOnly())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the printout key set of " + code, e);
            }
        }
    }

    public static PGPKeyRingGenerator pgpKeyRing(
            String userId,
            KeyPair signing,
            KeyPair encryption,
            Date created,
            char[] password,
            SecureRandom random)
            throws PGPException {
        // RSA, or Ed25519 (EdDSA, as gpg 2.2 writes it) with an X25519 ECDH subkey
        boolean rsa = "RSA".equals(signing.getPublic().getAlgorithm());
        PGPKeyPair primary =
                new JcaPGPKeyPair(
                        rsa ? PGPPublicKey.RSA_GENERAL : PGPPublicKey.EDDSA_LEGACY,
                        signing,
                        created);
        PGPKeyPair sub =
                new JcaPGPKeyPair(
                        "RSA".equals(encryption.getPublic().getAlgorithm())
                                ? PGPPublicKey.RSA_GENERAL
                                : PGPPublicKey.ECDH,
                        encryption,
                        created);
        var digests = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build();
        PGPDigestCalculator sha1 = digests.get(HashAlgorithmTags.SHA1);

        PGPSignatureSubpacketGenerator primaryPackets = new PGPSignatureSubpacketGenerator();
        primaryPackets.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        primaryPackets.setPreferredSymmetricAlgorithms(
                false,
                new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
        primaryPackets.setPreferredHashAlgorithms(
                false, new int[] {HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512});
        primaryPackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        PGPSignatureSubpacketGenerator subPackets = new PGPSignatureSubpacketGenerator();
        subPackets.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);

        PGPKeyRingGenerator gen =
                new PGPKeyRingGenerator(
                        PGPSignature.POSITIVE_CERTIFICATION,
                        primary,
                        userId,
                        sha1,
                        primaryPackets.generate(),
                        null,
                        new JcaPGPContentSignerBuilder(
                                        primary.getPublicKey().getAlgorithm(),
                                        HashAlgorithmTags.SHA256)
                                .setProvider(BC),
                        new JcePBESecretKeyEncryptorBuilder(
                                        SymmetricKeyAlgorithmTags.AES_256,
                                        digests.get(HashAlgorithmTags.SHA256),
                                        0x60)
                                .setProvider(BC)
                                .setSecureRandom(random)
                                .build(password));
        gen.addSubKey(sub, subPackets.generate(), null);
        return gen;
    }

    private static String readme(Instant notBefore) {
        return """
                DEMO KEYS - NOT FOR PRODUCTION

                These keys were made by `./kofu keys` (or by the hub's first start in demo mode) on %s
                for the Kofu Hub demo. The private keys and their password (kofu.keys.password, the demo
                default unless KOFU_KEYS_PASSWORD was set) are not secret: never use them for real data.
                This folder must never be committed (data/ is git-ignored). See docs/keys.md.

                ca.crt                demo CA (X.509, PEM); truststore.p12 holds it
                <party>.crt / .p12    the party's X.509 certificate / PKCS#12 with its key and chain
                <party>.pgp.pub/.sec  the party's OpenPGP key pair (ASCII armor; the secret key is
                                      protected by the password)
                public-keyring.asc    every party's OpenPGP public key
                printout/<code>.p12   each municipality's printout-code signing key (EC P-256) and
                printout/<code>.keys.json  its published key set (docs/interfaces/printout-code.md)

                Parties: %s
                Run `./kofu keys --force` to make a new set.
                """
                .formatted(
                        notBefore.atOffset(ZoneOffset.UTC).toLocalDate(),
                        String.join(", ", PARTIES));
    }

    private static KeyPair ecKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer =
                new JcaContentSignerBuilder("SHA256withECDSA")
                        .setProvider(BC)
                        .build(issuer.getPrivate());
        return new JcaX509CertificateConverter()
                .setProvider(BC)
                .getCertificate(builder.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private interface Encoder {
        void encode(OutputStream out) throws IOException;
    }

    private static byte[] armored(Encoder encoder) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor =
                ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            encoder.encode(armor);
        }
        return bytes.toByteArray();
    }

    /**
     * SHA-256 of the DER certificate, colon-separated upper-case hex (as {@code openssl x509
     * -fingerprint}).
     */
    public static String sha256(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The OpenPGP fingerprint, upper-case hex without spaces (as {@code gpg --with-colons} prints
     * it).
     */
    public static String pgpFingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    private static void writeKeyStore(
            Path dir, String name, KeyStore ks, char[] password, List<String> files)
            throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, password);
        writeBytes(dir, name, out.toByteArray(), files);
    }

    private static void writeString(Path dir, String name, String text, List<String> files)
            throws IOException {
        writeBytes(dir, name, text.getBytes(StandardCharsets.US_ASCII), files);
    }

    /** Written to a temporary name first, then moved, so a reader never sees half a file. */
    private static void writeBytes(Path dir, String name, byte[] bytes, List<String> files)
            throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(tmp, bytes);
        if ((name.endsWith(".p12") && !name.equals("truststore.p12"))
                || name.endsWith(".sec")
                || name.equals(AT_REST_KEYS)) {
            // private keys: readable by the owner only, where the file system knows POSIX
            // permissions
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // e.g. Windows
            }
        }
        Files.move(
                tmp,
                dir.resolve(name),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        files.add(name);
    }
}
