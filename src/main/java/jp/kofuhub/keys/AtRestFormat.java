package jp.kofuhub.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import jp.kofuhub.keys.AtRestCipher.AtRestException;

/**
 * The at-rest message format, version 1 (described on {@link AtRestCipher}): the header, the key
 * id, the segments and their nonces.
 */
final class AtRestFormat {

    static final byte[] MAGIC = {'K', 'F', 'A', 'R'};
    static final int VERSION = 1;
    static final int IV_BYTES = 12;
    static final int TAG_BYTES = 16;

    /** Plaintext bytes per segment. */
    static final int SEGMENT = 64 * 1024;

    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    /**
     * A message's header as read: its bytes (the additional authenticated data), its key id and its
     * IV.
     */
    record Header(byte[] bytes, String keyId, byte[] iv) {}

    private AtRestFormat() {}

    /** The header of a message under key {@code keyId} with this IV. */
    static byte[] header(String keyId, byte[] iv) throws IOException {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(MAGIC);
        h.write(VERSION);
        h.write(id.length);
        h.write(id);
        h.write(iv);
        return h.toByteArray();
    }

    /**
     * Reads and checks the header of a message.
     *
     * @throws AtRestException when {@code in} is not in this format
     */
    static Header readHeader(InputStream in) throws IOException {
        byte[] fixed = readFully(in, MAGIC.length + 2, "header");
        for (int i = 0; i < MAGIC.length; i++) {
            if (fixed[i] != MAGIC[i]) {
                throw new AtRestException("not encrypted at rest (no KFAR header)");
            }
        }
        if (fixed[4] != VERSION) {
            throw new AtRestException("unknown at-rest format version " + (fixed[4] & 0xff));
        }
        int idLength = fixed[5] & 0xff;
        if (idLength < 1 || idLength > 64) {
            throw new AtRestException("bad at-rest header (key id length " + idLength + ")");
        }
        byte[] rest = readFully(in, idLength + IV_BYTES, "header");
        String id = new String(rest, 0, idLength, StandardCharsets.US_ASCII);
        if (!KEY_ID.matcher(id).matches()) {
            throw new AtRestException("bad at-rest header (key id is not a key id)");
        }
        byte[] header = new byte[fixed.length + rest.length];
        System.arraycopy(fixed, 0, header, 0, fixed.length);
        System.arraycopy(rest, 0, header, fixed.length, rest.length);
        byte[] iv = new byte[IV_BYTES];
        System.arraycopy(rest, idLength, iv, 0, IV_BYTES);
        return new Header(header, id, iv);
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new AtRestException("not encrypted at rest, or truncated (short " + what + ")");
        }
        return b;
    }

    /**
     * Segment {@code segment}'s nonce: the IV with its last five bytes XORed with the segment
     * number and last flag.
     */
    static byte[] nonce(byte[] iv, long segment, boolean last) {
        if (segment > 0xFFFFFFFFL) {
            throw new IllegalStateException("too many segments for one at-rest message");
        }
        byte[] n = iv.clone();
        n[7] ^= (byte) (segment >>> 24);
        n[8] ^= (byte) (segment >>> 16);
        n[9] ^= (byte) (segment >>> 8);
        n[10] ^= (byte) segment;
        n[11] ^= (byte) (last ? 1 : 0);
        return n;
    }

    static Cipher cipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(TRANSFORMATION + " is not available", e);
        }
    }
}
