package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-to-live (routes/issuance/document-ttl.camel.yaml): ends what no completion ended within
 * {@code kofu.documents.ttl} (ABANDONED, with its history row) and deletes the documents no longer
 * needed. Returns counts; logs ids and codes only.
 */
public class DocumentSweeps {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentSweeps.class);

    private final Transactions transactions;
    private final TransactionEnds ends;
    private final DocumentStore documents;
    private final Clock clock;
    private final Duration documentTtl;

    public DocumentSweeps(
            Transactions transactions,
            TransactionEnds ends,
            DocumentStore documents,
            Clock clock,
            Duration documentTtl) {
        this.transactions = transactions;
        this.ends = ends;
        this.documents = documents;
        this.clock = clock;
        this.documentTtl = documentTtl;
    }

    /**
     * Both halves below as of {@code now}, on this instance (route {@code sweep-documents-at}).
     * Returns how many documents were abandoned.
     */
    public int sweep(OffsetDateTime now) {
        int abandoned = sweepTransactions(now);
        sweepDocuments(now);
        return abandoned;
    }

    /**
     * The database half of the sweep, as of {@code now} — singleton work (route {@code
     * transaction-ttl}, one instance at a time): an issued transaction older than the time-to-live
     * is ABANDONED (history row) and its document deleted here if held here; an issue phase stuck
     * since then (the instance died) is voided or forgotten; an availability answer is dropped.
     * Returns how many were abandoned.
     */
    public int sweepTransactions(OffsetDateTime now) {
        OffsetDateTime before = now.minus(documentTtl);
        int abandoned = 0;
        for (Transactions.Tx t : transactions.olderThan("ISSUED", before)) {
            boolean ended = ends.endIssued(t, "ABANDONED", now);
            documents.remove(t.id());
            if (ended) {
                abandoned++;
                LOG.warn(
                        "sweep {} {} tx {}: {} not completed within {}, document deleted, ABANDONED",
                        t.municipality(),
                        t.kind(),
                        t.id(),
                        t.issueNumber(),
                        documentTtl);
            }
        }
        for (Transactions.Tx t : transactions.olderThan("ISSUING", before)) {
            if (t.issueNumber() == null) {
                transactions.forgetClaimedBy(t.instanceId(), t.id(), "ISSUING");
            } else if (ends.voidStuck(t, now)) {
                LOG.warn(
                        "sweep {} {} tx {}: {} numbered but never issued, VOIDED",
                        t.municipality(),
                        t.kind(),
                        t.id(),
                        t.issueNumber());
            }
        }
        for (Transactions.Tx t : transactions.olderThan("CHECKED", before)) {
            transactions.finish(t.id(), "CHECKED", "EXPIRED", null, null, null, now);
        }
        return abandoned;
    }

    /**
     * The memory half of the sweep, as of {@code now} — every instance (route {@code
     * document-ttl}): the documents this instance holds that are past their time-to-live, or whose
     * transaction has ended (completed or abandoned through any instance). Returns how many were
     * dropped.
     */
    public int sweepDocuments(OffsetDateTime now) {
        return documents.release(now.toInstant(), transactions::stillIssued);
    }

    /** {@link #sweep} as of now. */
    public int sweep() {
        return sweep(OffsetDateTime.now(clock));
    }

    /** {@link #sweepTransactions} as of now (route {@code transaction-ttl}, on the leader only). */
    public int sweepTransactions() {
        return sweepTransactions(OffsetDateTime.now(clock));
    }

    /**
     * {@link #sweepDocuments} as of now (route {@code document-ttl}, on every instance, every
     * {@code kofu.documents.release-period} ms).
     */
    public int sweepDocuments() {
        return sweepDocuments(OffsetDateTime.now(clock));
    }
}
