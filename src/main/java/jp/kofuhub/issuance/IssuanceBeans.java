package jp.kofuhub.issuance;

import jp.kofuhub.replica.ReplicaFreshness;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.InkanKind;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.TaxKind;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.koseki.KosekiKind;
import jp.kofuhub.koseki.KosekiRegistrations;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigners;
import jp.kofuhub.replica.ReplicaReader;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The beans the issuance routes call, one per step (docs/architecture.md, Flows): {@code availabilityPhase},
 * {@code certificatePreparation}, {@code certificateRendering}, {@code certificateSigning},
 * {@code certificateConfirmation}, {@code kosekiRelay}, {@code completionPhase}, {@code documentSweeps}
 * and {@code transactionEnds}; and what they share ({@link IssuanceRules}, {@link CouplingGuard}).
 * Meters come in through the constructors.
 */
@Configuration(proxyBeanMethods = false)
public class IssuanceBeans {

    @Bean
    IssuanceRules issuanceRules(MunicipalityRegistry municipalities, ReplicaReader replica, FontChain fonts,
                                ReplicaFreshness freshness, Clock clock, JdbcTemplate jdbc,
                                ObjectProvider<KosekiRegistrations> registrations,
                                @Value("${kofu.calendar.ignore-hours:false}") boolean ignoreHours) {
        KosekiRegistrations koseki = registrations.getIfAvailable(() -> new KosekiRegistrations(jdbc, clock));
        List<CertificateKind> kinds = List.of(new JuminhyoKind(replica, fonts),
                new JuminhyoKind(JuminhyoKind.KISAI, replica, fonts), new InkanKind(replica, fonts),
                new TaxKind("SHOTOKU", replica, fonts), new TaxKind("KAZEI", replica, fonts),
                new TaxKind("SHOTOKU_KAZEI", replica, fonts), new KosekiKind("KOSEKI_ZENBU", replica, koseki),
                new KosekiKind("KOSEKI_KOJIN", replica, koseki), new KosekiKind("KOSEKI_FUHYO", replica, koseki));
        return new IssuanceRules(municipalities, kinds, freshness, clock, ignoreHours);
    }

    @Bean
    TransactionEnds transactionEnds(Transactions transactions, IssuanceHistory history, TransactionTemplate tx,
                                    Clock clock, HubMetrics metrics) {
        return new TransactionEnds(transactions, history, tx, clock, metrics);
    }

    @Bean
    CouplingGuard couplingGuard(ObjectProvider<CouplingSwitch> coupling, TransactionEnds ends) {
        CouplingSwitch stop = coupling.getIfAvailable();
        // per municipality: the hub's switch or its own
        return new CouplingGuard(stop != null ? stop::suspendedNow : m -> false, ends);
    }

    @Bean
    AvailabilityPhase availabilityPhase(IssuanceRules rules, CouplingGuard coupling, Transactions transactions) {
        return new AvailabilityPhase(rules, coupling, transactions);
    }

    @Bean
    CertificatePreparation certificatePreparation(IssuanceRules rules, CouplingGuard coupling,
                                                  Transactions transactions, IssueNumbers numbers,
                                                  DocumentStore documents, TransactionEnds ends) {
        return new CertificatePreparation(rules, coupling, transactions, numbers, documents, ends);
    }

    @Bean
    CertificateRendering certificateRendering(PdfRenderer renderer, TransactionEnds ends, HubMetrics metrics) {
        return new CertificateRendering(renderer, ends, metrics);
    }

    @Bean
    CertificateSigning certificateSigning(PdfSigners signers) {
        return new CertificateSigning(signers);
    }

    @Bean
    CertificateConfirmation certificateConfirmation(IssuanceRules rules, CouplingGuard coupling,
                                                    Transactions transactions, DocumentStore documents,
                                                    TransactionEnds ends, HubMetrics metrics) {
        return new CertificateConfirmation(rules, coupling, transactions, documents, ends, metrics);
    }

    @Bean
    KosekiRelay kosekiRelay(CouplingGuard coupling, TransactionEnds ends) {
        return new KosekiRelay(coupling, ends);
    }

    @Bean
    CompletionPhase completionPhase(Transactions transactions, CouplingGuard coupling, TransactionEnds ends,
                                    DocumentStore documents, Clock clock) {
        return new CompletionPhase(transactions, coupling, ends, documents, clock);
    }

    @Bean
    DocumentSweeps documentSweeps(Transactions transactions, TransactionEnds ends, DocumentStore documents,
                                  Clock clock, @Value("${kofu.documents.ttl}") Duration documentTtl) {
        return new DocumentSweeps(transactions, ends, documents, clock, documentTtl);
    }
}
