package jp.kofuhub.issuance;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Optional;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.BusyException;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.RenderPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2, first step (route {@code issue-certificate}, step {@code prepare-certificate}):
 * validates the request, claims its transaction (a retry of an issued one gets the document it
 * already got), checks hours, fee and freshness, drafts the kind's data document (one consistent
 * read, the eligibility table, the glyph and box checks) and numbers it.
 */
public class CertificatePreparation {

    private static final Logger LOG = LoggerFactory.getLogger(CertificatePreparation.class);

    private final IssuanceRules rules;
    private final CouplingGuard coupling;
    private final Transactions transactions;
    private final IssueNumbers numbers;
    private final DocumentStore documents;
    private final TransactionEnds ends;
    private final RenderPool pool;
    private final InstanceLease lease;

    public CertificatePreparation(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            IssueNumbers numbers,
            DocumentStore documents,
            TransactionEnds ends,
            RenderPool pool,
            InstanceLease lease) {
        this.pool = pool;
        this.lease = lease;
        this.rules = rules;
        this.coupling = coupling;
        this.transactions = transactions;
        this.numbers = numbers;
        this.documents = documents;
        this.ends = ends;
    }

    /**
     * The numbered certificate to lay out, the document held for a retry, or the one to make again.
     */
    public PreparedCertificate prepare(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parse(contentType, body);
        MunicipalityProfile city = rules.city(req.municipality());
        coupling.coupled(city.code());
        IssuanceRules.known(req.kind());
        String sha = IssuanceRules.sha256(req.canonical("issue"));
        Optional<PreparedCertificate> replay = claim(req, city, sha);
        if (replay.isPresent()) {
            return replay.get();
        }
        try {
            CertificateKind kind = rules.offered(city, req.kind(), req.options());
            ZonedDateTime now = ZonedDateTime.now(rules.clock());
            int fee = rules.open(city, req.kind(), now);
            rules.stale(city, kind);
            LocalDate today = now.toLocalDate();
            CertificateKind.Draft draft = rules.draft(kind, city, req, today);
            rules.reachable(city, kind);
            String terminal = req.terminal() != null ? req.terminal() : city.terminalCode();
            // the render pool's admission comes before the number is spent: a BUSY refusal numbers
            // nothing and forgets the claim, so the same transaction may ask again (issue #20)
            admit(req, kind.template());
            String dataSha = IssuanceRules.sha256(draft.dataXml());
            String number =
                    numbers.next(
                            city.code(),
                            today,
                            terminal,
                            city.printerCode(),
                            n -> {
                                // rolls the number back when the claim lapsed meanwhile (#22)
                                if (!transactions.numbered(
                                        req.transaction(),
                                        n,
                                        draft.holderAtena(),
                                        new Transactions.Made(dataSha, null, today),
                                        fee)) {
                                    throw IssuanceErrors.inProgress();
                                }
                            });
            LOG.info(
                    "issue {} {} tx {}: prepared {}",
                    city.code(),
                    req.kind(),
                    req.transaction(),
                    number);
            return new PreparedCertificate(
                    req,
                    kind.template(),
                    draft.dataXml(),
                    dataSha,
                    number,
                    draft.holderAtena(),
                    fee,
                    today);
        } catch (IssuanceException e) {
            ends.end(
                    req,
                    "ISSUING",
                    e.getHttpStatus() == 422 ? "REFUSED" : null,
                    e.getCode(),
                    null,
                    null);
            throw e;
        } catch (RuntimeException e) {
            try {
                transactions.forget(req.transaction(), "ISSUING");
            } catch (RuntimeException alsoFailed) {
                // the database is down for this too: forgotten at the next heartbeat (issue #22)
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /**
     * Admits the transaction to the render pool (a document the hub lays out itself; 戸籍 are made by
     * the koseki server), or BUSY.
     */
    private void admit(IssuanceRequest req, String template) {
        if ("koseki".equals(template)) {
            return;
        }
        try {
            pool.admit(req.transaction());
        } catch (BusyException e) {
            throw IssuanceErrors.busy(e);
        }
    }

    /**
     * Claims the transaction for the issue phase, or answers a retry: the same document while it is
     * held, the same refusal, or a conflict when the id comes back with other content.
     */
    private Optional<PreparedCertificate> claim(
            IssuanceRequest req, MunicipalityProfile city, String sha) {
        OffsetDateTime now = OffsetDateTime.now(rules.clock());
        if (transactions.insert(
                req.transaction(),
                city.code(),
                req.kind(),
                req.store(),
                req.terminal(),
                sha,
                "ISSUING",
                null,
                now)) {
            return Optional.empty();
        }
        Transactions.Tx t =
                transactions
                        .find(req.transaction())
                        .orElseThrow(() -> IssuanceErrors.outOfOrder(req.transaction()));
        if ("CHECKED".equals(t.state())) {
            if (!t.municipality().equals(city.code())) {
                throw IssuanceErrors.conflict(req.transaction());
            }
            if (transactions.claimChecked(
                    req.transaction(), req.kind(), req.store(), req.terminal(), sha, now)) {
                return Optional.empty();
            }
            t =
                    transactions
                            .find(req.transaction())
                            .orElseThrow(() -> IssuanceErrors.outOfOrder(req.transaction()));
        }
        if (!sha.equals(t.requestSha256())) {
            throw IssuanceErrors.conflict(req.transaction());
        }
        switch (t.state()) {
            case "ISSUED" -> {
                Optional<PdfRenderer.RenderedPdf> held = documents.get(req.transaction());
                if (held.isEmpty()) {
                    return Optional.of(again(req, city, t));
                }
                PdfRenderer.RenderedPdf pdf = held.get();
                LOG.info(
                        "issue {} {} tx {}: retry, same document {}",
                        city.code(),
                        req.kind(),
                        req.transaction(),
                        t.issueNumber());
                return Optional.of(
                        PreparedCertificate.replay(
                                req, t.issueNumber(), t.holderAtena(), t.fee(), pdf));
            }
            case "REFUSED", "VOIDED" -> throw IssuanceErrors.refusalAgain(t.refusalCode());
            case "ISSUING" -> {
                return takeOver(req, city, t);
            }
            default -> throw IssuanceErrors.documentGone(req.transaction());
        }
    }

    /**
     * A retry of a transaction still in its issue phase: TRANSACTION_IN_PROGRESS while the instance
     * that claimed it lives; once its lease lapsed ({@link InstanceLease}: killed, frozen, stopped,
     * or the claim older than the claim limit) this instance takes the claim over. Not numbered
     * yet: the issue phase starts afresh here. Numbered: the document is drafted again as of the
     * day it was numbered and made under that 発行番号 when the draft is the one numbered (its
     * SHA-256); otherwise the number is VOIDED (history) and the retry refused REPLICA_CHANGED (or
     * the code the holder is refused with now) — never a number skipped, never another document
     * under it.
     */
    private Optional<PreparedCertificate> takeOver(
            IssuanceRequest req, MunicipalityProfile city, Transactions.Tx t) {
        if (!lease.lapsed(t.id()) || !transactions.takeOver(t)) {
            throw IssuanceErrors.inProgress();
        }
        LOG.warn(
                "issue {} {} tx {}: issue phase taken over from lapsed instance {} ({})",
                city.code(),
                req.kind(),
                req.transaction(),
                t.instanceId(),
                t.issueNumber() == null ? "not numbered" : t.issueNumber());
        if (t.issueNumber() == null) {
            return Optional.empty();
        }
        CertificateKind kind = rules.kind(req.kind());
        if (kind == null || t.dataSha256() == null || t.issueDate() == null) {
            // numbered before V80 recorded the digest: cannot be made the same
            ends.end(req, "ISSUING", "VOIDED", "INTERNAL_ERROR", null, null);
            throw IssuanceErrors.refusalAgain("INTERNAL_ERROR");
        }
        CertificateKind.Draft draft;
        try {
            draft = rules.draft(kind, city, req, t.issueDate());
        } catch (IssuanceException e) {
            ends.end(req, "ISSUING", "VOIDED", e.getCode(), null, null);
            throw e;
        }
        String sha = IssuanceRules.sha256(draft.dataXml());
        if (!sha.equals(t.dataSha256()) || !draft.holderAtena().equals(t.holderAtena())) {
            ends.end(req, "ISSUING", "VOIDED", RefusalCode.REPLICA_CHANGED.name(), null, null);
            throw IssuanceErrors.refused(RefusalCode.REPLICA_CHANGED);
        }
        return Optional.of(
                PreparedCertificate.resumed(req, kind.template(), draft.dataXml(), sha, t));
    }

    /**
     * A retry of an ISSUED transaction whose document this instance does not hold (another instance
     * made it, or this one restarted): the document is drafted again from the replica as of its
     * issue day, with its 発行番号; only when the draft is the one numbered (SHA-256 of the data
     * document) is it laid out again (and then only if the layout is too, see {@link
     * CertificateRendering}). Otherwise DOCUMENT_UNAVAILABLE and nothing is made: never a document
     * that says other than what was numbered.
     */
    private PreparedCertificate again(
            IssuanceRequest req, MunicipalityProfile city, Transactions.Tx t) {
        CertificateKind kind = rules.kind(req.kind());
        if (kind == null
                || t.dataSha256() == null
                || t.issueDate() == null
                || t.issueNumber() == null) {
            throw IssuanceErrors.unavailable(t, "no digests recorded");
        }
        CertificateKind.Draft draft;
        try {
            draft = rules.draft(kind, city, req, t.issueDate());
        } catch (IssuanceException e) {
            throw IssuanceErrors.unavailable(t, e.getCode());
        }
        String sha = IssuanceRules.sha256(draft.dataXml());
        if (!sha.equals(t.dataSha256()) || !draft.holderAtena().equals(t.holderAtena())) {
            throw IssuanceErrors.unavailable(t, "the data printed changed");
        }
        // BUSY here leaves the transaction ISSUED as it was: the retry may ask again
        admit(req, kind.template());
        LOG.info(
                "issue {} {} tx {}: retry on an instance without the document, making {} again",
                city.code(),
                req.kind(),
                req.transaction(),
                t.issueNumber());
        return PreparedCertificate.again(req, kind.template(), draft.dataXml(), sha, t);
    }
}
