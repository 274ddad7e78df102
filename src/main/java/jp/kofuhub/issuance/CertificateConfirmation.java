package jp.kofuhub.issuance;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.PdfRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2, last step (route {@code issue-certificate}, steps {@code confirm-current} and {@code
 * confirm-koseki-current}): drafts the same certificate again from the replica as it is now; voids
 * the document when the holder is now refused or any printed item changed since {@link
 * CertificatePreparation#prepare} (a seal cancelled, a person moved). Otherwise keeps the document
 * with the transaction ({@link DocumentStore}, never the database) until its completion and returns
 * it.
 */
public class CertificateConfirmation {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateConfirmation.class);

    private final IssuanceRules rules;
    private final CouplingGuard coupling;
    private final Transactions transactions;
    private final DocumentStore documents;
    private final TransactionEnds ends;
    private final HubMetrics metrics;

    public CertificateConfirmation(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            DocumentStore documents,
            TransactionEnds ends,
            HubMetrics metrics) {
        this.rules = rules;
        this.coupling = coupling;
        this.transactions = transactions;
        this.documents = documents;
        this.ends = ends;
        this.metrics = metrics;
    }

    public PdfRenderer.RenderedPdf confirm(
            PreparedCertificate prepared, RenderedCertificate rendered) {
        IssuanceRequest req = prepared.getRequest();
        MunicipalityProfile city = rules.city(req.municipality());
        CertificateKind kind = rules.kind(req.kind());
        CertificateKind.Draft now;
        try {
            // made again for a retry: as of the day it was numbered (its 発行日), as the first time
            now =
                    rules.draft(
                            kind,
                            city,
                            req,
                            prepared.isAgain() || prepared.isResumed()
                                    ? prepared.getDay()
                                    : LocalDate.now(rules.clock()));
        } catch (IssuanceException e) {
            throw ends.voided(prepared, e);
        }
        if (!IssuanceRules.sha256(now.dataXml()).equals(prepared.getDataSha256())) {
            LOG.warn(
                    "issue {} {} tx {}: {} voided, REPLICA_CHANGED while in flight",
                    city.code(),
                    req.kind(),
                    req.transaction(),
                    prepared.getIssueNumber());
            throw ends.voided(prepared, RefusalCode.REPLICA_CHANGED);
        }
        coupling.stillCoupled(
                prepared); // suspended while in flight: the document is not kept, nor answered
        PdfRenderer.RenderedPdf pdf = rendered.pdf();
        if (prepared.isAgain()) {
            return keptAgain(prepared, pdf);
        }
        documents.put(req.transaction(), pdf);
        if (!transactions.issued(
                req.transaction(),
                prepared.getHolderAtena(),
                prepared.getIssueNumber(),
                prepared.getFee(),
                pdf.getPages(),
                IssuanceRules.printedOptions(req.options()),
                IssuanceRules.sha256(pdf.getBytes()),
                documents.instanceId(),
                new Transactions.Made(
                        prepared.getDataSha256(), rendered.layoutSha256(), prepared.getDay()),
                OffsetDateTime.now(rules.clock()))) {
            documents.remove(req.transaction());
            // the claim lapsed (this instance was frozen or slow) and a retry took it over
            // elsewhere: that instance answers; this document is not kept (issue #22)
            LOG.warn(
                    "issue {} {} tx {}: {} not kept, the issue phase was taken over meanwhile",
                    city.code(),
                    req.kind(),
                    req.transaction(),
                    prepared.getIssueNumber());
            throw IssuanceErrors.inProgress();
        }
        LOG.info(
                "issue {} {} tx {}: issued {} ({} sheets)",
                city.code(),
                req.kind(),
                req.transaction(),
                prepared.getIssueNumber(),
                pdf.getPages());
        metrics.issuance(city.code(), req.kind(), "ISSUED", null);
        return pdf;
    }

    /**
     * The document of an issued transaction, made again here for a retry with the same data and
     * layout: held on this instance too and answered with the same 発行番号, fee and sheets. The
     * transaction's state and history are not touched (one number, one history row at its end);
     * another instance may have done the same at the same moment — the same document.
     */
    private PdfRenderer.RenderedPdf keptAgain(
            PreparedCertificate prepared, PdfRenderer.RenderedPdf pdf) {
        Transactions.Tx t = prepared.getIssued();
        if (t.pages() != null && t.pages() != pdf.getPages()) {
            throw IssuanceErrors.unavailableAgain(prepared, "other pages");
        }
        documents.put(t.id(), pdf);
        if (!transactions.madeAgain(t.id(), t.issueNumber(), documents.instanceId())) {
            documents.remove(t.id());
            LOG.info(
                    "issue {} {} tx {}: made again, but the transaction ended meanwhile",
                    t.municipality(),
                    t.kind(),
                    t.id());
            throw IssuanceErrors.documentGone(t.id());
        }
        LOG.info(
                "issue {} {} tx {}: retry on another instance, same document {} made again ({} sheets)",
                t.municipality(),
                t.kind(),
                t.id(),
                t.issueNumber(),
                pdf.getPages());
        return pdf;
    }
}
