package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigners;
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
    AvailabilityPhase availabilityPhase(
            IssuanceRules rules, CouplingGuard coupling, Transactions transactions) {
        return new AvailabilityPhase(rules, coupling, transactions);
    }

    @Bean
    CertificatePreparation certificatePreparation(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            IssueNumbers numbers,
            DocumentStore documents,
            TransactionEnds ends) {
        return new CertificatePreparation(rules, coupling, transactions, numbers, documents, ends);
    }

    @Bean
    CertificateRendering certificateRendering(
            PdfRenderer renderer,
            jp.kofuhub.printout.PrintoutCodes codes,
            TransactionEnds ends,
            HubMetrics metrics) {
        return new CertificateRendering(renderer, codes, ends, metrics);
    }

    @Bean
    CertificateSigning certificateSigning(PdfSigners signers) {
        return new CertificateSigning(signers);
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
    KosekiRelay kosekiRelay(CouplingGuard coupling, TransactionEnds ends) {
        return new KosekiRelay(coupling, ends);
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
