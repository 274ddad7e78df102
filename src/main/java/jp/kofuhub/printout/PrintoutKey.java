package jp.kofuhub.printout;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * One printout key of a municipality: EC P-256, its key id (the first 8 bytes of the SHA-256 of its
 * SubjectPublicKeyInfo), and its validity. {@code privateKey} is null in a key set read from a
 * published document.
 */
public record PrintoutKey(
        String municipality,
        byte[] kid,
        ECPublicKey publicKey,
        ECPrivateKey privateKey,
        Instant notBefore,
        Instant notAfter) {

    public static byte[] kidOf(ECPublicKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key id as written in key-set documents and reports: base64url, no padding. */
    public String kidText() {
        return kidText(kid);
    }

    public static String kidText(byte[] kid) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(kid);
    }

    public boolean validAt(Instant t) {
        return !t.isBefore(notBefore) && t.isBefore(notAfter);
    }

    /** The public half only. */
    public PrintoutKey publicOnly() {
        return new PrintoutKey(municipality, kid, publicKey, null, notBefore, notAfter);
    }
}
