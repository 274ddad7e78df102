package jp.kofuhub.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.util.function.Supplier;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.sync.Quarantine;

/**
 * The gauges an alert needs beside the flows' own meters (issue #19, deploy/monitoring): files in
 * quarantine, the stop switch, and the key files' expiry — what {@code /actuator/health} says, as
 * numbers Prometheus can alert on.
 *
 * <ul>
 *   <li>{@code kofu.sync.quarantined} — files waiting in the quarantine folder;
 *   <li>{@code kofu.coupling.suspended} — 1 while the whole hub's coupling is suspended; {@code
 *       kofu.coupling.suspended.municipalities} — municipalities suspended on their own;
 *   <li>{@code kofu.keys.expires} (tag {@code use}, seconds) — when the first certificate or key of
 *       a configured key file expires (Unix time; absent for a file without expiry); {@code
 *       kofu.keys.unusable} — key files in use that are missing, unreadable, expired, not yet valid
 *       or revoked (readiness is DOWN then).
 * </ul>
 */
public class OpsMeters implements MeterBinder {

    private final Supplier<Quarantine> quarantine;
    private final Supplier<CouplingSwitch> coupling;
    private final KeysHealth keys;

    public OpsMeters(
            Supplier<Quarantine> quarantine, Supplier<CouplingSwitch> coupling, KeysHealth keys) {
        this.quarantine = quarantine;
        this.coupling = coupling;
        this.keys = keys;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("kofu.sync.quarantined", this, m -> m.quarantined())
                .description("registry export files in the quarantine folder")
                .register(registry);
        Gauge.builder(
                        "kofu.coupling.suspended",
                        this,
                        m -> {
                            CouplingSwitch c = m.coupling.get();
                            return c == null ? Double.NaN : c.suspended() ? 1.0 : 0.0;
                        })
                .description("1 while the whole hub's online coupling is suspended")
                .register(registry);
        Gauge.builder(
                        "kofu.coupling.suspended.municipalities",
                        this,
                        m -> {
                            CouplingSwitch c = m.coupling.get();
                            return c == null ? Double.NaN : c.suspendedMunicipalities().size();
                        })
                .description("municipalities whose coupling is suspended on their own")
                .register(registry);
        for (KeyExpiry.Verdict v : keys.verdicts()) {
            String use = v.file().name();
            Gauge.builder("kofu.keys.expires", this, m -> m.expires(use))
                    .description("when the key file's first certificate or key expires (Unix time)")
                    .baseUnit("seconds")
                    .tag("use", use)
                    .register(registry);
        }
        Gauge.builder(
                        "kofu.keys.unusable",
                        this,
                        m -> m.keys.verdicts().stream().filter(KeyExpiry.Verdict::blocks).count())
                .description("key files in use that are missing, unreadable, expired or revoked")
                .register(registry);
    }

    private double quarantined() {
        Quarantine q = quarantine.get();
        if (q == null) {
            return Double.NaN;
        }
        try {
            return q.list().size();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private double expires(String use) {
        return keys.verdicts().stream()
                .filter(v -> v.file().name().equals(use) && v.expires() != null)
                .mapToDouble(v -> v.expires().getEpochSecond())
                .findFirst()
                .orElse(Double.NaN);
    }
}
