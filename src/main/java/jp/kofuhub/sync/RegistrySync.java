package jp.kofuhub.sync;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies one registry export file to the replica: the whole file in one transaction or nothing.
 * Called by the {@code registry-sync} route with the file as a stream. Order and exactly-once are
 * kept per municipality and source system in {@code sync_source_state} (locked for the duration)
 * and {@code sync_file}: a file already applied is a no-op, a DELTA that skips a sequence number
 * waits in the inbox. Logs name files, sequences and counts, never record content.
 */
public class RegistrySync {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);

    /** What happened to a file. */
    public enum Outcome {
        APPLIED,
        DUPLICATE
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final MunicipalityRegistry municipalities;
    private final java.util.Set<String> sources;

    /** The {@code kofu.sync.*} counters (docs/health-and-metrics.md). */
    private final jp.kofuhub.metrics.HubMetrics metrics;

    /** Without meters (tools and tests). */
    public RegistrySync(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            MunicipalityRegistry municipalities,
            java.util.Set<String> sources) {
        this(jdbc, tx, municipalities, sources, jp.kofuhub.metrics.HubMetrics.none());
    }

    public RegistrySync(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            MunicipalityRegistry municipalities,
            java.util.Set<String> sources,
            jp.kofuhub.metrics.HubMetrics metrics) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.municipalities = municipalities;
        this.sources = sources;
        this.metrics = metrics;
    }

    public Outcome apply(InputStream body, String fileName) throws IOException {
        try (ExportReader reader = new ExportReader(body)) {
            ExportHeader h = reader.header();
            checkName(h, fileName);
            java.util.Optional<jp.kofuhub.municipality.MunicipalityProfile> profile =
                    municipalities.find(h.municipality());
            if (profile.isEmpty()) {
                throw new ExportFileException(
                        "UNKNOWN_MUNICIPALITY", "this hub does not serve " + h.municipality());
            }
            // 個人番号 (N records) only where the municipality prints them
            boolean myNumberAllowed = profile.get().printMyNumber();
            if (jp.kofuhub.registry.SourceSystem.of(h.source()) == null
                    || !sources.contains(h.source())) {
                throw new ExportFileException(
                        "UNKNOWN_SOURCE", "source " + h.source() + " is not one this hub reads");
            }
            long started = System.nanoTime();
            Outcome outcome;
            try {
                outcome =
                        tx.execute(
                                status -> applyInTransaction(reader, h, fileName, myNumberAllowed));
            } catch (SequenceGapException gap) {
                recordWaiting(h);
                throw gap;
            }
            LOG.info(
                    "sync {} {} seq {} {}: {} ({} records, {} ms)",
                    h.municipality(),
                    h.source(),
                    h.sequence(),
                    h.kind(),
                    outcome,
                    h.totalRecords(),
                    (System.nanoTime() - started) / 1_000_000);
            if (outcome == Outcome.APPLIED) {
                metrics.syncApplied(
                        h.municipality(), h.source(), h.kind().name(), h.totalRecords());
            }
            return outcome;
        }
    }

    private Outcome applyInTransaction(
            ExportReader reader, ExportHeader h, String fileName, boolean myNumberAllowed) {
        Long last = lockSource(h);
        Map<String, Object> seen =
                jdbc.query(
                        "select payload_sha256 from sync_file where municipality_code = ?"
                                + " and source_system = ? and sequence_no = ?",
                        rs -> rs.next() ? Map.of("sha", rs.getString(1).trim()) : null,
                        h.municipality(),
                        h.source(),
                        h.sequence());
        if (seen != null) {
            if (seen.get("sha").equals(h.payloadSha256())) {
                return Outcome.DUPLICATE;
            }
            throw new ExportFileException(
                    "CONFLICTING_DUPLICATE",
                    "sequence " + h.sequence() + " was applied before with a different payload");
        }
        if (last != null && h.sequence() <= last) {
            throw new ExportFileException(
                    "STALE_SEQUENCE",
                    "sequence " + h.sequence() + " is older than the last applied " + last);
        }
        if (h.kind() == ExportHeader.Kind.DELTA) {
            if (last == null) {
                throw new SequenceGapException(h.municipality(), h.source(), 0, h.sequence());
            }
            if (h.sequence() != last + 1) {
                throw new SequenceGapException(h.municipality(), h.source(), last, h.sequence());
            }
        }
        // close() before the transaction ends: a FULL on PostgreSQL writes from a second thread on
        // this
        // transaction's connection, which must be idle again before commit or rollback
        try (ReplicaWriter writer = new ReplicaWriter(jdbc, h, myNumberAllowed)) {
            writer.begin();
            Progress progress =
                    new Progress(h); // after a FULL's deletes: rate and ETA are about the records
            reader.readRecords(
                    (type, fields, line) -> {
                        writer.accept(type, fields, line);
                        progress.tick();
                    });
            writer.end();
        } catch (DuplicateKeyException e) {
            throw new ExportFileException("DUPLICATE_KEY", "a key appears twice in the payload");
        } catch (DataIntegrityViolationException e) {
            // a value longer than its column, or otherwise not storable: the file's fault, not the
            // database's
            throw new ExportFileException(
                    "BAD_RECORD",
                    "a value does not fit the replica (too long or malformed)"
                            + " near payload line "
                            + reader.lineNo());
        }
        reader.finish();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "insert into sync_file (municipality_code, source_system, sequence_no, file_kind, file_name,"
                        + " payload_sha256, record_count, applied_at) values (?,?,?,?,?,?,?,?)",
                h.municipality(),
                h.source(),
                h.sequence(),
                h.kind().name(),
                fileName,
                h.payloadSha256(),
                h.totalRecords(),
                now);
        jdbc.update(
                "update sync_source_state set last_sequence = ?, data_as_of = ?, applied_at = ?,"
                        + " waiting_sequence = null, waiting_since = null where municipality_code = ? and source_system = ?",
                h.sequence(),
                Timestamp.from(h.createdAt().toInstant()),
                now,
                h.municipality(),
                h.source());
        return Outcome.APPLIED;
    }

    /**
     * A DELTA arrived before its predecessor: the source stops (nothing later applies) and health
     * shows it until the missing file arrives or a FULL snapshot resets the source. Logged at ERROR
     * once per gap, not at every poll.
     */
    private void recordWaiting(ExportHeader h) {
        int changed =
                jdbc.update(
                        "update sync_source_state set waiting_sequence = ?, waiting_since = ?"
                                + " where municipality_code = ? and source_system = ? and waiting_sequence is null",
                        h.sequence(),
                        Timestamp.from(Instant.now()),
                        h.municipality(),
                        h.source());
        if (changed > 0) {
            LOG.error(
                    "sync {} {} stopped: sequence {} arrived but its predecessor has not been applied; later files wait",
                    h.municipality(),
                    h.source(),
                    h.sequence());
        }
    }

    /** Logs records, rate and ETA every few seconds while a large file applies. */
    private static final class Progress {
        private final ExportHeader h;
        private final long total;
        private final long start = System.nanoTime();
        private long done;

        /**
         * Interval between progress lines; {@code -Dkofu.sync.progress-ms} (tests use a short one).
         */
        private static final long INTERVAL_NANOS =
                Long.getLong("kofu.sync.progress-ms", 5000L) * 1_000_000L;

        private long nextLog = System.nanoTime() + INTERVAL_NANOS;

        Progress(ExportHeader h) {
            this.h = h;
            this.total = h.totalRecords();
        }

        void tick() {
            done++;
            if ((done & 0x3ff) == 0 && System.nanoTime() > nextLog) {
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = done / seconds;
                LOG.info(
                        "sync {} {} seq {}: {} / {} records ({} records/s, ETA {} s)",
                        h.municipality(),
                        h.source(),
                        h.sequence(),
                        done,
                        total,
                        Math.round(rate),
                        Math.round((total - done) / Math.max(rate, 1)));
                nextLog = System.nanoTime() + INTERVAL_NANOS;
            }
        }
    }

    /**
     * Locks the source's state row for the transaction (creating it on first use), so two instances
     * or threads never apply files of one source at the same time. Returns the last applied
     * sequence, or null when nothing was applied yet.
     */
    private Long lockSource(ExportHeader h) {
        jdbc.update(
                "insert into sync_source_state (municipality_code, source_system, last_sequence, data_as_of,"
                        + " applied_at) select ?, ?, 0, ?, ? where not exists (select 1 from sync_source_state"
                        + " where municipality_code = ? and source_system = ?)",
                h.municipality(),
                h.source(),
                Timestamp.from(Instant.EPOCH),
                Timestamp.from(Instant.EPOCH),
                h.municipality(),
                h.source());
        Long last =
                jdbc.queryForObject(
                        "select last_sequence from sync_source_state where municipality_code = ?"
                                + " and source_system = ? for update",
                        Long.class,
                        h.municipality(),
                        h.source());
        return last == null || last == 0 ? null : last;
    }

    private static void checkName(ExportHeader h, String fileName) {
        String expected =
                ExportFormat.fileName(h.municipality(), h.source(), h.sequence(), h.kind());
        if (!expected.equals(fileName)) {
            throw new ExportFileException(
                    "NAME_MISMATCH",
                    "file name disagrees with its manifest (expected " + expected + ")");
        }
    }
}
