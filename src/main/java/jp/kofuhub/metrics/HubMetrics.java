package jp.kofuhub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The hub's own meters (names in the {@code kofu.*} namespace, docs/health-and-metrics.md). Called
 * by the beans that know what happened ({@code TransactionEnds}, {@code CertificateRendering},
 * {@code CertificateConfirmation}, {@code RegistrySync}; each gets it through its constructor) and
 * by the Camel hooks ({@link CamelMeters}). Tag values are municipality codes, kinds, outcomes,
 * refusal codes and source names only — never a person's data — and each is checked against its
 * shape, so a tag can never carry free text (and its cardinality stays small).
 */
public class HubMetrics {

    public static final String ISSUANCES = "kofu.issuances";
    public static final String REFUSALS = "kofu.refusals";
    public static final String RENDER = "kofu.issuance.render";
    public static final String REQUEST = "kofu.issuance.request";
    public static final String SYNC_FILES = "kofu.sync.files";
    public static final String SYNC_RECORDS = "kofu.sync.records";
    public static final String KOSEKI_CALL = "kofu.koseki.call";

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,39}");
    private static final Pattern MUNICIPALITY = Pattern.compile("\\d{6}");
    private static final Set<String> KINDS =
            Set.of(
                    "JUMINHYO",
                    "JUMINHYO_KISAI",
                    "INKAN",
                    "SHOTOKU",
                    "KAZEI",
                    "SHOTOKU_KAZEI",
                    "KOSEKI_ZENBU",
                    "KOSEKI_KOJIN",
                    "KOSEKI_FUHYO");

    /** The last call to the koseki server, for the health component {@code koseki}. */
    public record KosekiCall(String outcome, long millis, Instant at) {}

    private final MeterRegistry registry;
    private final Clock clock;
    private volatile KosekiCall lastKosekiCall;

    public HubMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Meters that go nowhere: for beans made without a registry (tools, unit tests). */
    public static HubMetrics none() {
        return new HubMetrics(new CompositeMeterRegistry(), Clock.systemUTC());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * An issuance-centre transaction reached {@code outcome} (ISSUED, PRINTED, PRINT_FAILED,
     * CANCELLED, ABANDONED, REFUSED, VOIDED); a REFUSED or VOIDED one also counts its refusal code.
     */
    public void issuance(String municipality, String kind, String outcome, String code) {
        Counter.builder(ISSUANCES)
                .description("issuance-centre transactions by the state they reached")
                .tag("municipality", municipality(municipality))
                .tag("kind", kind(kind))
                .tag("outcome", code(outcome))
                .register(registry)
                .increment();
        if (code != null && ("REFUSED".equals(outcome) || "VOIDED".equals(outcome))) {
            Counter.builder(REFUSALS)
                    .description("issue phases that ended without a document, by refusal code")
                    .tag("municipality", municipality(municipality))
                    .tag("kind", kind(kind))
                    .tag("code", code(code))
                    .register(registry)
                    .increment();
        }
    }

    /** One FOP render (FO → PDF) of a document of {@code kind}. */
    public void rendered(String kind, long nanos) {
        Timer.builder(RENDER)
                .description("FOP rendering of one certificate (FO to PDF)")
                .tag("kind", kind(kind))
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The issue phase of one request, from its arrival to the answer, by kind and HTTP outcome. */
    public void answered(String kind, String outcome, long nanos) {
        Timer.builder(REQUEST)
                .description("issue phase (POST certificates) from request to answer")
                .tag("kind", kind(kind))
                .tag("outcome", code(outcome))
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A registry export file applied: its records, by municipality, source and FULL/DELTA. */
    public void syncApplied(String municipality, String source, String fileKind, long records) {
        Counter.builder(SYNC_FILES)
                .description("registry export files applied to the replica")
                .tag("municipality", municipality(municipality))
                .tag("source", code(source))
                .tag("kind", code(fileKind))
                .register(registry)
                .increment();
        Counter.builder(SYNC_RECORDS)
                .description("records of applied registry export files")
                .tag("municipality", municipality(municipality))
                .tag("source", code(source))
                .tag("kind", code(fileKind))
                .register(registry)
                .increment(records);
    }

    /** One call to the koseki certificate server (inside the circuit breaker) and how it ended. */
    public void kosekiCall(String outcome, long nanos) {
        Timer.builder(KOSEKI_CALL)
                .description("calls to the koseki certificate server")
                .tag("outcome", code(outcome))
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        lastKosekiCall =
                new KosekiCall(code(outcome), Duration.ofNanos(nanos).toMillis(), clock.instant());
    }

    /** The last koseki call since start, or null. */
    public KosekiCall lastKosekiCall() {
        return lastKosekiCall;
    }

    /** {@code kind} if it is a kind of the protocol, else OTHER. */
    public static String kind(String kind) {
        return kind != null && KINDS.contains(kind) ? kind : "OTHER";
    }

    static String municipality(String code) {
        return code != null && MUNICIPALITY.matcher(code).matches() ? code : "OTHER";
    }

    static String code(String code) {
        return code != null && CODE.matcher(code).matches() ? code : "OTHER";
    }
}
