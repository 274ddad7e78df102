package jp.kofuhub.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import jp.kofuhub.ops.IssueBlocker;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Whether the hub may issue now ({@code /actuator/health}, component {@code issuing}, part of
 * readiness): asks every {@link IssueBlocker} bean, those that arrive later included (the supplier
 * is asked on every call). DOWN with each blocker's reason; a blocker that fails counts as
 * blocking. Municipalities stopped on their own ({@link IssueBlocker#blockedMunicipalities}) are
 * listed under {@code suspendedMunicipalities} without turning it DOWN: the others still issue.
 */
public class IssuingHealth implements HealthIndicator {

    private final Supplier<List<IssueBlocker>> blockers;

    public IssuingHealth(Supplier<List<IssueBlocker>> blockers) {
        this.blockers = blockers;
    }

    @Override
    public Health health() {
        List<String> reasons = new ArrayList<>();
        java.util.Map<String, String> municipalities = new java.util.TreeMap<>();
        for (IssueBlocker b : blockers.get()) {
            try {
                municipalities.putAll(b.blockedMunicipalities());
            } catch (RuntimeException e) {
                reasons.add(
                        b.getClass().getSimpleName() + " failed: " + e.getClass().getSimpleName());
            }
            Optional<String> why;
            try {
                why = b.blockedBecause();
            } catch (RuntimeException e) {
                why =
                        Optional.of(
                                b.getClass().getSimpleName()
                                        + " failed: "
                                        + e.getClass().getSimpleName());
            }
            why.ifPresent(reasons::add);
        }
        Health.Builder h =
                reasons.isEmpty()
                        ? Health.up()
                        : Health.down().withDetail("blockedBecause", reasons);
        if (!municipalities.isEmpty()) {
            h.withDetail(
                    "suspendedMunicipalities",
                    municipalities); // these refuse; the others issue: still UP
        }
        return h.build();
    }
}
