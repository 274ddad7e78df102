package jp.kofuhub.issuance;

/**
 * A request that gets no document: a bad request (4xx) or a refusal (422) with a documented code
 * (docs/interfaces/issuance-centre.md). The message is safe to show: it never holds personal data.
 */
public class IssuanceException extends RuntimeException {

    private final String code;
    private final int httpStatus;
    private final java.util.Map<String, String> details;

    public IssuanceException(String code, int httpStatus, String message) {
        this(code, httpStatus, message, java.util.Map.of());
    }

    /**
     * With extra fields for the answer (e.g. {@code nextOpening}); ids and times only, never
     * personal data.
     */
    public IssuanceException(
            String code, int httpStatus, String message, java.util.Map<String, String> details) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.details = java.util.Map.copyOf(details);
    }

    public java.util.Map<String, String> getDetails() {
        return details;
    }

    public static IssuanceException conflict(String code, String message) {
        return new IssuanceException(code, 409, message);
    }

    public String getCode() {
        return code;
    }

    public int getHttpStatus() {
        return httpStatus;
    }

    public static IssuanceException badRequest(String code, String message) {
        return new IssuanceException(code, 400, message);
    }

    public static IssuanceException refused(String code, String message) {
        return new IssuanceException(code, 422, message);
    }
}
