package jp.kofuhub.issuance;

import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refusals the phases share (docs/interfaces/issuance-centre.md): codes and HTTP statuses in
 * one place.
 */
final class IssuanceErrors {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceErrors.class);

    private IssuanceErrors() {}

    static IssuanceException unknownMunicipality(String code) {
        return new IssuanceException(
                "UNKNOWN_MUNICIPALITY", 404, "this hub does not serve municipality " + code);
    }

    static IssuanceException unknownCard(MunicipalityProfile city) {
        return new IssuanceException(
                "UNKNOWN_CARD",
                404,
                "no resident of " + city.code() + " holds this card certificate");
    }

    static IssuanceException unknownKind(String kind) {
        return IssuanceException.badRequest(
                "UNKNOWN_CERTIFICATE_TYPE", "no certificate type " + kind);
    }

    static IssuanceException conflict(String transaction) {
        return IssuanceException.conflict(
                "TRANSACTION_CONFLICT", "this transaction id was used with different content");
    }

    static IssuanceException outOfOrder(String transaction) {
        return IssuanceException.conflict(
                "PHASE_OUT_OF_ORDER", "this phase does not follow the transaction's state");
    }

    static IssuanceException inProgress() {
        return IssuanceException.conflict(
                "TRANSACTION_IN_PROGRESS",
                "the issue phase of this transaction is still running; ask again");
    }

    static IssuanceException documentGone(String transaction) {
        return new IssuanceException(
                "TRANSACTION_COMPLETED",
                409,
                "this transaction is completed; its document is deleted");
    }

    static IssuanceException refused(RefusalCode code) {
        return IssuanceException.refused(code.name(), code.meaning());
    }

    /** The refusal a transaction already got, given again to its retry. */
    static IssuanceException refusalAgain(String code) {
        String meaning = "the request was refused";
        for (RefusalCode r : RefusalCode.values()) {
            if (r.name().equals(code)) {
                meaning = r.meaning();
            }
        }
        return new IssuanceException(
                code == null ? "INTERNAL_ERROR" : code,
                "INTERNAL_ERROR".equals(code) ? 500 : 422,
                meaning);
    }

    /**
     * DOCUMENT_UNAVAILABLE for a retry that cannot be given the document here; the transaction
     * stays ISSUED.
     */
    static IssuanceException unavailable(Transactions.Tx t, String why) {
        LOG.warn(
                "issue {} {} tx {}: {} not made again on this instance ({}): DOCUMENT_UNAVAILABLE",
                t.municipality(),
                t.kind(),
                t.id(),
                t.issueNumber(),
                why);
        return IssuanceException.conflict(
                "DOCUMENT_UNAVAILABLE",
                "the document of this transaction is held by another"
                        + " instance and cannot be made again here ("
                        + why
                        + "); ask again, or complete it and start a new"
                        + " transaction");
    }

    /**
     * 503 BUSY (v1.4): the render pool admits no more work now (issue #20); nothing was numbered,
     * the same transaction may ask again after {@code retryAfter} seconds (also the {@code
     * Retry-After} header).
     */
    static IssuanceException busy(jp.kofuhub.render.BusyException e) {
        return new IssuanceException(
                BUSY,
                503,
                "the hub is busy; nothing was issued, ask again after retryAfter seconds",
                java.util.Map.of("retryAfter", Long.toString(e.retryAfterSeconds())));
    }

    /** The code of {@link #busy}. */
    static final String BUSY = "BUSY";

    static IssuanceException unavailableAgain(PreparedCertificate prepared, String why) {
        return unavailable(prepared.getIssued(), why);
    }
}
