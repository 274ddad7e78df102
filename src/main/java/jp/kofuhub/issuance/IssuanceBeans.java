package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigners;
import jp.kofuhub.render.RenderPool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The beans the issuance routes call, one per step (docs/architecture.md, Flows): {@code
 * availabilityPhase}, {@code certificatePreparation}, {@code certificateRendering}, {@code
 * certificateSigning}, {@code certificateConfirmation}, {@code kosekiRelay}, {@code
 * completionPhase}, {@code documentSweeps} and {@code transactionEnds}; and what they share ({@link
 * CouplingGuard}; {@link IssuanceRules}, which knows every certificate kind, 戸籍 included, is wired
 * in {@code HubBeans} so that issuance needs no koseki import). Meters come in through the
 * constructors.
 */
@Configuration(proxyBeanMethods = false)
public class IssuanceBeans {

    @Bean
    TransactionEnds transactionEnds(
            Transactions transactions,
            IssuanceHistory history,
            TransactionTemplate tx,
            Clock clock,
            HubMetrics metrics) {
        return new TransactionEnds(transactions, history, tx, clock, metrics);
    }

    @Bean
    CouplingGuard couplingGuard(ObjectProvider<CouplingSwitch> coupling, TransactionEnds ends) {
        CouplingSwitch stop = coupling.getIfAvailable();
        // per municipality: the hub's switch or its own
        return new CouplingGuard(stop != null ? stop::suspendedNow : m -> false, ends);
    }

    @Bean
    AnnouncedSheets announcedSheets(jp.kofuhub.render.LayoutPages pages) {
        return new AnnouncedSheets(pages);
    }

    @Bean
    AvailabilityPhase availabilityPhase(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            AnnouncedSheets sheets) {
        return new AvailabilityPhase(rules, coupling, transactions, sheets);
    }

    @Bean
    CertificatePreparation certificatePreparation(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            IssueNumbers numbers,
            DocumentStore documents,
            TransactionEnds ends,
            RenderPool pool,
            InstanceLease lease) {
        return new CertificatePreparation(
                rules, coupling, transactions, numbers, documents, ends, pool, lease);
    }

    /**
     * Rendering and signing on {@code threads} workers (0: the processors), at most {@code queue}
     * more transactions admitted, none admitted whose estimated wait is over {@code deadline}: BUSY
     * (issue #20, docs/interfaces/issuance-centre.md).
     */
    @Bean(destroyMethod = "close")
    RenderPool renderPool(
            @Value("${kofu.render.pool.threads:0}") int threads,
            @Value("${kofu.render.pool.queue:64}") int queue,
            @Value("${kofu.render.pool.deadline:PT5S}") Duration deadline) {
        return new RenderPool(threads > 0 ? threads : RenderPool.defaultThreads(), queue, deadline);
    }

    @Bean
    PhaseDeadline phaseDeadline(
            @Value("${kofu.issuance.phase-deadline}") Duration deadline,
            Transactions transactions) {
        return new PhaseDeadline(deadline, transactions);
    }

    @Bean(destroyMethod = "end")
    InstanceLease instanceLease(
            org.springframework.jdbc.core.JdbcTemplate jdbc,
            DocumentStore documents,
            @Value("${kofu.cluster.lease.timeout}") Duration timeout,
            @Value("${kofu.cluster.lease.claim-limit}") Duration claimLimit,
            HubClock clock) {
        try {
            // the hub's clock agrees with the database's before the first request (issue #22)
            clock.measure(jdbc);
        } catch (org.springframework.dao.DataAccessException e) {
            // the first heartbeat tries again
        }
        return new InstanceLease(jdbc, documents.instanceId(), timeout, claimLimit, clock);
    }

    @Bean
    CertificateRendering certificateRendering(
            PdfRenderer renderer,
            jp.kofuhub.printout.PrintoutCodes codes,
            TransactionEnds ends,
            HubMetrics metrics,
            RenderPool pool) {
        return new CertificateRendering(renderer, codes, ends, metrics, pool);
    }

    @Bean
    CertificateSigning certificateSigning(PdfSigners signers, RenderPool pool) {
        return new CertificateSigning(signers, pool);
    }

    @Bean
    CertificateConfirmation certificateConfirmation(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            DocumentStore documents,
            TransactionEnds ends,
            HubMetrics metrics) {
        return new CertificateConfirmation(rules, coupling, transactions, documents, ends, metrics);
    }

    @Bean
    KosekiRelay kosekiRelay(
            CouplingGuard coupling, TransactionEnds ends, KosekiServers servers, Clock clock) {
        return new KosekiRelay(coupling, ends, servers, clock);
    }

    /**
     * Each municipality's koseki server: URL and circuit breaker, from its profile's {@code koseki}
     * block over the hub-wide {@code kofu.koseki.*} (docs/interfaces/koseki-server.md).
     */
    @Bean
    KosekiServers kosekiServers(
            MunicipalityRegistry municipalities,
            @Value("${kofu.koseki.url}") String url,
            @Value("${kofu.koseki.breaker-window:10}") int window,
            @Value("${kofu.koseki.breaker-minimum-calls:3}") int minimumCalls,
            @Value("${kofu.koseki.breaker-failure-rate:50}") int failureRate,
            @Value("${kofu.koseki.breaker-wait-seconds:30}") int waitSeconds,
            @Value("${kofu.koseki.breaker-half-open-calls:10}") int halfOpenCalls,
            @Value("${kofu.koseki.signing-certificate:koseki-server.crt}") String certificate,
            @Value("${kofu.keys.dir:data/keys}") String keysDir) {
        return new KosekiServers(
                municipalities,
                new KosekiServers.Defaults(
                        url,
                        window,
                        minimumCalls,
                        failureRate,
                        waitSeconds,
                        halfOpenCalls,
                        certificate,
                        java.nio.file.Path.of(keysDir)));
    }

    @Bean
    CompletionPhase completionPhase(
            Transactions transactions,
            CouplingGuard coupling,
            TransactionEnds ends,
            DocumentStore documents,
            Clock clock) {
        return new CompletionPhase(transactions, coupling, ends, documents, clock);
    }

    @Bean
    DocumentSweeps documentSweeps(
            Transactions transactions,
            TransactionEnds ends,
            DocumentStore documents,
            Clock clock,
            @Value("${kofu.documents.ttl}") Duration documentTtl) {
        return new DocumentSweeps(transactions, ends, documents, clock, documentTtl);
    }
}
