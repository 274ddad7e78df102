package jp.kofuhub.keys;

import static jp.kofuhub.keys.AtRestFormat.SEGMENT;
import static jp.kofuhub.keys.AtRestFormat.TAG_BYTES;
import static jp.kofuhub.keys.AtRestFormat.cipher;
import static jp.kofuhub.keys.AtRestFormat.nonce;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import jp.kofuhub.keys.AtRestCipher.AtRestException;

/**
 * The plaintext of one at-rest message ({@link AtRestCipher#decrypting}); each segment is
 * authenticated before a byte of it is returned. {@link #failure()} tells afterwards whether the
 * reader stopped because the message failed its check (callers that turn read errors into their own
 * reasons can tell a tampered file from a bad one).
 */
public final class DecryptingStream extends InputStream {
    private final InputStream in;
    private final SecretKey key;
    private final byte[] header;
    private final byte[] iv;
    private final String keyId;
    private final Cipher cipher = cipher();
    private final byte[] sealed = new byte[SEGMENT + TAG_BYTES];
    private byte[] plain = new byte[0];
    private int pos;
    private int peeked = -1;
    private long segment;
    private boolean done;
    private AtRestException failure;

    DecryptingStream(InputStream in, SecretKey key, byte[] header, byte[] iv, String keyId) {
        this.in = in;
        this.key = key;
        this.header = header;
        this.iv = iv;
        this.keyId = keyId;
    }

    /** The id of the key the message was encrypted with. */
    public String keyId() {
        return keyId;
    }

    /** Why reading stopped early, or null. */
    public AtRestException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure; // never an end of file after a failed check
        }
        if (len == 0) {
            return 0;
        }
        while (pos == plain.length) {
            if (done) {
                return -1;
            }
            open();
        }
        int n = Math.min(len, plain.length - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return plain.length - pos;
    }

    @Override
    public void close() throws IOException {
        java.util.Arrays.fill(plain, (byte) 0);
        in.close();
    }

    /** Reads, authenticates and decrypts the next segment. */
    private void open() throws IOException {
        int n = 0;
        if (peeked >= 0) {
            sealed[n++] = (byte) peeked;
            peeked = -1;
        }
        n += in.readNBytes(sealed, n, sealed.length - n);
        boolean last;
        if (n < sealed.length) {
            last = true;
        } else {
            peeked = in.read();
            last = peeked < 0;
        }
        if (n < TAG_BYTES) {
            throw fail("at-rest message truncated (segment " + segment + ")");
        }
        try {
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BYTES * 8, nonce(iv, segment, last)));
            cipher.updateAAD(header);
            plain = cipher.doFinal(sealed, 0, n);
        } catch (AEADBadTagException e) {
            throw fail(
                    "at-rest message failed its check at segment "
                            + segment
                            + ": it was changed or truncated, or key '"
                            + keyId
                            + "' is not the key it was encrypted with");
        } catch (GeneralSecurityException e) {
            throw fail("at-rest decryption failed: " + e.getClass().getSimpleName());
        }
        pos = 0;
        segment++;
        done = last;
    }

    private AtRestException fail(String message) {
        failure = new AtRestException(message);
        done = true;
        plain = new byte[0];
        pos = 0;
        return failure;
    }
}
