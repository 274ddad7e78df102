package jp.kofuhub.printout;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * The envelope of a printout code (docs/interfaces/printout-code.md §2): the payload (a CBOR map)
 * in a COSE_Sign1 (RFC 9052, tag 18) signed ES256 with the municipality's printout key, its key id
 * in the protected header; zlib-compressed, Base45-encoded and prefixed with {@link #PREFIX}.
 *
 * <p>Signatures are deterministic ECDSA (RFC 6979, HMAC-SHA-256): the same payload and key give the
 * same code, so a document made again for a retried transaction carries the same codes, and the
 * test vectors of the interface document are exact.
 */
public final class PrintoutEnvelope {

    /** Format version 1. */
    public static final String PREFIX = "KH1:";

    /** COSE header labels and the algorithm (RFC 9052 §3.1, RFC 9053 §2.1). */
    static final long ALG = 1;

    static final long KID = 4;
    static final long ES256 = -7;
    static final long COSE_SIGN1_TAG = 18;

    /** Longest payload accepted: a code never holds more than a QR code can (2,953 bytes). */
    static final int MAX_INFLATED = 8192;

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("P-256");
    private static final ECDomainParameters DOMAIN =
            new ECDomainParameters(
                    P256.getCurve(), P256.getG(), P256.getN(), P256.getH(), P256.getSeed());

    private PrintoutEnvelope() {}

    /** The encoded protected header: {1: -7, 4: kid}. */
    public static byte[] protectedHeader(byte[] kid) {
        return Cbor.encode(Map.of(ALG, ES256, KID, kid));
    }

    /** The bytes signed (RFC 9052 §4.4): ["Signature1", protected, h'', payload]. */
    public static byte[] toBeSigned(byte[] protectedHeader, byte[] payload) {
        return Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payload));
    }

    /** The COSE_Sign1 bytes of {@code payload}, signed with {@code key}. */
    public static byte[] sign1(Map<String, Object> payload, byte[] kid, ECPrivateKey key) {
        byte[] ph = protectedHeader(kid);
        byte[] body = Cbor.encode(payload);
        byte[] signature = sign(toBeSigned(ph, body), key);
        List<Object> cose = new ArrayList<>(4);
        cose.add(ph);
        cose.add(Map.of());
        cose.add(body);
        cose.add(signature);
        return Cbor.encode(new Cbor.Tagged(COSE_SIGN1_TAG, cose));
    }

    /** The text of the QR code: {@code KH1:} + Base45(zlib(COSE_Sign1)). */
    public static String seal(Map<String, Object> payload, byte[] kid, ECPrivateKey key) {
        return PREFIX + Base45.encode(deflate(sign1(payload, kid, key)));
    }

    /** ES256, deterministic: r ‖ s, 32 bytes each (RFC 9053 §2.1). */
    static byte[] sign(byte[] toBeSigned, ECPrivateKey key) {
        SHA256Digest d = new SHA256Digest();
        d.update(toBeSigned, 0, toBeSigned.length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(key.getS(), DOMAIN));
        BigInteger[] rs = signer.generateSignature(hash);
        byte[] out = new byte[64];
        put32(rs[0], out, 0);
        put32(rs[1], out, 32);
        return out;
    }

    private static void put32(BigInteger n, byte[] out, int at) {
        byte[] b = n.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }

    /** Whether {@code signature} (r ‖ s) is {@code key}'s over {@code toBeSigned}. */
    public static boolean verify(byte[] toBeSigned, byte[] signature, ECPublicKey key) {
        if (signature.length != 64) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(key);
            v.update(toBeSigned);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] deflate(byte[] in) {
        Deflater z = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            z.setInput(in);
            z.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
            byte[] buf = new byte[1024];
            while (!z.finished()) {
                out.write(buf, 0, z.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            z.end();
        }
    }

    static byte[] inflate(byte[] in) {
        Inflater z = new Inflater();
        try {
            z.setInput(in);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 2);
            byte[] buf = new byte[1024];
            while (!z.finished()) {
                int n = z.inflate(buf);
                if (n == 0 && (z.needsInput() || z.needsDictionary())) {
                    throw new Cbor.MalformedException("zlib stream cut short");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw new Cbor.MalformedException("inflated code too large");
                }
            }
            if (z.getRemaining() > 0) {
                throw new Cbor.MalformedException("trailing bytes after the zlib stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new Cbor.MalformedException("not a zlib stream");
        } finally {
            z.end();
        }
    }

    /**
     * A code taken apart (not yet verified): the key id, the payload's bytes and decoded map, and
     * what was signed.
     */
    public record Opened(
            byte[] kid,
            byte[] payloadBytes,
            Map<?, ?> payload,
            byte[] toBeSigned,
            byte[] signature) {}

    /**
     * Takes a code's text apart.
     *
     * @throws Cbor.MalformedException anything not in the documented format
     */
    public static Opened open(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new Cbor.MalformedException("not a Kofu Hub printout code (prefix KH1:)");
        }
        byte[] zipped;
        try {
            zipped = Base45.decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new Cbor.MalformedException("not Base45: " + e.getMessage());
        }
        Object item = Cbor.decode(inflate(zipped));
        if (item instanceof Cbor.Tagged t) {
            if (t.tag() != COSE_SIGN1_TAG) {
                throw new Cbor.MalformedException("not a COSE_Sign1 (tag " + t.tag() + ")");
            }
            item = t.value();
        }
        if (!(item instanceof List<?> cose)
                || cose.size() != 4
                || !(cose.get(0) instanceof byte[] ph)
                || !(cose.get(1) instanceof Map<?, ?>)
                || !(cose.get(2) instanceof byte[] body)
                || !(cose.get(3) instanceof byte[] signature)) {
            throw new Cbor.MalformedException("not a COSE_Sign1 structure");
        }
        if (!(Cbor.decode(ph) instanceof Map<?, ?> header)) {
            throw new Cbor.MalformedException("protected header is not a map");
        }
        if (!Long.valueOf(ES256).equals(header.get(ALG))) {
            throw new Cbor.MalformedException("algorithm is not ES256");
        }
        if (!(header.get(KID) instanceof byte[] kid)) {
            throw new Cbor.MalformedException("no key id in the protected header");
        }
        if (!(Cbor.decode(body) instanceof Map<?, ?> payload)) {
            throw new Cbor.MalformedException("payload is not a map");
        }
        return new Opened(kid, body, payload, toBeSigned(ph, body), signature);
    }
}
