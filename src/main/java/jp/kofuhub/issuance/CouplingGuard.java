package jp.kofuhub.issuance;

import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop switch as the issuance phases see it
 * (jp.kofuhub.ops.CouplingSwitch#suspendedNow(String)): whether the coupling of a municipality is
 * suspended — the whole hub or that municipality alone. While it says so, a request naming the
 * municipality is refused {@value #COUPLING_SUSPENDED} (503) before its transaction row is written
 * or the replica read, a completion of its transaction likewise, and an issuance already in flight
 * is VOIDED before the koseki server is called and before its document is kept.
 */
public class CouplingGuard {

    private static final Logger LOG = LoggerFactory.getLogger(CouplingGuard.class);

    /** The refusal code while the online coupling is suspended (HTTP 503). */
    public static final String COUPLING_SUSPENDED = "COUPLING_SUSPENDED";

    private final Predicate<String> suspended;
    private final TransactionEnds ends;

    /**
     * @param suspended per municipality: the hub's switch or its own; {@code m -> false} without a
     *     switch
     */
    public CouplingGuard(Predicate<String> suspended, TransactionEnds ends) {
        this.suspended = suspended;
        this.ends = ends;
    }

    /**
     * Refused at once while the coupling of the municipality (or of the whole hub) is suspended.
     */
    void coupled(String municipality) {
        if (suspended.test(municipality)) {
            LOG.info("request for {} refused {}", municipality, COUPLING_SUSPENDED);
            throw couplingSuspended();
        }
    }

    /**
     * A numbered issuance in flight when the coupling was suspended: VOIDED, no document leaves.
     */
    void stillCoupled(PreparedCertificate prepared) {
        if (suspended.test(prepared.getRequest().municipality())) {
            LOG.warn(
                    "issue tx {} {}: voided, the coupling was suspended while in flight",
                    prepared.getTransaction(),
                    prepared.getIssueNumber());
            throw ends.voided(prepared, couplingSuspended());
        }
    }

    private static IssuanceException couplingSuspended() {
        return new IssuanceException(
                COUPLING_SUSPENDED,
                503,
                "the online coupling is suspended by the city; try again later");
    }
}
