package jp.kofuhub.keys;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * Opens an OpenPGP message that must be signed by a known sender and encrypted to the receiver: the
 * one check behind every boundary of the hub (registry export files in PgpInbox, the messages of
 * the centre and koseki hops in {@link PgpMessages}). Refusal codes
 * (docs/interfaces/registry-export.md §2.1, issuance-centre.md): NOT_ENCRYPTED_FOR_HUB, UNSIGNED,
 * UNKNOWN_SIGNER, KEY_EXPIRED_OR_REVOKED, BAD_SIGNATURE (also: tampered, truncated, no integrity
 * protection), MESSAGE_TOO_LARGE (the content inflates beyond the boundary's {@link
 * InflationLimit}: refused while it streams, before the signature at its end can be checked, so a
 * forged message costs no more than a signed one).
 */
public final class PgpOpener {

    private static final int BUFFER = 1 << 16;
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private PgpOpener() {}

    /**
     * Unlocks the receiver's own secret key (an IOException: the receiver's configuration, not the
     * message).
     */
    public interface Unlocker {
        PGPPrivateKey unlock(PGPSecretKey key) throws IOException;
    }

    /**
     * Decrypts {@code body} with one of {@code ownKeys} and verifies its one-pass signature by one
     * of {@code senderKeys} (valid now: not revoked, not expired) while the content streams to
     * {@code out}; the signature and the integrity check (MDC) are checked at the end, so the
     * caller must discard what was written when this throws. Returns the signing key's id. The
     * decrypted and the decompressed bytes are counted as they stream ({@link BoundedInflation}):
     * past {@code limit} the message is refused MESSAGE_TOO_LARGE at once, with at most one buffer
     * (64 KiB) beyond the limit inflated and written to {@code out}.
     *
     * @param sender a label for messages ("JUKI", "centre"); never content
     * @param limit how far the content may inflate (size, and ratio to the message)
     * @throws PgpRefusedException the message's fault, with its code
     * @throws IOException writing {@code out} failed, or the own key cannot be unlocked (the
     *     receiver's fault)
     */
    public static long decryptAndVerify(
            InputStream body,
            PGPSecretKeyRingCollection ownKeys,
            Unlocker unlocker,
            PGPPublicKeyRingCollection senderKeys,
            String sender,
            OutputStream out,
            InflationLimit limit)
            throws IOException {
        return decryptAndVerify(body, ownKeys, unlocker, senderKeys, sender, out, limit, BUFFER);
    }

    /**
     * The read buffers for a message of {@code size} bytes held in memory: the power of two above
     * it, from 1 KiB to 64 KiB (issue #20: a centre's request of a few hundred bytes allocated four
     * 64 KiB buffers, ≈ 0.25 MB per open, three opens per conversation).
     */
    public static int bufferFor(long size) {
        return size >= BUFFER
                ? BUFFER
                : Math.max(1024, Integer.highestOneBit((int) Math.max(1, size)) << 1);
    }

    /**
     * {@link #decryptAndVerify(InputStream, PGPSecretKeyRingCollection, Unlocker,
     * PGPPublicKeyRingCollection, String, OutputStream, InflationLimit)} with read buffers of
     * {@code buffer} bytes ({@link #bufferFor}); the limits and the bound of at most one buffer
     * beyond the limit are the same.
     */
    public static long decryptAndVerify(
            InputStream body,
            PGPSecretKeyRingCollection ownKeys,
            Unlocker unlocker,
            PGPPublicKeyRingCollection senderKeys,
            String sender,
            OutputStream out,
            InflationLimit limit,
            int buffer)
            throws IOException {
        String source = sender;
        PGPSecretKeyRingCollection hubKeys = ownKeys;
        PGPPublicKeyRingCollection sourceKeys = senderKeys;
        BoundedInflation.Counted counted = new BoundedInflation.Counted(body);
        BoundedInflation[] bounds =
                new BoundedInflation[2]; // the decrypted stream, the decompressed one
        // 1. the encrypted session key: to one of the hub's keys?
        PGPEncryptedDataList list;
        try {
            JcaPGPObjectFactory outer =
                    new JcaPGPObjectFactory(
                            PGPUtil.getDecoderStream(new BufferedInputStream(counted, buffer)));
            Object o = outer.nextObject();
            while (o instanceof PGPMarker) {
                o = outer.nextObject();
            }
            if (!(o instanceof PGPEncryptedDataList l)) {
                throw new PgpRefusedException(
                        "NOT_ENCRYPTED_FOR_HUB",
                        "not an OpenPGP message encrypted to the hub"
                                + (o == null
                                        ? ""
                                        : " (it starts with "
                                                + o.getClass().getSimpleName()
                                                + ")"));
            }
            list = l;
        } catch (IOException | RuntimeException e) {
            if (e instanceof PgpRefusedException x) {
                throw x;
            }
            throw new PgpRefusedException(
                    "NOT_ENCRYPTED_FOR_HUB", "not an OpenPGP message encrypted to the hub");
        }
        PGPPublicKeyEncryptedData encrypted = null;
        PGPPrivateKey hubKey = null;
        for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects();
                it.hasNext() && hubKey == null; ) {
            if (it.next() instanceof PGPPublicKeyEncryptedData pk) {
                PGPSecretKey k = pk.getKeyID() == 0 ? null : hubKeys.getSecretKey(pk.getKeyID());
                if (k != null) {
                    encrypted = pk;
                    hubKey = unlocker.unlock(k);
                }
            }
        }
        if (hubKey == null) {
            throw new PgpRefusedException(
                    "NOT_ENCRYPTED_FOR_HUB",
                    "not encrypted to the receiver's key"
                            + " (recipients: "
                            + recipients(list)
                            + ")");
        }
        InputStream clear;
        try {
            clear =
                    bounds[0] =
                            new BoundedInflation(
                                    encrypted.getDataStream(
                                            new JcePublicKeyDataDecryptorFactoryBuilder()
                                                    .setProvider(BC)
                                                    .build(hubKey)),
                                    counted,
                                    limit);
        } catch (PGPException | RuntimeException e) {
            throw new PgpRefusedException(
                    "NOT_ENCRYPTED_FOR_HUB", "the session key does not decrypt with the hub's key");
        }
        if (!encrypted.isIntegrityProtected()) {
            throw new PgpRefusedException(
                    "BAD_SIGNATURE", "the encrypted data has no integrity protection (MDC)");
        }

        // 2. the one-pass signature: by the source's key, which must be valid now
        JcaPGPObjectFactory inner;
        Object o;
        try {
            inner = new JcaPGPObjectFactory(clear);
            o = inner.nextObject();
            if (o instanceof PGPCompressedData c) {
                bounds[1] = new BoundedInflation(c.getDataStream(), counted, limit);
                inner = new JcaPGPObjectFactory(new BufferedInputStream(bounds[1], buffer));
                o = inner.nextObject();
            }
        } catch (IOException | PGPException | RuntimeException e) {
            throw damaged(bounds);
        }
        if (o instanceof PGPLiteralData) {
            throw new PgpRefusedException("UNSIGNED", "the encrypted message carries no signature");
        }
        if (!(o instanceof PGPOnePassSignatureList ops) || ops.isEmpty()) {
            throw new PgpRefusedException(
                    "UNSIGNED",
                    "no one-pass signature before the content"
                            + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
        }
        PGPOnePassSignature onePass = null;
        PGPPublicKey signer = null;
        for (int i = 0; i < ops.size() && signer == null; i++) {
            PGPPublicKey k = sourceKeys.getPublicKey(ops.get(i).getKeyID());
            if (k != null) {
                onePass = ops.get(i);
                signer = k;
            }
        }
        if (signer == null) {
            throw new PgpRefusedException(
                    "UNKNOWN_SIGNER",
                    "signed by key " + keyIds(ops) + ", not by a key of " + source);
        }
        checkValid(signer, sourceKeys, source);
        try {
            onePass.init(new JcaPGPContentVerifierBuilderProvider().setProvider(BC), signer);
        } catch (PGPException e) {
            throw new PgpRefusedException(
                    "BAD_SIGNATURE", "the signature cannot be checked with the sender's key");
        }

        // 3. the content, to the temporary file, through the signature
        PGPLiteralData literal;
        try {
            Object l = inner.nextObject();
            if (!(l instanceof PGPLiteralData ld)) {
                throw new PgpRefusedException(
                        "BAD_SIGNATURE", "no content after the one-pass signature");
            }
            literal = ld;
        } catch (IOException | RuntimeException e) {
            if (e instanceof PgpRefusedException x) {
                throw x;
            }
            throw damaged(bounds);
        }
        InputStream content = literal.getInputStream();
        byte[] buf = new byte[buffer];
        {
            while (true) {
                int n;
                try {
                    n = content.read(buf);
                } catch (IOException | RuntimeException e) {
                    throw damaged(bounds);
                }
                if (n < 0) {
                    break;
                }
                onePass.update(buf, 0, n);
                out.write(
                        buf, 0, n); // an IOException here (disk full) is the hub's, not the file's
            }
        }

        // 4. the signature at the end, then the integrity check of the whole encrypted stream
        PGPSignature signature = null;
        try {
            Object s = inner.nextObject();
            if (s instanceof PGPSignatureList sl) {
                for (int i = 0; i < sl.size() && signature == null; i++) {
                    if (sl.get(i).getKeyID() == onePass.getKeyID()) {
                        signature = sl.get(i);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw damaged(bounds);
        }
        if (signature == null) {
            throw new PgpRefusedException(
                    "BAD_SIGNATURE", "the signature announced before the content is missing");
        }
        try {
            if (!onePass.verify(signature)) {
                throw new PgpRefusedException(
                        "BAD_SIGNATURE", "the signature does not match the content (tampered)");
            }
            drain(clear, buf);
            if (!encrypted.verify()) {
                throw new PgpRefusedException(
                        "BAD_SIGNATURE", "the integrity check (MDC) failed (tampered)");
            }
        } catch (PGPException | IOException | RuntimeException e) {
            if (e instanceof PgpRefusedException x) {
                throw x;
            }
            throw damaged(bounds);
        }
        if (signature.getCreationTime() != null
                && signature
                        .getCreationTime()
                        .toInstant()
                        .isAfter(Instant.now().plusSeconds(86_400))) {
            throw new PgpRefusedException(
                    "BAD_SIGNATURE", "the signature is dated more than a day in the future");
        }
        return signer.getKeyID();
    }

    /** Revoked or expired now: the signing key itself, or the primary key of its ring. */
    private static void checkValid(
            PGPPublicKey signer, PGPPublicKeyRingCollection sourceKeys, String source) {
        PGPPublicKeyRing ring = sourceKeys.getPublicKeyRing(signer.getKeyID());
        PGPPublicKey primary = ring == null ? signer : ring.getPublicKey();
        for (PGPPublicKey k :
                primary == signer
                        ? new PGPPublicKey[] {signer}
                        : new PGPPublicKey[] {primary, signer}) {
            if (k.hasRevocation()) {
                throw new PgpRefusedException(
                        "KEY_EXPIRED_OR_REVOKED",
                        "the "
                                + source
                                + " key "
                                + HexFormat.of().withUpperCase().toHexDigits(k.getKeyID())
                                + " is revoked");
            }
            long valid = k.getValidSeconds();
            if (valid > 0
                    && k.getCreationTime().toInstant().plusSeconds(valid).isBefore(Instant.now())) {
                throw new PgpRefusedException(
                        "KEY_EXPIRED_OR_REVOKED",
                        "the "
                                + source
                                + " key "
                                + HexFormat.of().withUpperCase().toHexDigits(k.getKeyID())
                                + " has expired");
            }
        }
    }

    /**
     * The refusal of a stream that failed: MESSAGE_TOO_LARGE when a bound was crossed, else
     * damaged.
     */
    private static PgpRefusedException damaged(BoundedInflation[] bounds) {
        for (BoundedInflation b : bounds) {
            if (b != null && b.exceeded() != null) {
                return new PgpRefusedException(BoundedInflation.CODE, b.exceeded().getMessage());
            }
        }
        return new PgpRefusedException(
                "BAD_SIGNATURE", "the encrypted data is damaged (tampered or truncated)");
    }

    private static void drain(InputStream in, byte[] buf) throws IOException {
        while (in.read(buf) >= 0) {
            // the MDC packet and anything after the signature
        }
    }

    private static String recipients(PGPEncryptedDataList list) {
        StringBuilder b = new StringBuilder();
        for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
            PGPEncryptedData d = it.next();
            b.append(b.length() == 0 ? "" : ", ")
                    .append(
                            d instanceof PGPPublicKeyEncryptedData pk
                                    ? (pk.getKeyID() == 0
                                            ? "hidden"
                                            : HexFormat.of()
                                                    .withUpperCase()
                                                    .toHexDigits(pk.getKeyID()))
                                    : "password");
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    private static String keyIds(PGPOnePassSignatureList ops) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ops.size(); i++) {
            b.append(i == 0 ? "" : ", ")
                    .append(HexFormat.of().withUpperCase().toHexDigits(ops.get(i).getKeyID()));
        }
        return b.toString();
    }
}
