package jp.kofuhub.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.kofuhub.sync.SyncWorkSpace;
import jp.kofuhub.sync.WorkDirFullException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code syncWork}: the room decryption of registry export files may take in
 * {@code kofu.sync.pgp.work-dir} ({@link SyncWorkSpace}: {@code maxBytes}, {@code usedBytes},
 * {@code reserveBytes}, {@code usableBytes}) and the files waiting for room ({@code waiting}, per
 * file name: {@code code} WORK_DIR_FULL, {@code since}, {@code lastAttempt}, {@code attempts},
 * {@code receivedBytes}, {@code reachedBytes}, {@code neededBytes}, {@code why}). DOWN while a file
 * waits for room, else UP. File names, byte counts and times only.
 *
 * <p>Not part of readiness: the replica keeps serving the data it holds (the waiting file is not
 * applied at all) until it turns stale ({@code kofu.sync.max-age}), as for an unreachable inbox.
 */
public class SyncWorkHealth implements HealthIndicator {

    private final SyncWorkSpace space;

    public SyncWorkHealth(SyncWorkSpace space) {
        this.space = space;
    }

    @Override
    public Health health() {
        List<SyncWorkSpace.Waiting> waiting = space.waiting();
        Map<String, Object> files = new LinkedHashMap<>();
        for (SyncWorkSpace.Waiting w : waiting) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("code", WorkDirFullException.CODE);
            d.put("since", w.since().toString());
            d.put("lastAttempt", w.lastAttempt().toString());
            d.put("attempts", w.attempts());
            d.put("receivedBytes", w.receivedBytes());
            d.put("reachedBytes", w.reachedBytes());
            d.put("neededBytes", w.neededBytes());
            d.put("why", w.why());
            files.put(w.file(), d);
        }
        long usable = space.usable();
        Health.Builder b =
                (waiting.isEmpty() ? Health.up() : Health.down())
                        .withDetail("maxBytes", space.maxBytes())
                        .withDetail("usedBytes", space.used())
                        .withDetail("reserveBytes", space.reserveBytes())
                        .withDetail("usableBytes", usable == Long.MAX_VALUE ? -1 : usable);
        if (!waiting.isEmpty()) {
            b.withDetail("waiting", files);
        }
        return b.build();
    }
}
