package jp.kofuhub.issuance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 3 of the issuance-centre protocol (route {@code complete-transaction}, step {@code
 * record-completion}): what became of the document. PRINTED, PRINT_FAILED or CANCELLED (before
 * payment) ends the transaction: the document is deleted and the outcome recorded in the history
 * with the fee charged (only a printed certificate is charged). A retry gets the same answer.
 */
public class CompletionPhase {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionPhase.class);
    private static final Set<String> OUTCOMES = Set.of("PRINTED", "PRINT_FAILED", "CANCELLED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transactions transactions;
    private final CouplingGuard coupling;
    private final TransactionEnds ends;
    private final DocumentStore documents;
    private final Clock clock;

    public CompletionPhase(
            Transactions transactions,
            CouplingGuard coupling,
            TransactionEnds ends,
            DocumentStore documents,
            Clock clock) {
        this.transactions = transactions;
        this.coupling = coupling;
        this.ends = ends;
        this.documents = documents;
        this.clock = clock;
    }

    public String complete(String body, String contentType) {
        IssuanceRequest.Completion c = IssuanceRequest.parseCompletion(contentType, body);
        Transactions.Tx t =
                transactions
                        .find(c.transaction())
                        .orElseThrow(
                                () ->
                                        new IssuanceException(
                                                "UNKNOWN_TRANSACTION",
                                                404,
                                                "no issued document belongs to this transaction"));
        coupling.coupled(t.municipality());
        if ("ISSUED".equals(t.state())) {
            boolean ended = ends.endIssued(t, c.outcome(), OffsetDateTime.now(clock));
            documents.remove(t.id());
            if (ended) {
                LOG.info(
                        "complete {} {} tx {}: {} {}, document deleted",
                        t.municipality(),
                        t.kind(),
                        t.id(),
                        t.issueNumber(),
                        c.outcome());
                return answer(t, c.outcome());
            }
            return complete(body, contentType);
        }
        if (OUTCOMES.contains(t.state())) {
            if (!t.state().equals(c.outcome())) {
                throw IssuanceErrors.conflict(c.transaction());
            }
            return answer(t, c.outcome());
        }
        if ("ABANDONED".equals(t.state())) {
            throw new IssuanceException(
                    "DOCUMENT_EXPIRED",
                    410,
                    "the document was deleted unprinted after its time-to-live; the transaction is abandoned");
        }
        throw IssuanceErrors.outOfOrder(c.transaction());
    }

    private static String answer(Transactions.Tx t, String outcome) {
        ObjectNode n = JSON.createObjectNode();
        n.put("transaction", t.id());
        n.put("outcome", outcome);
        n.put("issueNumber", t.issueNumber());
        n.put("fee", "PRINTED".equals(outcome) && t.fee() != null ? t.fee() : 0);
        return n.toString();
    }
}
