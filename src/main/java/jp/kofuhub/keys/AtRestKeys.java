package jp.kofuhub.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of {@link AtRestCipher}: the lines {@code <key id>=<base64 AES-256 key>} of {@code
 * kofu.at-rest.key-file}, the last one the current key. The file is read again when it changes
 * (modification time or size), so a key is rotated without a restart; a failed re-read keeps the
 * keys read before. Key material is never logged nor put in a message.
 */
final class AtRestKeys {

    /** The cipher's logger: key file messages stay where operators look for them. */
    private static final Logger LOG = LoggerFactory.getLogger(AtRestCipher.class);

    /** The keys of one reading of the key file; {@code toString} names ids only. */
    record Keys(Map<String, SecretKey> byId, String current, FileTime modified, long size) {
        @Override
        public String toString() {
            return "keys " + byId.keySet() + ", current " + current;
        }
    }

    private final Path file;
    private volatile Keys keys;

    private AtRestKeys(Path file, Keys keys) {
        this.file = file;
        this.keys = keys;
    }

    /**
     * Reads the key file now.
     *
     * @throws IllegalStateException when the file is missing, unreadable, empty or has a bad line
     *     (the message names the file and the line number, never a key)
     */
    static AtRestKeys load(Path keyFile) {
        AtRestKeys k = new AtRestKeys(keyFile, read(keyFile));
        LOG.info("at-rest keys read from {}: {}", keyFile, k.keys);
        return k;
    }

    /** One random key held only in memory. */
    static AtRestKeys ephemeral() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new AtRestKeys(
                null,
                new Keys(Map.of("ephemeral", new SecretKeySpec(k, "AES")), "ephemeral", null, -1));
    }

    /** The key file, or null for {@link #ephemeral()} keys. */
    Path file() {
        return file;
    }

    /** The keys, read again first if the key file changed (a failed re-read keeps the old keys). */
    Keys keys() {
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
            LOG.warn(
                    "at-rest key file {} could not be read again ({}): the keys read before stay in use",
                    file,
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
            throw new IllegalStateException(
                    "the at-rest key file "
                            + file
                            + " is missing: it holds the AES-256 keys"
                            + " for quarantined files and certificate documents (kofu.at-rest.key-file, KOFU_AT_REST_KEY_FILE;"
                            + " the demo writes one with ./kofu keys; docs/keys.md)");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the at-rest key file "
                            + file
                            + " cannot be read ("
                            + e.getClass().getSimpleName()
                            + ")");
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
            if (!AtRestFormat.KEY_ID.matcher(id).matches()) {
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
                problems.add(
                        "line "
                                + (i + 1)
                                + ": the key of '"
                                + id
                                + "' is "
                                + key.length
                                + " bytes, not 32");
                continue;
            }
            if (byId.put(id, new SecretKeySpec(key, "AES")) != null) {
                problems.add("line " + (i + 1) + ": key id '" + id + "' appears twice");
            }
            java.util.Arrays.fill(key, (byte) 0);
            current = id;
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "the at-rest key file "
                            + file
                            + " is not valid: "
                            + String.join("; ", problems));
        }
        if (current == null) {
            throw new IllegalStateException("the at-rest key file " + file + " holds no key");
        }
        return new Keys(Map.copyOf(byId), current, modified, size);
    }
}
