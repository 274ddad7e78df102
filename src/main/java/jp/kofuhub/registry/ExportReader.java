package jp.kofuhub.registry;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streams one export file: reads the manifest, then hands each payload record to a consumer while
 * hashing and counting. Nothing is kept in memory but the current line. The caller applies records
 * inside one transaction and lets {@link #finish()} decide: a hash or count mismatch found only at
 * the end throws, and the caller's transaction rolls the whole file back.
 */
public final class ExportReader implements AutoCloseable {

    /**
     * Receives each record; {@code fields} excludes the type tag and has exactly the contract's
     * columns.
     */
    @FunctionalInterface
    public interface RecordSink {
        void accept(RecordType type, String[] fields, long lineNo);
    }

    private final InputStream raw;
    private final ExportHeader header;
    private final MessageDigest digest;
    private final Map<RecordType, Long> seen = new EnumMap<>(RecordType.class);
    private long lineNo;

    public ExportReader(InputStream in) {
        this.raw = in;
        try {
            this.header = readHeader(in);
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (IOException e) {
            throw new ExportFileException("TRUNCATED", "manifest unreadable");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ExportHeader header() {
        return header;
    }

    /** Reads every record; throws {@link ExportFileException} on the first bad line. */
    public void readRecords(RecordSink sink) {
        CharsetDecoder decoder =
                header.charset()
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(new DigestInputStream(raw, digest), decoder),
                        1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                RecordType type = RecordType.of(tab < 0 ? line : line.substring(0, tab));
                if (type == null) {
                    throw new ExportFileException("UNKNOWN_RECORD_TYPE", "payload line " + lineNo);
                }
                String[] fields = line.substring(tab + 1).split("\t", -1);
                if (fields.length > type.columns().size()
                        || fields.length < type.requiredColumns()) {
                    throw new ExportFileException(
                            "BAD_RECORD",
                            "payload line "
                                    + lineNo
                                    + ": "
                                    + type
                                    + " needs "
                                    + (type.requiredColumns() == type.columns().size()
                                            ? ""
                                            : type.requiredColumns() + " or ")
                                    + type.columns().size()
                                    + " fields, has "
                                    + fields.length);
                }
                if (fields.length < type.columns().size()) {
                    // a record of an earlier contract version: the later columns read as empty
                    String[] all = java.util.Arrays.copyOf(fields, type.columns().size());
                    java.util.Arrays.fill(all, fields.length, all.length, "");
                    fields = all;
                }
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = TextNormalizer.canonical(fields[i]);
                }
                seen.merge(type, 1L, Long::sum);
                sink.accept(type, fields, lineNo);
            }
        } catch (CharacterCodingException e) {
            throw new ExportFileException(
                    "BAD_ENCODING",
                    "payload line "
                            + (lineNo + 1)
                            + " does not decode as "
                            + ExportFormat.charsetName(header.charset()));
        } catch (IOException e) {
            throw new ExportFileException("TRUNCATED", "payload unreadable after line " + lineNo);
        }
    }

    /** Checks hash and counts after the last record. */
    public void finish() {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(header.payloadSha256())) {
            throw new ExportFileException(
                    "HASH_MISMATCH", "payload SHA-256 differs from the manifest");
        }
        for (RecordType t : RecordType.values()) {
            long expected = header.recordCounts().getOrDefault(t, 0L);
            long got = seen.getOrDefault(t, 0L);
            if (expected != got) {
                throw new ExportFileException(
                        "COUNT_MISMATCH",
                        "manifest says " + expected + " " + t + " records, payload has " + got);
            }
        }
    }

    public long lineNo() {
        return lineNo;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    // ---- manifest ----

    private static ExportHeader readHeader(InputStream in) throws IOException {
        String first = readAsciiLine(in);
        if (first == null || !first.equals(ExportFormat.MAGIC)) {
            throw new ExportFileException(
                    "BAD_MANIFEST", "file does not start with " + ExportFormat.MAGIC);
        }
        Map<String, String> values = new LinkedHashMap<>();
        String line;
        while (true) {
            line = readAsciiLine(in);
            if (line == null) {
                throw new ExportFileException(
                        "TRUNCATED", "manifest has no " + ExportFormat.END + " line");
            }
            if (line.equals(ExportFormat.END)) {
                break;
            }
            int colon = line.indexOf(':');
            if (!line.startsWith("#") || colon < 0) {
                throw new ExportFileException("BAD_MANIFEST", "manifest line is not '#key: value'");
            }
            values.put(line.substring(1, colon).trim(), line.substring(colon + 1).trim());
        }
        return parseHeader(values);
    }

    private static ExportHeader parseHeader(Map<String, String> v) {
        String municipality = require(v, "municipality");
        if (!ExportFormat.MUNICIPALITY.matcher(municipality).matches()) {
            throw new ExportFileException("BAD_MANIFEST", "municipality must be a 6-digit 団体コード");
        }
        String source = require(v, "source");
        if (!ExportFormat.SOURCE.matcher(source).matches()) {
            throw new ExportFileException(
                    "BAD_MANIFEST", "source must match " + ExportFormat.SOURCE);
        }
        long sequence;
        try {
            sequence = Long.parseLong(require(v, "sequence"));
        } catch (NumberFormatException e) {
            throw new ExportFileException("BAD_MANIFEST", "sequence is not a number");
        }
        if (sequence < 1) {
            throw new ExportFileException("BAD_MANIFEST", "sequence starts at 1");
        }
        ExportHeader.Kind kind;
        try {
            kind = ExportHeader.Kind.valueOf(require(v, "kind"));
        } catch (IllegalArgumentException e) {
            throw new ExportFileException("BAD_MANIFEST", "kind must be FULL or DELTA");
        }
        OffsetDateTime createdAt;
        try {
            createdAt = OffsetDateTime.parse(require(v, "created-at"));
        } catch (DateTimeParseException e) {
            throw new ExportFileException(
                    "BAD_MANIFEST", "created-at is not an ISO-8601 date-time with offset");
        }
        Map<RecordType, Long> counts = new EnumMap<>(RecordType.class);
        for (String part : require(v, "records").split("\\s+")) {
            String[] kv = part.split("=", 2);
            RecordType t = kv.length == 2 ? RecordType.of(kv[0]) : null;
            if (t == null) {
                throw new ExportFileException(
                        "BAD_MANIFEST", "records must list TYPE=count pairs of known types");
            }
            try {
                counts.put(t, Long.parseLong(kv[1]));
            } catch (NumberFormatException e) {
                throw new ExportFileException("BAD_MANIFEST", "record count is not a number");
            }
        }
        String sha = require(v, "payload-sha256");
        if (!sha.matches("[0-9a-fA-F]{64}")) {
            throw new ExportFileException("BAD_MANIFEST", "payload-sha256 must be 64 hex digits");
        }
        int version = 1;
        return new ExportHeader(
                version,
                municipality,
                source,
                sequence,
                kind,
                createdAt,
                ExportFormat.charset(require(v, "encoding")),
                counts,
                sha.toLowerCase());
    }

    private static String require(Map<String, String> v, String key) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            throw new ExportFileException("BAD_MANIFEST", "manifest lacks " + key);
        }
        return s;
    }

    /** Reads one LF-terminated ASCII line (CR before LF dropped); null at end of stream. */
    private static String readAsciiLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b > 0x7e || (b < 0x20 && b != '\r')) {
                throw new ExportFileException("BAD_MANIFEST", "manifest must be printable ASCII");
            }
            buf.write(b);
            if (buf.size() > 1024) {
                throw new ExportFileException("BAD_MANIFEST", "manifest line too long");
            }
        }
        if (b == -1 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
