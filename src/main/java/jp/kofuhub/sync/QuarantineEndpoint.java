package jp.kofuhub.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import jp.kofuhub.keys.AtRestCipher;
import jp.kofuhub.keys.DecryptingStream;
import jp.kofuhub.registry.ExportFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/quarantine}: the operator's view of the quarantine folder.
 *
 * <ul>
 *   <li>{@code GET} — every quarantined file: name received, stored name, reason code, detail,
 *       time, size, retries;
 *   <li>{@code POST /{storedAs}} with JSON {@code {"operator": …}} — applies the stored file again
 *       under its original name, checked as a new file: {@code APPLIED} / {@code DUPLICATE} remove
 *       it from quarantine, {@code STILL_QUARANTINED} rewrites its reason, {@code
 *       WAITING_FOR_PREDECESSOR} and {@code WORK_DIR_FULL} (no room to decrypt it now) leave it;
 *   <li>{@code DELETE /{storedAs}?operator=…&why=…} — discards it for good (both required).
 * </ul>
 *
 * Answers carry names, codes and details (which never hold field values), never file content. Not
 * yet protected: security for management endpoints arrives with a later issue.
 */
@Component
@Endpoint(id = "quarantine")
public class QuarantineEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineEndpoint.class);

    private final Quarantine quarantine;
    private final RegistrySync registrySync;
    private final PgpInbox pgp;

    /**
     * One operator action at a time, so two retries of one file do not both apply and delete it.
     */
    private final Object lock = new Object();

    public QuarantineEndpoint(Quarantine quarantine, RegistrySync registrySync, PgpInbox pgp) {
        this.quarantine = quarantine;
        this.registrySync = registrySync;
        this.pgp = pgp;
    }

    @ReadOperation
    public Map<String, Object> list() throws IOException {
        List<Map<String, Object>> entries =
                quarantine.list().stream().map(QuarantineEndpoint::describe).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", entries.size());
        out.put("entries", entries);
        return out;
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> retry(
            @Selector String storedAs, String operator) throws IOException {
        if (operator == null || operator.isBlank()) {
            return answer(400, "outcome", "REFUSED", "message", "operator is required");
        }
        synchronized (lock) {
            Optional<Path> stored = quarantine.storedFile(storedAs);
            Optional<Quarantine.Entry> entry = quarantine.find(storedAs);
            if (stored.isEmpty() || entry.isEmpty()) {
                return answer(404, "outcome", "NOT_FOUND");
            }
            RegistrySync.Outcome outcome;
            // a quarantined file is stored as it arrived: a .kexp.pgp is decrypted and its
            // signature
            // checked again, exactly as the sync route does, before it is applied
            String file = entry.get().file();
            // stored encrypted at rest: decrypted while it is read, each segment checked first
            DecryptingStream raw;
            try {
                raw = quarantine.open(storedAs);
            } catch (AtRestCipher.AtRestException e) {
                return refusedAtRest(operator, storedAs, e);
            }
            try (raw;
                    InputStream in = pgp.open(raw, file, Files.size(stored.get()))) {
                outcome = registrySync.apply(in, pgp.plainName(file));
            } catch (AtRestCipher.AtRestException e) {
                return refusedAtRest(operator, storedAs, e);
            } catch (ExportFileException e) {
                if (raw.failure()
                        != null) { // the reader turned the failed check into its own reason
                    return refusedAtRest(operator, storedAs, raw.failure());
                }
                quarantine.replaceReason(storedAs, e);
                LOG.info(
                        "quarantine: {} retried {}: still quarantined ({})",
                        Quarantine.clean(operator),
                        storedAs,
                        e.reason());
                return answer(
                        200,
                        "outcome",
                        "STILL_QUARANTINED",
                        "reason",
                        e.reason(),
                        "detail",
                        e.detail());
            } catch (WorkDirFullException e) {
                // no room to decrypt it now (issue #22): not the file's fault, kept as it is
                LOG.info(
                        "quarantine: {} retried {}: no room to decrypt it ({})",
                        Quarantine.clean(operator),
                        storedAs,
                        WorkDirFullException.CODE);
                return answer(200, "outcome", WorkDirFullException.CODE, "detail", e.getMessage());
            } catch (SequenceGapException e) {
                LOG.info(
                        "quarantine: {} retried {}: waits for its predecessor",
                        Quarantine.clean(operator),
                        storedAs);
                return answer(200, "outcome", "WAITING_FOR_PREDECESSOR");
            }
            quarantine.release(storedAs, operator, outcome.name());
            return answer(200, "outcome", outcome.name());
        }
    }

    @DeleteOperation
    public WebEndpointResponse<Map<String, Object>> discard(
            @Selector String storedAs, String operator, String why) throws IOException {
        if (operator == null || operator.isBlank() || why == null || why.isBlank()) {
            return answer(400, "outcome", "REFUSED", "message", "operator and why are required");
        }
        synchronized (lock) {
            if (quarantine.find(storedAs).isEmpty() && quarantine.storedFile(storedAs).isEmpty()) {
                return answer(404, "outcome", "NOT_FOUND");
            }
            try {
                quarantine.discard(storedAs, operator, why);
            } catch (NoSuchElementException e) {
                return answer(404, "outcome", "NOT_FOUND");
            }
            return answer(200, "outcome", "DISCARDED");
        }
    }

    /** The stored file failed its at-rest check: nothing applied, the reason file unchanged. */
    private static WebEndpointResponse<Map<String, Object>> refusedAtRest(
            String operator, String storedAs, AtRestCipher.AtRestException e) {
        LOG.warn(
                "quarantine: {} retried {}: refused, the stored file fails its at-rest check ({})",
                Quarantine.clean(operator),
                storedAs,
                e.getMessage());
        return answer(
                409,
                "outcome",
                "REFUSED",
                "message",
                "the stored file fails its at-rest check (changed, or its key is gone): "
                        + e.getMessage());
    }

    private static Map<String, Object> describe(Quarantine.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", e.file());
        m.put("storedAs", e.storedAs());
        m.put("reason", e.reason());
        m.put("detail", e.detail());
        m.put("quarantinedAt", e.quarantinedAt() == null ? null : e.quarantinedAt().toString());
        m.put("size", e.size());
        m.put("retries", e.retries());
        return m;
    }

    private static WebEndpointResponse<Map<String, Object>> answer(
            int status, String... keyValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            body.put(keyValues[i], keyValues[i + 1]);
        }
        return new WebEndpointResponse<>(body, status);
    }
}
