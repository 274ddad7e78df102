package jp.kofuhub.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.crypto.SecretKey;

/**
 * Encryption of the data the hub holds between steps (docs/keys.md, "At rest"): quarantined export
 * files and certificate documents between issue and completion. AES-256-GCM with a 128-bit tag
 * under the keys of {@code kofu.at-rest.key-file}: the last key encrypts, every key decrypts; the
 * file is read again when it changes, so a key is rotated without a restart. Key material is never
 * logged nor put in a message.
 *
 * <h2>Format (version 1)</h2>
 *
 * <pre>
 * "KFAR" | 0x01 | key id length (1 byte, 1..64) | key id (ASCII) | IV (12 random bytes)   = header
 * segment 0 | segment 1 | ... | last segment
 * </pre>
 *
 * Each segment is the AES/GCM/NoPadding encryption of 64 KiB of plaintext (the last: 0..64 KiB)
 * followed by its 16-byte tag. The header is the additional authenticated data of every segment.
 * Segment {@code k}'s nonce is the message's fresh random IV with its last five bytes XORed with
 * {@code k} (4 bytes, big-endian) and a last-segment flag (1 byte), so no nonce repeats within a
 * message, and a reordered, dropped, appended or truncated segment fails its tag. Only
 * authenticated plaintext is ever released: a large file streams through in 64 KiB steps (a
 * quarantined FULL export can be ~1 GB) and a changed byte stops the reader with an {@link
 * AtRestException} before any plaintext of that segment.
 *
 * <p>The keys and their file are {@link AtRestKeys}, the header and nonces {@link AtRestFormat},
 * the segments {@link EncryptingStream} and {@link DecryptingStream}.
 *
 * <h2>Why not camel-crypto's CryptoDataFormat</h2>
 *
 * Issue 7 asked for camel-crypto's data format. Camel 4.17's {@code CryptoDataFormat} was read for
 * this and is not safe for AES-GCM here: (1) a configured {@code algorithmParameterSpec} is used
 * for every message, so a shared instance repeats one GCM nonce under one key (which breaks GCM's
 * confidentiality and its authentication); when that spec is set the inlined IV is ignored on
 * unmarshal; without it the IV goes in an {@code IvParameterSpec}, which the JDK's GCM refuses; (2)
 * its marshal closes the {@code CipherOutputStream} with {@code IOHelper.close}, which logs and
 * swallows the exception of the close, and GCM writes its tag in that close: a failed write (disk
 * full) would leave a file without its tag and no error; (3) unmarshal feeds a whole message
 * through one {@code Cipher}: the JDK's GCM holds all of it in memory until the tag is checked (a 1
 * GB file), and providers that stream release plaintext before it is authenticated; (4) it has no
 * key id, so rotation would need a header of our own anyway. A per-call instance with a fresh
 * {@code GCMParameterSpec} fixes only (1). So this class uses {@code javax.crypto} directly, in the
 * segmented form above.
 */
public class AtRestCipher {

    /**
     * A file or message that is not what this cipher wrote, was changed, or needs a key the file
     * lacks.
     */
    public static class AtRestException extends IOException {
        public AtRestException(String message) {
            super(message);
        }
    }

    private final AtRestKeys keys;
    private final SecureRandom random = new SecureRandom();

    private AtRestCipher(AtRestKeys keys) {
        this.keys = keys;
    }

    /**
     * Reads the key file now.
     *
     * @throws IllegalStateException when the file is missing, unreadable, empty or has a bad line
     *     (the message names the file and the line number, never a key)
     */
    public static AtRestCipher load(Path keyFile) {
        return new AtRestCipher(AtRestKeys.load(keyFile));
    }

    /**
     * A cipher with one random key held only in memory (for data that never outlives the process).
     */
    public static AtRestCipher ephemeral() {
        return new AtRestCipher(AtRestKeys.ephemeral());
    }

    /** The id of the key that encrypts now. */
    public String currentKeyId() {
        return keys.keys().current();
    }

    public byte[] encrypt(byte[] plain) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(
                        plain.length
                                + 64
                                + (plain.length / AtRestFormat.SEGMENT + 1)
                                        * AtRestFormat.TAG_BYTES);
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
        AtRestKeys.Keys k = keys.keys();
        byte[] iv = new byte[AtRestFormat.IV_BYTES];
        random.nextBytes(iv);
        byte[] header = AtRestFormat.header(k.current(), iv);
        out.write(header);
        return new EncryptingStream(out, k.byId().get(k.current()), header, iv);
    }

    /**
     * A stream of the plaintext of {@code in} (closed with it). The header is checked now; each
     * segment is authenticated before a byte of it is returned.
     *
     * @throws AtRestException when {@code in} is not in this format or names a key the key file
     *     lacks
     */
    public DecryptingStream decrypting(InputStream in) throws IOException {
        AtRestFormat.Header h = AtRestFormat.readHeader(in);
        String id = h.keyId();
        SecretKey key = keys.keys().byId().get(id);
        if (key == null) {
            Path file = keys.file();
            throw new AtRestException(
                    "encrypted with key '"
                            + id
                            + "', which the at-rest key file "
                            + (file == null ? "" : file + " ")
                            + "does not hold (removed too early, or another key file)");
        }
        return new DecryptingStream(in, key, h.bytes(), h.iv(), id);
    }
}
