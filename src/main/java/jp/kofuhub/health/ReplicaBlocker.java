package jp.kofuhub.health;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import jp.kofuhub.ops.IssueBlocker;
import jp.kofuhub.replica.ReplicaFreshness;

/**
 * Blocks issuing when no municipality served has any fresh replica source (loaded, not older than
 * {@code kofu.sync.max-age}, not stopped by a gap): then every request would be refused
 * REPLICA_STALE and the centre is better served by another instance. One stale municipality or
 * source does not block — its kinds are refused one by one ({@code replica} shows which). Nor does
 * an empty replica (nothing loaded yet: a new hub before its first files), so a first start is not
 * held up; its requests are refused REPLICA_STALE.
 */
public class ReplicaBlocker implements IssueBlocker {

    private final Supplier<List<ReplicaFreshness.SourceState>> states;
    private final Predicate<ReplicaFreshness.SourceState> stale;
    private final Supplier<Collection<String>> served;

    public ReplicaBlocker(
            Supplier<List<ReplicaFreshness.SourceState>> states,
            Predicate<ReplicaFreshness.SourceState> stale,
            Supplier<Collection<String>> served) {
        this.states = states;
        this.stale = stale;
        this.served = served;
    }

    public static ReplicaBlocker of(
            ReplicaFreshness freshness, Supplier<Collection<String>> served) {
        return new ReplicaBlocker(freshness::all, freshness::isStale, served);
    }

    @Override
    public Optional<String> blockedBecause() {
        Set<String> municipalities = Set.copyOf(served.get());
        List<ReplicaFreshness.SourceState> loaded =
                states.get().stream()
                        .filter(s -> municipalities.contains(s.municipality()))
                        .toList();
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        boolean anyFresh =
                loaded.stream().anyMatch(s -> s.waitingSequence() == null && !stale.test(s));
        return anyFresh
                ? Optional.empty()
                : Optional.of("REPLICA_STALE: no municipality served has fresh replica data");
    }
}
