package jp.kofuhub.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.support.TestHub;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * Decompression bombs as OpenPGP messages (issue #16): {@code zeros} zero bytes of literal data,
 * with a one-pass signature before them and the signature after, compressed (ZIP, ZLIB or BZIP2),
 * encrypted to the hub — exactly the packet layout of {@code gpg -z 9 --compress-algo … --sign
 * --encrypt}. Made streaming, so neither the test nor this class ever holds the inflated content:
 *
 * <ul>
 *   <li>ZIP/ZLIB: 64 KiB of zeros are deflated once (ending in a full flush, so it stands alone)
 *       and the same bytes repeated — a valid deflate stream at ~1000:1; ZLIB adds its header and
 *       Adler-32.
 *   <li>BZIP2: the packets stream through the real {@code bzip2 -9} (libbz2, what gpg uses): 256
 *       MiB become about 200 bytes.
 * </ul>
 *
 * <b>Signed</b>: a real signature by the party's key over the zeros (SHA-256, hashed while
 * streaming). <b>Forged</b>: made from public keys only — the one-pass signature names the party's
 * key id, the signature at the end is random bytes; no secret key is used.
 */
final class Bombs {

    enum Algo {
        ZIP(1),
        ZLIB(2),
        BZIP2(3);

        final int tag;

        Algo(int tag) {
            this.tag = tag;
        }
    }

    static final long MIB = 1L << 20;

    /** The zeros deflated once and repeated. */
    private static final long CHUNK = 64L * 1024;

    static final char[] PASSWORD = DemoKeys.DEFAULT_PASSWORD.toCharArray();
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final Map<String, byte[][]> SIGNATURES = new ConcurrentHashMap<>();
    private static final Map<String, byte[]> MADE = new ConcurrentHashMap<>();

    private Bombs() {}

    /**
     * A bomb signed with {@code party}'s real secret key (demo key set of the run), encrypted to
     * the hub.
     */
    static byte[] signed(Algo algo, long zeros, String party) {
        return MADE.computeIfAbsent(
                algo + "/" + zeros + "/" + party,
                k -> {
                    byte[][] sig =
                            SIGNATURES.computeIfAbsent(
                                    party + "/" + zeros, s -> sign(party, zeros));
                    return seal(algo, zeros, sig[0], sig[1]);
                });
    }

    /**
     * A bomb forged from public keys only: {@code party}'s key id in the one-pass signature, random
     * signature bytes.
     */
    static byte[] forged(Algo algo, long zeros, String party) {
        return MADE.computeIfAbsent(
                algo + "/" + zeros + "/forged-" + party,
                k -> {
                    try {
                        var publicKey =
                                PgpFiles.publicKeys(TestHub.KEYS.resolve(party + ".pgp.pub"))
                                        .getKeyRings()
                                        .next()
                                        .getPublicKey();
                        long keyId = publicKey.getKeyID();
                        // the key's own algorithm (Ed25519 in the demo key set since issue #20,
                        // RSA on request): a forgery the hub cannot tell from a real one by its
                        // headers
                        int keyAlgorithm = publicKey.getAlgorithm();
                        return seal(
                                algo,
                                zeros,
                                onePass(keyId, keyAlgorithm),
                                randomSignature(keyId, keyAlgorithm));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * The one-pass signature and the signature of {@code party} over {@code zeros} zero bytes
     * (binary document).
     */
    private static byte[][] sign(String party, long zeros) {
        try {
            PGPPrivateKey key =
                    PgpFiles.unlock(
                            PgpFiles.signingKey(
                                    PgpFiles.secretKeys(TestHub.KEYS.resolve(party + ".pgp.sec"))),
                            PASSWORD);
            PGPSignatureGenerator g =
                    new PGPSignatureGenerator(
                            new JcaPGPContentSignerBuilder(
                                            key.getPublicKeyPacket().getAlgorithm(),
                                            HashAlgorithmTags.SHA256)
                                    .setProvider(BC));
            g.init(PGPSignature.BINARY_DOCUMENT, key);
            byte[] ops = g.generateOnePassVersion(false).getEncoded();
            byte[] mib = new byte[(int) MIB];
            for (long done = 0; done < zeros; done += MIB) {
                g.update(mib, 0, (int) Math.min(MIB, zeros - done));
            }
            return new byte[][] {ops, g.generate().getEncoded()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A version 3 one-pass signature packet (RFC 4880 §5.4): binary document, SHA-256, RSA, the key
     * id, last.
     */
    private static byte[] onePass(long keyId, int keyAlgorithm) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xC4);
        b.write(13);
        b.writeBytes(new byte[] {3, 0x00, (byte) HashAlgorithmTags.SHA256, (byte) keyAlgorithm});
        b.writeBytes(longBytes(keyId));
        b.write(1);
        return b.toByteArray();
    }

    /**
     * A version 4 signature packet (RFC 4880 §5.2.3) naming {@code keyId} as issuer, its RSA value
     * random.
     */
    private static byte[] randomSignature(long keyId, int keyAlgorithm) {
        if (keyAlgorithm != 1) {
            return randomEdSignature(keyId, keyAlgorithm);
        }
        ByteArrayOutputStream body = signatureHeader(keyId, 1);
        byte[] random = new byte[384 + 2];
        new SecureRandom().nextBytes(random);
        random[2] |= (byte) 0x80;
        body.write(random, 0, 2); // the left 16 bits of the (unknown) hash
        body.writeBytes(new byte[] {0x0C, 0x00}); // an MPI of 3072 bits
        body.write(random, 2, 384);
        int len = body.size();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xC2);
        b.write(((len - 192) >> 8) + 192);
        b.write((len - 192) & 0xff);
        b.writeBytes(body.toByteArray());
        return b.toByteArray();
    }

    /**
     * A version 4 signature's fields before its value: binary document, the key's algorithm,
     * SHA-256, creation time (hashed) and issuer key id (unhashed).
     */
    private static ByteArrayOutputStream signatureHeader(long keyId, int keyAlgorithm) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {4, 0x00, (byte) keyAlgorithm, (byte) HashAlgorithmTags.SHA256});
        body.writeBytes(new byte[] {0, 6, 5, 2});
        body.writeBytes(intBytes((int) (System.currentTimeMillis() / 1000)));
        body.writeBytes(new byte[] {0, 10, 9, 16});
        body.writeBytes(longBytes(keyId));
        return body;
    }

    /** The same for an EdDSA key: two random MPIs of 256 bits (r, s). */
    private static byte[] randomEdSignature(long keyId, int keyAlgorithm) {
        ByteArrayOutputStream body = signatureHeader(keyId, keyAlgorithm);
        byte[] random = new byte[2 + 64];
        new SecureRandom().nextBytes(random);
        random[2] |= (byte) 0x80;
        random[34] |= (byte) 0x80;
        body.write(random, 0, 2); // the left 16 bits of the (unknown) hash
        body.writeBytes(new byte[] {0x01, 0x00}); // r: an MPI of 256 bits
        body.write(random, 2, 32);
        body.writeBytes(new byte[] {0x01, 0x00}); // s: an MPI of 256 bits
        body.write(random, 34, 32);
        int len = body.size();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xC2);
        b.write(len);
        b.writeBytes(body.toByteArray());
        return b.toByteArray();
    }

    /**
     * OPS, literal data of {@code zeros} zero bytes, signature: compressed, then encrypted to the
     * hub.
     */
    private static byte[] seal(Algo algo, long zeros, byte[] ops, byte[] signature) {
        try {
            ByteArrayOutputStream literalHeader = new ByteArrayOutputStream();
            literalHeader.write(0xCB); // literal data, new format, 4-octet length
            literalHeader.write(0xFF);
            literalHeader.writeBytes(intBytes((int) (zeros + 6)));
            literalHeader.writeBytes(new byte[] {'b', 0});
            literalHeader.writeBytes(intBytes((int) (new Date().getTime() / 1000)));
            byte[] prefix = concat(ops, literalHeader.toByteArray());
            byte[] compressed =
                    algo == Algo.BZIP2
                            ? bzip2(prefix, zeros, signature)
                            : deflate(algo, prefix, zeros, signature);

            ByteArrayOutputStream packet = new ByteArrayOutputStream(compressed.length + 8);
            packet.write(0xC8); // compressed data, new format, 4-octet length
            packet.write(0xFF);
            packet.writeBytes(intBytes(compressed.length + 1));
            packet.write(algo.tag);
            packet.writeBytes(compressed);

            PGPPublicKey hub =
                    PgpFiles.encryptionKey(
                            PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub")));
            PGPEncryptedDataGenerator enc =
                    new PGPEncryptedDataGenerator(
                            new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                                    .setWithIntegrityPacket(true)
                                    .setSecureRandom(new SecureRandom())
                                    .setProvider(BC));
            enc.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(hub).setProvider(BC));
            ByteArrayOutputStream out = new ByteArrayOutputStream(packet.size() + 1024);
            try (OutputStream e = enc.open(out, new byte[1 << 16])) {
                packet.writeTo(e);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Raw deflate (ZIP) or zlib (ZLIB) of prefix, zeros, suffix: the zeros as one flushed MiB
     * repeated.
     */
    private static byte[] deflate(Algo algo, byte[] prefix, long zeros, byte[] suffix) {
        if (zeros % CHUNK != 0) {
            throw new IllegalArgumentException("zeros must be whole 64 KiB");
        }
        byte[] p = flushed(prefix, Deflater.FULL_FLUSH);
        byte[] z = flushed(new byte[(int) CHUNK], Deflater.FULL_FLUSH);
        byte[] s = flushed(suffix, -1);
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(
                        (int) (p.length + z.length * (zeros / CHUNK) + s.length + 8));
        if (algo == Algo.ZLIB) {
            out.write(0x78);
            out.write(0xDA);
        }
        out.writeBytes(p);
        for (long i = 0; i < zeros / CHUNK; i++) {
            out.writeBytes(z);
        }
        out.writeBytes(s);
        if (algo == Algo.ZLIB) {
            // Adler-32 of prefix, zeros, suffix: zeros leave a alone and add a to b once per byte
            long a = 1;
            long b = 0;
            for (byte x : prefix) {
                a = (a + (x & 0xff)) % 65521;
                b = (b + a) % 65521;
            }
            b = (b + (zeros % 65521) * a) % 65521;
            for (byte x : suffix) {
                a = (a + (x & 0xff)) % 65521;
                b = (b + a) % 65521;
            }
            out.writeBytes(intBytes((int) ((b << 16) | a)));
        }
        return out.toByteArray();
    }

    /**
     * {@code data} deflated on its own (no dictionary before it), ending in a full flush, or
     * finished when flush is -1.
     */
    private static byte[] flushed(byte[] data, int flush) {
        Deflater d = new Deflater(9, true);
        try {
            d.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            if (flush < 0) {
                d.finish();
                while (!d.finished()) {
                    out.write(buf, 0, d.deflate(buf));
                }
            } else {
                int n;
                do {
                    n = d.deflate(buf, 0, buf.length, flush);
                    out.write(buf, 0, n);
                } while (n == buf.length);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /** prefix, zeros, suffix through {@code bzip2 -9} (streaming both ways). */
    private static byte[] bzip2(byte[] prefix, long zeros, byte[] suffix) throws IOException {
        Process p =
                new ProcessBuilder("bzip2", "-9", "-c")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        CompletableFuture<byte[]> compressed =
                CompletableFuture.supplyAsync(
                        () -> {
                            try (InputStream in = p.getInputStream()) {
                                return in.readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        try (OutputStream in = p.getOutputStream()) {
            in.write(prefix);
            byte[] mib = new byte[(int) MIB];
            for (long done = 0; done < zeros; done += MIB) {
                in.write(mib, 0, (int) Math.min(MIB, zeros - done));
            }
            in.write(suffix);
        }
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("bzip2 failed");
            }
            return compressed.get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IOException("bzip2 failed", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] longBytes(long v) {
        return concat(intBytes((int) (v >>> 32)), intBytes((int) v));
    }
}
