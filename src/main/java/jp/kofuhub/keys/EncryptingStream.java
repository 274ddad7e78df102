package jp.kofuhub.keys;

import static jp.kofuhub.keys.AtRestFormat.SEGMENT;
import static jp.kofuhub.keys.AtRestFormat.TAG_BYTES;
import static jp.kofuhub.keys.AtRestFormat.cipher;
import static jp.kofuhub.keys.AtRestFormat.nonce;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts what is written to it into the stream under it, in the segments of {@link AtRestFormat}:
 * a segment is written whole when full or at the close, which writes the last one and its tag and
 * closes the stream under it.
 */
final class EncryptingStream extends OutputStream {
    private final OutputStream out;
    private final SecretKey key;
    private final byte[] header;
    private final byte[] iv;
    private final Cipher cipher = cipher();
    private final byte[] buffer = new byte[SEGMENT];
    private final byte[] sealed = new byte[SEGMENT + TAG_BYTES];
    private int filled;
    private long segment;
    private boolean closed;

    EncryptingStream(OutputStream out, SecretKey key, byte[] header, byte[] iv) {
        this.out = out;
        this.key = key;
        this.header = header;
        this.iv = iv;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        while (len > 0) {
            if (filled == SEGMENT) {
                seal(false); // more follows: this one is not the last
            }
            int n = Math.min(len, SEGMENT - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush(); // a segment is written whole, when full or at the close
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream o = out) {
            seal(true);
            o.flush();
        } finally {
            java.util.Arrays.fill(buffer, (byte) 0);
        }
    }

    private void seal(boolean last) throws IOException {
        try {
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BYTES * 8, nonce(iv, segment, last)));
            cipher.updateAAD(header);
            int n = cipher.doFinal(buffer, 0, filled, sealed, 0);
            out.write(sealed, 0, n);
        } catch (GeneralSecurityException e) {
            throw new IOException("at-rest encryption failed: " + e.getClass().getSimpleName(), e);
        }
        segment++;
        filled = 0;
    }
}
