package jp.kofuhub.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;
import jp.kofuhub.keys.AtRestCipher;
import jp.kofuhub.keys.DecryptingStream;
import jp.kofuhub.registry.ExportFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a rejected export file, whole, in the quarantine folder with a machine-readable reason file
 * ({@code <name>.reason.json}: file, reason code, detail, time). Nothing of the file was applied.
 * Operators list, retry ({@link QuarantineEndpoint}) and discard quarantined files; every answer
 * and log line names files and reason codes, never the file's content.
 *
 * <p>The stored file is encrypted at rest ({@link AtRestCipher}; docs/keys.md, "At rest"): read it
 * through {@link #open}, replace its content through {@link #replaceContent}. The reason file stays
 * plain (names and codes only) and records the plaintext {@code size}.
 */
public class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    /** Suffix of a reason file next to its stored file. */
    public static final String REASON_SUFFIX = ".reason.json";

    /**
     * One quarantined file as its reason file describes it; {@code size} is the file's size as
     * received (not its encrypted size on disk), -1 when the stored file is gone.
     */
    public record Entry(
            String file,
            String storedAs,
            String reason,
            String detail,
            Instant quarantinedAt,
            long size,
            int retries) {}

    private final Path dir;
    private final AtRestCipher cipher;
    private final ObjectMapper json = new ObjectMapper();

    public Quarantine(Path dir, AtRestCipher cipher) {
        this.dir = dir;
        this.cipher = cipher;
    }

    public void store(InputStream body, String fileName, Exception cause) throws IOException {
        Files.createDirectories(dir);
        String reason = reasonOf(cause);
        String detail = detailOf(cause);
        String stamp = Instant.now().toString().replace(":", "");
        Path target = dir.resolve(fileName + "." + stamp);
        long size = writeEncrypted(body, target);
        ObjectNode r = json.createObjectNode();
        r.put("file", fileName);
        r.put("storedAs", target.getFileName().toString());
        r.put("reason", reason);
        r.put("detail", detail);
        r.put("quarantinedAt", Instant.now().toString());
        r.put("size", size);
        writeReason(target.getFileName().toString(), r);
        LOG.warn("sync quarantined {}: {} ({})", fileName, reason, detail);
    }

    /** Every quarantined file with a readable reason file, oldest first. */
    public List<Entry> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names =
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(REASON_SUFFIX) && !n.startsWith("."))
                            .toList();
        }
        List<Entry> out = new ArrayList<>();
        for (String n : names) {
            read(n.substring(0, n.length() - REASON_SUFFIX.length())).ifPresent(out::add);
        }
        out.sort(
                Comparator.comparing(
                                Entry::quarantinedAt,
                                Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(Entry::storedAs));
        return out;
    }

    /**
     * The entry of one quarantined file, if {@code storedAs} is a valid name with a readable reason
     * file.
     */
    public Optional<Entry> find(String storedAs) {
        return validName(storedAs) ? read(storedAs) : Optional.empty();
    }

    /**
     * The stored file named {@code storedAs} (as in the reason file), or empty when the name has a
     * path in it, is a reason file's name, or names no file in the quarantine folder.
     */
    public Optional<Path> storedFile(String storedAs) {
        if (!validName(storedAs)) {
            return Optional.empty();
        }
        Path p = dir.resolve(storedAs);
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                ? Optional.of(p)
                : Optional.empty();
    }

    /**
     * The content of a quarantined file as it was received, decrypted while it is read (each 64 KiB
     * authenticated before it is returned); the caller closes it.
     *
     * @throws NoSuchElementException when nothing is stored under {@code storedAs}
     * @throws AtRestCipher.AtRestException when the stored file is not encrypted at rest, was
     *     changed, or needs a key the at-rest key file no longer holds
     */
    public DecryptingStream open(String storedAs) throws IOException {
        Path p =
                storedFile(storedAs)
                        .orElseThrow(() -> new NoSuchElementException("not quarantined"));
        InputStream raw = Files.newInputStream(p);
        try {
            return cipher.decrypting(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Replaces the content of a quarantined file (e.g. with the registry's corrected file, before a
     * retry), encrypted under the current at-rest key; its reason file keeps its reason and gets
     * the new size.
     *
     * @throws NoSuchElementException when nothing is quarantined under {@code storedAs}
     */
    public void replaceContent(String storedAs, InputStream content) throws IOException {
        Path p =
                storedFile(storedAs)
                        .orElseThrow(() -> new NoSuchElementException("not quarantined"));
        Path tmp = dir.resolve("." + storedAs + ".tmp");
        long size;
        try {
            size = writeEncrypted(content, tmp);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Path reasonFile = dir.resolve(storedAs + REASON_SUFFIX);
        if (Files.exists(reasonFile)) {
            JsonNode old = json.readTree(reasonFile.toFile());
            if (old instanceof ObjectNode r) {
                r.put("size", size);
                writeReason(storedAs, r);
            }
        }
    }

    /** Writes {@code body} encrypted at rest to {@code target}; returns the plaintext size. */
    private long writeEncrypted(InputStream body, Path target) throws IOException {
        long[] count = {0};
        OutputStream raw = Files.newOutputStream(target);
        OutputStream enc;
        try {
            enc = cipher.encrypting(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        try (OutputStream out = enc;
                OutputStream counting =
                        new FilterOutputStream(out) {
                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                out.write(b, off, len);
                                count[0] += len;
                            }

                            @Override
                            public void write(int b) throws IOException {
                                out.write(b);
                                count[0]++;
                            }
                        }) {
            body.transferTo(counting);
        }
        return count[0];
    }

    /**
     * Deletes a quarantined file and its reason file for good: the operator decided it is not to be
     * applied. Logged at WARN with who and why, the file's name and reason code.
     *
     * @throws IllegalArgumentException when operator or why is blank
     * @throws NoSuchElementException when nothing is quarantined under {@code storedAs}
     */
    public void discard(String storedAs, String operator, String why) throws IOException {
        if (isBlank(operator) || isBlank(why)) {
            throw new IllegalArgumentException("operator and why are required");
        }
        Entry e = remove(storedAs);
        LOG.warn(
                "quarantine: {} discarded {} (file {}, reason {}): {}",
                clean(operator),
                storedAs,
                e.file(),
                e.reason(),
                clean(why));
    }

    /**
     * Removes a quarantined file that a retry has applied (or found already applied); logged at
     * INFO with who retried it and the outcome.
     */
    void release(String storedAs, String operator, String outcome) throws IOException {
        Entry e = remove(storedAs);
        LOG.info(
                "quarantine: {} retried {} (file {}, was {}): {}",
                clean(operator),
                storedAs,
                e.file(),
                e.reason(),
                outcome);
    }

    /**
     * After a failed retry: rewrites the reason file with the new reason and detail, counts the
     * retry ({@code retries}) and keeps the original {@code quarantinedAt}.
     *
     * @throws NoSuchElementException when nothing is quarantined under {@code storedAs}
     */
    public void replaceReason(String storedAs, Exception cause) throws IOException {
        if (!validName(storedAs)) {
            throw new NoSuchElementException("not quarantined");
        }
        Path reasonFile = dir.resolve(storedAs + REASON_SUFFIX);
        ObjectNode r;
        try {
            JsonNode old = json.readTree(reasonFile.toFile());
            r = old instanceof ObjectNode o ? o : json.createObjectNode();
        } catch (IOException e) {
            if (!Files.exists(reasonFile)) {
                throw new NoSuchElementException("not quarantined");
            }
            r = json.createObjectNode(); // unreadable: start again from what is known
        }
        int retries = r.path("retries").asInt(0) + 1;
        String reason = reasonOf(cause);
        String detail = detailOf(cause);
        if (!r.hasNonNull("file")) {
            r.put("file", storedAs);
        }
        r.put("storedAs", storedAs);
        r.put("reason", reason);
        r.put("detail", detail);
        if (!r.hasNonNull("quarantinedAt")) {
            r.put("quarantinedAt", Instant.now().toString());
        }
        r.put("retries", retries);
        r.put("retriedAt", Instant.now().toString());
        writeReason(storedAs, r);
        LOG.warn("quarantine: retry {} of {} failed: {} ({})", retries, storedAs, reason, detail);
    }

    /**
     * Deletes the stored file, then its reason file (so a crash in between leaves a listed entry).
     */
    private Entry remove(String storedAs) throws IOException {
        if (!validName(storedAs)) {
            throw new NoSuchElementException("not quarantined");
        }
        Path stored = dir.resolve(storedAs);
        Path reasonFile = dir.resolve(storedAs + REASON_SUFFIX);
        Entry e = read(storedAs).orElse(new Entry("?", storedAs, "?", "", null, -1, 0));
        boolean any = Files.deleteIfExists(stored);
        any |= Files.deleteIfExists(reasonFile);
        if (!any) {
            throw new NoSuchElementException("not quarantined");
        }
        return e;
    }

    private Optional<Entry> read(String storedAs) {
        Path reasonFile = dir.resolve(storedAs + REASON_SUFFIX);
        JsonNode r;
        try {
            r = json.readTree(reasonFile.toFile());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.exists(reasonFile)) {
                LOG.warn(
                        "quarantine: reason file of {} is unreadable ({})",
                        storedAs,
                        e.getClass().getSimpleName());
            }
            return Optional.empty();
        }
        if (r == null || !r.isObject()) {
            return Optional.empty();
        }
        long size;
        try {
            long onDisk = Files.size(dir.resolve(storedAs));
            size = r.hasNonNull("size") ? r.get("size").asLong() : onDisk;
        } catch (IOException e) {
            size = -1;
        }
        Instant at;
        try {
            at =
                    r.hasNonNull("quarantinedAt")
                            ? Instant.parse(r.get("quarantinedAt").asText())
                            : null;
        } catch (DateTimeParseException e) {
            at = null;
        }
        return Optional.of(
                new Entry(
                        r.path("file").asText(storedAs),
                        storedAs,
                        r.path("reason").asText("?"),
                        r.path("detail").asText(""),
                        at,
                        size,
                        r.path("retries").asInt(0)));
    }

    /**
     * Writes a reason file whole: to a hidden temporary name first, then renamed over the old one.
     */
    private void writeReason(String storedAs, ObjectNode r) throws IOException {
        Path target = dir.resolve(storedAs + REASON_SUFFIX);
        Path tmp = dir.resolve("." + storedAs + REASON_SUFFIX + ".tmp");
        Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        try {
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A stored file's name: no path, no parent, not hidden, not a reason file. */
    private boolean validName(String storedAs) {
        if (storedAs == null
                || storedAs.isBlank()
                || storedAs.contains("/")
                || storedAs.contains("\\")
                || storedAs.contains("..")
                || storedAs.startsWith(".")
                || storedAs.endsWith(REASON_SUFFIX)
                || storedAs.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        try {
            Path p = dir.resolve(storedAs);
            return dir.equals(p.getParent()) && p.getFileName().toString().equals(storedAs);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String reasonOf(Exception cause) {
        return cause instanceof ExportFileException e ? e.reason() : "UNREADABLE";
    }

    private static String detailOf(Exception cause) {
        return cause instanceof ExportFileException e ? e.detail() : "the file could not be read";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Operator text for a log line: one line, bounded. */
    static String clean(String s) {
        String t = s == null ? "" : s.strip().replaceAll("\\p{Cntrl}", "?");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
