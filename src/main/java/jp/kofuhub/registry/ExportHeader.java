package jp.kofuhub.registry;

import java.nio.charset.Charset;
import java.time.OffsetDateTime;
import java.util.Map;

/** The manifest that opens every export file (the lines before {@code #end}). */
public record ExportHeader(
        int formatVersion,
        String municipality,
        String source,
        long sequence,
        Kind kind,
        OffsetDateTime createdAt,
        Charset charset,
        Map<RecordType, Long> recordCounts,
        String payloadSha256) {

    public enum Kind {
        FULL,
        DELTA
    }

    public long totalRecords() {
        return recordCounts.values().stream().mapToLong(Long::longValue).sum();
    }
}
