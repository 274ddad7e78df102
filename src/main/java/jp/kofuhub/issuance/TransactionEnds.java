package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.history.HistoryEntry;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.metrics.HubMetrics;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place where a transaction ends: its state change and its row in the hash-chained history,
 * in one database transaction. Every end of a transaction that spent a 発行番号 or was refused in the
 * issue phase is one history row; the {@code kofu.issuance.*} outcome is counted once it is
 * committed. Also the error handler's {@link #abort} (routes/common/error-handling.camel.yaml).
 */
public class TransactionEnds {

    private final Transactions transactions;
    private final IssuanceHistory history;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final HubMetrics metrics;

    public TransactionEnds(
            Transactions transactions,
            IssuanceHistory history,
            TransactionTemplate tx,
            Clock clock,
            HubMetrics metrics) {
        this.transactions = transactions;
        this.history = history;
        this.tx = tx;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * After an unexpected failure in the issue phase: a numbered document is voided (its 発行番号 is in
     * the history), an unnumbered claim is forgotten so the centre may try again.
     */
    public void abort(PreparedCertificate prepared) {
        if (prepared == null || prepared.isReplay() || prepared.isAgain()) {
            return; // a retry's document made again: the transaction stays ISSUED as it was
        }
        end(
                prepared.getRequest(),
                "ISSUING",
                "VOIDED",
                "INTERNAL_ERROR",
                prepared.getHolderAtena(),
                prepared.getIssueNumber());
    }

    IssuanceException voided(PreparedCertificate prepared, RefusalCode code) {
        return voided(prepared, IssuanceErrors.refused(code));
    }

    /** A numbered document that will not be answered: VOIDED in the transaction and the history. */
    IssuanceException voided(PreparedCertificate prepared, IssuanceException why) {
        if (prepared.isAgain()) {
            // the document was answered before (the centre may be printing it): never voided by a
            // retry
            // that cannot make it again here; the stop switch keeps its own code
            return CouplingGuard.COUPLING_SUSPENDED.equals(why.getCode())
                    ? why
                    : IssuanceErrors.unavailableAgain(prepared, why.getCode());
        }
        end(
                prepared.getRequest(),
                "ISSUING",
                "VOIDED",
                why.getCode(),
                prepared.getHolderAtena(),
                prepared.getIssueNumber());
        return why;
    }

    /**
     * Ends an issue phase that produced no document: REFUSED (a 422 before numbering) or VOIDED
     * (after), each with a history row; anything else ({@code to} null: a bad request after the
     * claim) is forgotten.
     */
    void end(
            IssuanceRequest req, String from, String to, String code, String atena, String number) {
        if (to == null) {
            transactions.forget(req.transaction(), from);
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        tx.executeWithoutResult(
                s -> {
                    Optional<Transactions.Tx> t = transactions.find(req.transaction());
                    if (t.isPresent()
                            && transactions.finish(
                                    req.transaction(), from, to, code, atena, number, now)) {
                        record(transactions.find(req.transaction()).orElseThrow(), to, code, now);
                    }
                });
    }

    /**
     * Ends an ISSUED transaction with {@code outcome} (PRINTED, PRINT_FAILED, CANCELLED, ABANDONED)
     * and its history row; false when it had left ISSUED meanwhile.
     */
    boolean endIssued(Transactions.Tx t, String outcome, OffsetDateTime now) {
        return Boolean.TRUE.equals(
                tx.execute(
                        s -> {
                            if (!transactions.finish(
                                    t.id(), "ISSUED", outcome, null, null, null, now)) {
                                return false;
                            }
                            record(t, outcome, null, now);
                            return true;
                        }));
    }

    /**
     * An issue phase numbered, then its instance died: the number is recorded VOIDED, not skipped.
     */
    boolean voidStuck(Transactions.Tx t, OffsetDateTime now) {
        return Boolean.TRUE.equals(
                tx.execute(
                        s -> {
                            if (!transactions.finishClaimedBy(
                                    t.instanceId(),
                                    t.id(),
                                    "ISSUING",
                                    "VOIDED",
                                    "INTERNAL_ERROR",
                                    null,
                                    null,
                                    now)) {
                                return false;
                            }
                            record(
                                    transactions.find(t.id()).orElseThrow(),
                                    "VOIDED",
                                    "INTERNAL_ERROR",
                                    now);
                            return true;
                        }));
    }

    /** One history row for a transaction that ended; only a printed certificate is charged. */
    private void record(Transactions.Tx t, String outcome, String code, OffsetDateTime now) {
        boolean printed = "PRINTED".equals(outcome);
        String refusal = code != null ? code : t.refusalCode();
        // counted once the row is committed (append always runs inside a transaction)
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(
                    new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            metrics.issuance(t.municipality(), t.kind(), outcome, refusal);
                        }
                    });
        }
        history.append(
                new HistoryEntry(
                        t.municipality(),
                        now,
                        t.id(),
                        t.store(),
                        t.terminal(),
                        t.holderAtena(),
                        t.kind(),
                        t.printedOptions(),
                        printed && t.pages() != null ? t.pages() : 0,
                        t.issueNumber(),
                        printed && t.fee() != null ? t.fee() : 0,
                        outcome,
                        code != null ? code : t.refusalCode()));
    }
}
