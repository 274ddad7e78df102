package jp.kofuhub.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import jp.kofuhub.metrics.CamelMeters;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.metrics.SyncMeters;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.ops.IssueBlocker;
import jp.kofuhub.replica.ReplicaFreshness;
import org.apache.camel.spi.InterceptStrategy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Health components ({@code koseki}, {@code keys}, {@code issuing}, {@code inbox}, {@code
 * syncWork}, {@code clock}; {@code replica} is {@link jp.kofuhub.issuance.ReplicaHealth}) and the
 * {@code kofu.*} meters (docs/health-and-metrics.md). The readiness group ({@code
 * management.endpoint.health.group.readiness} in config/application.yaml) is readinessState, db,
 * keys and issuing; issuing asks every {@link IssueBlocker} bean.
 */
@Configuration(proxyBeanMethods = false)
public class HealthAndMetricsBeans {

    /** The meters; the beans that record them get them through their constructors. */
    @Bean
    HubMetrics hubMetrics(MeterRegistry registry, Clock clock) {
        return new HubMetrics(registry, clock);
    }

    @Bean
    SyncMeters syncMeters(ReplicaFreshness freshness, Clock clock) {
        return new SyncMeters(freshness, clock);
    }

    /**
     * The step meters, added to Camel before the routes start (an InterceptStrategy bean alone is
     * not always found: with other CamelContextConfiguration beans in the context it was missed).
     */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration kofuStepMeters(HubMetrics metrics) {
        InterceptStrategy steps = CamelMeters.steps(metrics);
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(org.apache.camel.CamelContext camelContext) {
                camelContext.getCamelContextExtension().addInterceptStrategy(steps);
            }

            @Override
            public void afterApplicationStart(org.apache.camel.CamelContext camelContext) {
                // nothing
            }
        };
    }

    /**
     * Only the hub's own meters ({@code kofu.*}) go to JMX (domain {@code kofu.metrics}, Hawtio's
     * JMX tab): sync freshness, issuance outcomes, the inbox, the breaker. Spring's and the JVM's
     * own are in the console already (java.lang, Tomcat, Camel).
     */
    @Bean
    org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer<
                    io.micrometer.jmx.JmxMeterRegistry>
            kofuMetersOnlyInJmx() {
        return r ->
                r.config()
                        .meterFilter(
                                io.micrometer.core.instrument.config.MeterFilter.denyUnless(
                                        id -> id.getName().startsWith("kofu.")));
    }

    /** What the hub knows of its inboxes' polls (component {@code inbox}, kofu.sync.inbox.*). */
    @Bean
    InboxWatch inboxWatch(MeterRegistry registry, Clock clock) {
        return new InboxWatch(registry, clock);
    }

    /** The inbox endpoint reports its polls to the watch; hooked in before the routes start. */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration kofuInboxPolls(
            InboxWatch watch, @Value("${kofu.sync.inbox-uri}") String inboxUri) {
        InboxPolls polls = new InboxPolls(watch, inboxUri);
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(org.apache.camel.CamelContext camelContext) {
                camelContext.getCamelContextExtension().registerEndpointCallback(polls);
            }

            @Override
            public void afterApplicationStart(org.apache.camel.CamelContext camelContext) {
                // nothing
            }
        };
    }

    @Bean("inbox")
    InboxHealth inboxHealth(InboxWatch watch) {
        return new InboxHealth(watch);
    }

    /**
     * Component {@code syncWork}: room to decrypt registry export files, the files waiting for it
     * (WORK_DIR_FULL).
     */
    @Bean("syncWork")
    SyncWorkHealth syncWorkHealth(jp.kofuhub.sync.SyncWorkSpace space) {
        return new SyncWorkHealth(space);
    }

    /**
     * {@code kofu.sync.work.waiting} (files waiting for room in the work folder) and {@code
     * kofu.sync.work.full} (attempts refused WORK_DIR_FULL).
     */
    @Bean
    MeterBinder syncWorkMeters(jp.kofuhub.sync.SyncWorkSpace space) {
        return registry -> {
            Gauge.builder("kofu.sync.work.waiting", space, s -> s.waiting().size())
                    .description(
                            "registry export files waiting in the inbox for room to be decrypted"
                                    + " (WORK_DIR_FULL)")
                    .register(registry);
            FunctionCounter.builder("kofu.sync.work.full", space, s -> (double) s.refusals())
                    .description(
                            "attempts to decrypt a registry export file refused for want of room"
                                    + " (WORK_DIR_FULL)")
                    .register(registry);
        };
    }

    @Bean
    KosekiBreaker kosekiBreaker(
            jp.kofuhub.issuance.KosekiServers servers, MunicipalityRegistry municipalities) {
        return new KosekiBreaker(servers, () -> kosekiMunicipalities(municipalities));
    }

    private static java.util.List<String> kosekiMunicipalities(
            MunicipalityRegistry municipalities) {
        return municipalities.all().stream()
                .filter(
                        p ->
                                p.offeredKinds() != null
                                        && p.offeredKinds().stream()
                                                .anyMatch(k -> k.startsWith("KOSEKI_")))
                .map(MunicipalityProfile::code)
                .sorted()
                .toList();
    }

    /**
     * {@code kofu.koseki.breaker.state} (1 for the current state of the worst of the
     * municipalities' breakers, 0 for the others) and {@code kofu.koseki.breaker.not.permitted}
     * (calls refused at once while open).
     */
    @Bean
    MeterBinder kosekiBreakerMeters(KosekiBreaker breaker) {
        return registry -> {
            for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
                Gauge.builder(
                                "kofu.koseki.breaker.state",
                                breaker,
                                b ->
                                        b.state()
                                                .map(now -> now.equals(s.name()) ? 1.0 : 0.0)
                                                .orElse(Double.NaN))
                        .description(
                                "state of the worst of the koseki servers' circuit breakers: 1 ="
                                        + " current")
                        .tag("state", s.name())
                        .register(registry);
            }
            FunctionCounter.builder(
                            "kofu.koseki.breaker.not.permitted",
                            breaker,
                            b -> (double) b.notPermitted())
                    .description("koseki calls refused at once by an open breaker")
                    .register(registry);
        };
    }

    @Bean("koseki")
    KosekiHealth kosekiHealth(
            MunicipalityRegistry municipalities, KosekiBreaker breaker, HubMetrics metrics) {
        return new KosekiHealth(
                () -> kosekiMunicipalities(municipalities),
                breaker::state,
                metrics::lastKosekiCall,
                breaker::states);
    }

    @Bean("keys")
    KeysHealth keysHealth(
            Environment env,
            Clock clock,
            @Value("${kofu.health.key-expiry-warning:P30D}") Duration warning) {
        return new KeysHealth(KeysHealth.configured(env), new KeyExpiry(), clock, warning);
    }

    /** Quarantine, stop switch and key expiry as gauges for the alert rules (deploy/monitoring). */
    @Bean
    OpsMeters opsMeters(
            ObjectProvider<jp.kofuhub.sync.Quarantine> quarantine,
            ObjectProvider<jp.kofuhub.ops.CouplingSwitch> coupling,
            KeysHealth keys) {
        return new OpsMeters(quarantine::getIfAvailable, coupling::getIfAvailable, keys);
    }

    @Bean
    ReplicaBlocker replicaBlocker(ReplicaFreshness freshness, MunicipalityRegistry municipalities) {
        return ReplicaBlocker.of(
                freshness,
                () -> municipalities.all().stream().map(MunicipalityProfile::code).toList());
    }

    /**
     * Component {@code clock}: this instance's clock against the database's (issue #22); the bean
     * named so because {@code clock} is the clock itself (Spring drops the suffix).
     */
    @Bean("clockHealthIndicator")
    ClockHealth clockHealth(jp.kofuhub.issuance.HubClock clock) {
        return new ClockHealth(clock);
    }

    /**
     * {@code kofu.clock.skew}: this instance's clock minus the database's, seconds, as last
     * measured by the heartbeat (NaN before); the hub takes it out of its own time (issue #22).
     */
    @Bean
    MeterBinder clockSkewMeter(jp.kofuhub.issuance.HubClock clock) {
        return registry ->
                Gauge.builder(
                                "kofu.clock.skew",
                                clock,
                                c -> c.skew().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN))
                        .description(
                                "this instance's clock minus the database's, seconds (corrected by"
                                        + " the hub)")
                        .baseUnit("seconds")
                        .register(registry);
    }

    @Bean("issuing")
    IssuingHealth issuingHealth(ObjectProvider<IssueBlocker> blockers) {
        return new IssuingHealth(() -> blockers.orderedStream().toList());
    }
}
