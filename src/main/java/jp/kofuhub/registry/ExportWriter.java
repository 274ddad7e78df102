package jp.kofuhub.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes one export file the way the contract asks: payload to a temporary file while hashing, then
 * manifest + payload to {@code name.kexp.part}, then an atomic rename to {@code name.kexp}. Used by
 * the generator, the tests and as the reference implementation for in-house systems.
 */
public final class ExportWriter implements AutoCloseable {

    private final Path dir;
    private final String municipality;
    private final String source;
    private final long sequence;
    private final ExportHeader.Kind kind;
    private final Charset charset;
    private final OffsetDateTime createdAt;
    private final Path payload;
    private final OutputStream out;
    private final MessageDigest digest;
    private final CharsetEncoder encoder;
    private final Map<RecordType, Long> counts = new EnumMap<>(RecordType.class);
    private Path written;

    /**
     * Sees every record any writer in this JVM writes, before it is encoded; null (the default, and
     * always in production) for none. The tests' log guard sets it to learn every synthetic
     * resident's names, 宛名番号, card serials and 住民票コード, so that it can fail a build whose logs show
     * one.
     */
    public interface RecordTap {
        void written(RecordType type, String[] fields);
    }

    private static volatile RecordTap tap;

    /** Sets (or with null removes) the {@link RecordTap} of this JVM. */
    public static void tap(RecordTap t) {
        tap = t;
    }

    public ExportWriter(
            Path dir,
            String municipality,
            String source,
            long sequence,
            ExportHeader.Kind kind,
            Charset charset,
            OffsetDateTime createdAt)
            throws IOException {
        this.dir = dir;
        this.municipality = municipality;
        this.source = source;
        this.sequence = sequence;
        this.kind = kind;
        this.charset = charset;
        this.createdAt = createdAt;
        Files.createDirectories(dir);
        this.payload = Files.createTempFile(dir, ".payload-", ".part");
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.out =
                new DigestOutputStream(
                        new java.io.BufferedOutputStream(Files.newOutputStream(payload), 1 << 16),
                        digest);
        this.encoder =
                charset.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Writes one record; {@code null} fields are written empty. */
    public void write(RecordType type, String... fields) throws IOException {
        if (fields.length != type.columns().size()) {
            throw new IllegalArgumentException(
                    type + " needs " + type.columns().size() + " fields");
        }
        RecordTap t = tap;
        if (t != null) {
            t.written(type, fields);
        }
        StringBuilder line = new StringBuilder(256).append(type.name());
        for (String f : fields) {
            line.append('\t');
            if (f != null) {
                if (f.indexOf('\t') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                    throw new IllegalArgumentException("tab or line break in a field of " + type);
                }
                line.append(f);
            }
        }
        line.append('\n');
        try {
            java.nio.ByteBuffer bytes = encoder.encode(java.nio.CharBuffer.wrap(line));
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } catch (CharacterCodingException e) {
            throw new IOException(
                    type
                            + " record has a character "
                            + ExportFormat.charsetName(charset)
                            + " cannot encode");
        }
        counts.merge(type, 1L, Long::sum);
    }

    /** Finishes the file and renames it into place; returns its final path. */
    public Path commit() throws IOException {
        out.close();
        String sha = HexFormat.of().formatHex(digest.digest());
        // the seven v1.1 types always; N (contract 1.2) only when present, so files without it stay
        // byte-identical
        String records =
                java.util.Arrays.stream(RecordType.values())
                        .filter(t -> t != RecordType.N || counts.containsKey(t))
                        .map(t -> t.name() + "=" + counts.getOrDefault(t, 0L))
                        .collect(Collectors.joining(" "));
        String manifest =
                ExportFormat.MAGIC
                        + "\n"
                        + "#municipality: "
                        + municipality
                        + "\n"
                        + "#source: "
                        + source
                        + "\n"
                        + "#sequence: "
                        + sequence
                        + "\n"
                        + "#kind: "
                        + kind
                        + "\n"
                        + "#created-at: "
                        + createdAt
                        + "\n"
                        + "#encoding: "
                        + ExportFormat.charsetName(charset)
                        + "\n"
                        + "#records: "
                        + records
                        + "\n"
                        + "#payload-sha256: "
                        + sha
                        + "\n"
                        + ExportFormat.END
                        + "\n";
        String name = ExportFormat.fileName(municipality, source, sequence, kind);
        Path part = dir.resolve(name + ".part");
        try (OutputStream o = Files.newOutputStream(part)) {
            o.write(manifest.getBytes(StandardCharsets.US_ASCII));
            Files.copy(payload, o);
        }
        Files.delete(payload);
        written = Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return written;
    }

    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(payload);
    }
}
