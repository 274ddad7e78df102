package jp.kofuhub.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * OpenPGP helpers for registry export files (docs/interfaces/registry-export.md §2.1): reading key
 * files, and the writer's side, {@link #seal}: sign (one-pass) with a source's key and encrypt to
 * the hub, as {@code gpg --sign --encrypt} does. Used by the demo city and by tests; a real source
 * system uses its own tool (gpg). Never logs or returns key material or passwords.
 */
public final class PgpFiles {

    /** Suffix of a signed and encrypted export file. */
    public static final String SUFFIX = ".pgp";

    /** The key-set party whose key signs a source's files (docs/keys.md). */
    public static final Map<String, String> PARTY_OF_SOURCE =
            Map.of("JUKI", "juki", "INKAN", "inkan", "ZEI", "zei", "KOSEKI", "koseki-registry");

    public static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private PgpFiles() {}

    /** The public keys of an armored or binary key file (one or more key rings). */
    public static PGPPublicKeyRingCollection publicKeys(Path file) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        } catch (PGPException e) {
            throw new IOException("not an OpenPGP public key file: " + file.getFileName());
        }
    }

    /** The secret keys of an armored or binary key file. */
    public static PGPSecretKeyRingCollection secretKeys(Path file) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        } catch (PGPException e) {
            throw new IOException("not an OpenPGP secret key file: " + file.getFileName());
        }
    }

    /** Unlocks a secret key with its password. */
    public static PGPPrivateKey unlock(PGPSecretKey key, char[] password) throws PGPException {
        return key.extractPrivateKey(
                new JcePBESecretKeyDecryptorBuilder(
                                new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build())
                        .setProvider(BC)
                        .build(password));
    }

    /**
     * The signing key to use: of the signing-capable, valid (not revoked, not expired) secret keys
     * of the file, the newest. Key rotation: while the file holds the old and the new key, the new
     * one signs.
     */
    public static PGPSecretKey signingKey(PGPSecretKeyRingCollection keys) {
        PGPSecretKey best = null;
        for (Iterator<org.bouncycastle.openpgp.PGPSecretKeyRing> rings = keys.getKeyRings();
                rings.hasNext(); ) {
            org.bouncycastle.openpgp.PGPSecretKeyRing ring = rings.next();
            if (!valid(ring.getPublicKey())) {
                continue;
            }
            for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
                PGPSecretKey k = it.next();
                if (k.isSigningKey()
                        && !k.isPrivateKeyEmpty()
                        && valid(k.getPublicKey())
                        && (best == null || newer(k.getPublicKey(), best.getPublicKey()))) {
                    best = k;
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no valid signing key in the key file");
        }
        return best;
    }

    /**
     * The key to encrypt to: of the valid encryption keys of the file (subkeys before primary
     * keys), the newest. Key rotation: while a peer's file holds its old and new key, files go to
     * the new one.
     */
    public static PGPPublicKey encryptionKey(PGPPublicKeyRingCollection keys) {
        PGPPublicKey best = null;
        for (Iterator<PGPPublicKeyRing> rings = keys.getKeyRings(); rings.hasNext(); ) {
            PGPPublicKeyRing ring = rings.next();
            if (!valid(ring.getPublicKey())) {
                continue;
            }
            for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
                PGPPublicKey k = it.next();
                if (!k.isEncryptionKey() || !valid(k)) {
                    continue;
                }
                if (best == null
                        || (best.isMasterKey() && !k.isMasterKey())
                        || (best.isMasterKey() == k.isMasterKey() && newer(k, best))) {
                    best = k;
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no valid encryption key in the key file");
        }
        return best;
    }

    /** Not revoked and not expired now. */
    public static boolean valid(PGPPublicKey k) {
        if (k.hasRevocation()) {
            return false;
        }
        long seconds = k.getValidSeconds();
        return seconds <= 0
                || k.getCreationTime()
                        .toInstant()
                        .plusSeconds(seconds)
                        .isAfter(java.time.Instant.now());
    }

    private static boolean newer(PGPPublicKey a, PGPPublicKey b) {
        return a.getCreationTime().after(b.getCreationTime());
    }

    /**
     * Writes {@code plain} as an OpenPGP message to {@code target}: signed (one-pass, SHA-256) by
     * {@code signer} (unless null: an unsigned message, for tests), compressed, encrypted (AES-256
     * with integrity protection) to {@code recipient}. Written to {@code <target>.part} first, then
     * renamed, so an inbox never sees half a file. The literal data's name is the plain file's
     * name.
     */
    public static Path seal(
            Path plain, Path target, PGPPrivateKey signer, PGPPublicKey recipient, boolean armor)
            throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream file = Files.newOutputStream(part);
                InputStream in = Files.newInputStream(plain)) {
            seal(in, plain.getFileName().toString(), file, signer, recipient, armor);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        return Files.move(
                part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Writes {@code in} to {@code target} as an OpenPGP message: signed (one-pass, SHA-256) by
     * {@code signer} (unless null: an unsigned message, for tests), compressed, encrypted (AES-256
     * with integrity protection) to {@code recipient}; the literal data is called {@code name}.
     * Does not close {@code target}.
     */
    public static void seal(
            InputStream in,
            String name,
            OutputStream target,
            PGPPrivateKey signer,
            PGPPublicKey recipient,
            boolean armor)
            throws IOException {
        seal(in, name, target, signer, recipient, armor, -1, true);
    }

    /**
     * {@link #seal(InputStream, String, OutputStream, PGPPrivateKey, PGPPublicKey, boolean)} for
     * content of about {@code sizeHint} bytes (-1: unknown; the buffers are then 64 KiB, else the
     * power of two that holds it, at least 512 bytes), compressed (ZIP) or not: content that is
     * compressed already (a PDF's streams are deflated) gains nothing but costs CPU (issue #20).
     */
    public static void seal(
            InputStream in,
            String name,
            OutputStream target,
            PGPPrivateKey signer,
            PGPPublicKey recipient,
            boolean armor,
            long sizeHint,
            boolean compress)
            throws IOException {
        int buffer =
                sizeHint < 0 || sizeHint >= (1 << 16)
                        ? 1 << 16
                        : Math.max(512, Integer.highestOneBit((int) sizeHint + 511) << 1);
        try {
            OutputStream out =
                    armor
                            ? ArmoredOutputStream.builder()
                                    .clearHeaders()
                                    .build(new NonClosing(target))
                            : target;
            PGPEncryptedDataGenerator enc =
                    new PGPEncryptedDataGenerator(
                            new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                                    .setWithIntegrityPacket(true)
                                    .setSecureRandom(new SecureRandom())
                                    .setProvider(BC));
            enc.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(recipient).setProvider(BC));
            try (OutputStream encOut = enc.open(new NonClosing(out), new byte[buffer])) {
                PGPCompressedDataGenerator comp =
                        new PGPCompressedDataGenerator(
                                compress
                                        ? CompressionAlgorithmTags.ZIP
                                        : CompressionAlgorithmTags.UNCOMPRESSED);
                try (OutputStream compOut = comp.open(encOut)) {
                    PGPSignatureGenerator sig = null;
                    if (signer != null) {
                        sig =
                                new PGPSignatureGenerator(
                                        new JcaPGPContentSignerBuilder(
                                                        signer.getPublicKeyPacket().getAlgorithm(),
                                                        HashAlgorithmTags.SHA256)
                                                .setProvider(BC));
                        sig.init(PGPSignature.BINARY_DOCUMENT, signer);
                        sig.generateOnePassVersion(false).encode(compOut);
                    }
                    PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
                    try (OutputStream litOut =
                            lit.open(
                                    compOut,
                                    PGPLiteralData.BINARY,
                                    name,
                                    new Date(),
                                    new byte[buffer])) {
                        byte[] buf = new byte[buffer];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            litOut.write(buf, 0, n);
                            if (sig != null) {
                                sig.update(buf, 0, n);
                            }
                        }
                    }
                    if (sig != null) {
                        sig.generate().encode(compOut);
                    }
                }
            }
            if (armor) {
                out.close();
            }
        } catch (PGPException e) {
            throw new IOException("cannot sign and encrypt " + name + ": " + e.getMessage(), e);
        }
    }

    /** Lets a wrapping stream be closed (flushing its trailer) without closing the target. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * {@link #seal} with the key files of a demo-style key folder: signed by the source's party
     * ({@link #PARTY_OF_SOURCE}), encrypted to {@code hub}; binary.
     */
    public static Path sealForHub(
            Path plain, Path target, Path keysDir, String source, char[] password)
            throws IOException {
        String party = PARTY_OF_SOURCE.get(source);
        if (party == null) {
            throw new IllegalArgumentException("no key party for source " + source);
        }
        try {
            PGPPrivateKey signer =
                    unlock(signingKey(secretKeys(keysDir.resolve(party + ".pgp.sec"))), password);
            PGPPublicKey hub = encryptionKey(publicKeys(keysDir.resolve("hub.pgp.pub")));
            return seal(plain, target, signer, hub, false);
        } catch (PGPException e) {
            throw new IOException("cannot unlock the " + party + " key", e);
        }
    }
}
