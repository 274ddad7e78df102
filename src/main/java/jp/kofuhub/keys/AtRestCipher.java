package jp.kofuhub.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encryption of the data the hub holds between steps (docs/keys.md, "At rest"): quarantined export
 * files and certificate documents between issue and completion. AES-256-GCM with a 128-bit tag under
 * the keys of {@code kofu.at-rest.key-file}: the last key encrypts, every key decrypts; the file is
 * read again when it changes, so a key is rotated without a restart. Key material is never logged
 * nor put in a message.
 *
 * <h2>Format (version 1)</h2>
 * <pre>
 * "KFAR" | 0x01 | key id length (1 byte, 1..64) | key id (ASCII) | IV (12 random bytes)   = header
 * segment 0 | segment 1 | ... | last segment
 * </pre>
 * Each segment is the AES/GCM/NoPadding encryption of 64 KiB of plaintext (the last: 0..64 KiB)
 * followed by its 16-byte tag. The header is the additional authenticated data of every segment.
 * Segment {@code k}'s nonce is the message's fresh random IV with its last five bytes XORed with
 * {@code k} (4 bytes, big-endian) and a last-segment flag (1 byte), so no nonce repeats within a
 * message, and a reordered, dropped, appended or truncated segment fails its tag. Only
 * authenticated plaintext is ever released: a large file streams through in 64 KiB steps (a
 * quarantined FULL export can be ~1 GB) and a changed byte stops the reader with an
 * {@link AtRestException} before any plaintext of that segment.
 *
 * <h2>Why not camel-crypto's CryptoDataFormat</h2>
 * Issue 7 asked for camel-crypto's data format. Camel 4.17's {@code CryptoDataFormat} was read for
 * this and is not safe for AES-GCM here: (1) a configured {@code algorithmParameterSpec} is used for
 * every message, so a shared instance repeats one GCM nonce under one key (which breaks GCM's
 * confidentiality and its authentication); when that spec is set the inlined IV is ignored on
 * unmarshal; without it the IV goes in an {@code IvParameterSpec}, which the JDK's GCM refuses;
 * (2) its marshal closes the {@code CipherOutputStream} with {@code IOHelper.close}, which logs and
 * swallows the exception of the close, and GCM writes its tag in that close: a failed write (disk
 * full) would leave a file without its tag and no error; (3) unmarshal feeds a whole message
 * through one {@code Cipher}: the JDK's GCM holds all of it in memory until the tag is checked (a
 * 1 GB file), and providers that stream release plaintext before it is authenticated; (4) it has no
 * key id, so rotation would need a header of our own anyway. A per-call instance with a fresh
 * {@code GCMParameterSpec} fixes only (1). So this class uses {@code javax.crypto} directly, in the
 * segmented form above.
 */
public class AtRestCipher {

    private static final Logger LOG = LoggerFactory.getLogger(AtRestCipher.class);

    static final byte[] MAGIC = {'K', 'F', 'A', 'R'};
    static final int VERSION = 1;
    static final int IV_BYTES = 12;
    static final int TAG_BYTES = 16;
    /** Plaintext bytes per segment. */
    static final int SEGMENT = 64 * 1024;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    /** A file or message that is not what this cipher wrote, was changed, or needs a key the file lacks. */
    public static class AtRestException extends IOException {
        public AtRestException(String message) {
            super(message);
        }
    }

    /** The keys of one reading of the key file; {@code toString} names ids only. */
    private record Keys(Map<String, SecretKey> byId, String current, FileTime modified, long size) {
        @Override
        public String toString() {
            return "keys " + byId.keySet() + ", current " + current;
        }
    }

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private volatile Keys keys;

    private AtRestCipher(Path file, Keys keys) {
        this.file = file;
        this.keys = keys;
    }

    /**
     * Reads the key file now.
     *
     * @throws IllegalStateException when the file is missing, unreadable, empty or has a bad line
     *         (the message names the file and the line number, never a key)
     */
    public static AtRestCipher load(Path keyFile) {
        AtRestCipher c = new AtRestCipher(keyFile, read(keyFile));
        LOG.info("at-rest keys read from {}: {}", keyFile, c.keys);
        return c;
    }

    /** A cipher with one random key held only in memory (for data that never outlives the process). */
    public static AtRestCipher ephemeral() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new AtRestCipher(null, new Keys(Map.of("ephemeral", new SecretKeySpec(k, "AES")), "ephemeral", null, -1));
    }

    /** The id of the key that encrypts now. */
    public String currentKeyId() {
        return keys().current();
    }

    public byte[] encrypt(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + 64 + (plain.length / SEGMENT + 1) * TAG_BYTES);
        try (OutputStream enc = encrypting(out)) {
            enc.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return out.toByteArray();
    }

    public byte[] decrypt(byte[] sealed) throws AtRestException {
        try (InputStream in = decrypting(new java.io.ByteArrayInputStream(sealed))) {
            return in.readAllBytes();
        } catch (AtRestException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
    }

    /**
     * A stream that encrypts what is written to it into {@code out} under the current key; the last
     * segment and its tag are written by {@link OutputStream#close()}, which closes {@code out}.
     */
    public OutputStream encrypting(OutputStream out) throws IOException {
        Keys k = keys();
        byte[] id = k.current().getBytes(StandardCharsets.US_ASCII);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(MAGIC);
        h.write(VERSION);
        h.write(id.length);
        h.write(id);
        h.write(iv);
        byte[] header = h.toByteArray();
        out.write(header);
        return new Encrypting(out, k.byId().get(k.current()), header, iv);
    }

    /**
     * A stream of the plaintext of {@code in} (closed with it). The header is checked now; each
     * segment is authenticated before a byte of it is returned.
     *
     * @throws AtRestException when {@code in} is not in this format or names a key the key file lacks
     */
    public DecryptingStream decrypting(InputStream in) throws IOException {
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
        SecretKey key = keys().byId().get(id);
        if (key == null) {
            throw new AtRestException("encrypted with key '" + id + "', which the at-rest key file "
                    + (file == null ? "" : file + " ") + "does not hold (removed too early, or another key file)");
        }
        byte[] header = new byte[fixed.length + rest.length];
        System.arraycopy(fixed, 0, header, 0, fixed.length);
        System.arraycopy(rest, 0, header, fixed.length, rest.length);
        byte[] iv = new byte[IV_BYTES];
        System.arraycopy(rest, idLength, iv, 0, IV_BYTES);
        return new DecryptingStream(in, key, header, iv, id);
    }

    /** The keys, read again first if the key file changed (a failed re-read keeps the old keys). */
    private Keys keys() {
        Keys k = keys;
        if (file == null) {
            return k;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(k.modified()) && size == k.size()) {
                return k;
            }
            synchronized (this) {
                if (keys == k) {
                    Keys fresh = read(file);
                    keys = fresh;
                    LOG.info("at-rest key file {} changed: {}", file, fresh);
                }
                return keys;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("at-rest key file {} could not be read again ({}): the keys read before stay in use", file,
                    e.getMessage());
            return k;
        }
    }

    private static Keys read(Path file) {
        List<String> lines;
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the at-rest key file " + file + " is missing: it holds the AES-256 keys"
                    + " for quarantined files and certificate documents (kofu.at-rest.key-file, KOFU_AT_REST_KEY_FILE;"
                    + " the demo writes one with ./kofu keys; docs/keys.md)");
        } catch (IOException e) {
            throw new IllegalStateException("the at-rest key file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        String current = null;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String id = eq < 0 ? "" : line.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                problems.add("line " + (i + 1) + ": not <key id>=<base64 key>");
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": the key of '" + id + "' is not base64");
                continue;
            }
            if (key.length != 32) {
                problems.add("line " + (i + 1) + ": the key of '" + id + "' is " + key.length + " bytes, not 32");
                continue;
            }
            if (byId.put(id, new SecretKeySpec(key, "AES")) != null) {
                problems.add("line " + (i + 1) + ": key id '" + id + "' appears twice");
            }
            java.util.Arrays.fill(key, (byte) 0);
            current = id;
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the at-rest key file " + file + " is not valid: " + String.join("; ", problems));
        }
        if (current == null) {
            throw new IllegalStateException("the at-rest key file " + file + " holds no key");
        }
        return new Keys(Map.copyOf(byId), current, modified, size);
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new AtRestException("not encrypted at rest, or truncated (short " + what + ")");
        }
        return b;
    }

    private static byte[] nonce(byte[] iv, long segment, boolean last) {
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

    private static Cipher cipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(TRANSFORMATION + " is not available", e);
        }
    }

    private static final class Encrypting extends OutputStream {
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

        Encrypting(OutputStream out, SecretKey key, byte[] header, byte[] iv) {
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
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(iv, segment, last)));
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

    /**
     * The plaintext of one at-rest message. {@link #failure()} tells afterwards whether the reader
     * stopped because the message failed its check (callers that turn read errors into their own
     * reasons can tell a tampered file from a bad one).
     */
    public static final class DecryptingStream extends InputStream {
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
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(iv, segment, last)));
                cipher.updateAAD(header);
                plain = cipher.doFinal(sealed, 0, n);
            } catch (AEADBadTagException e) {
                throw fail("at-rest message failed its check at segment " + segment
                        + ": it was changed or truncated, or key '" + keyId + "' is not the key it was encrypted with");
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
}
