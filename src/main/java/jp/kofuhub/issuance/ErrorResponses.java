package jp.kofuhub.issuance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.kofuhub.certificate.RefusalCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON body of every answer that is not a document: {@code {"status":"REFUSED"|"ERROR",
 * "code":"…","message":"…"}}. Unexpected failures become INTERNAL_ERROR with no detail: stack
 * traces and exception messages (which may quote data) never reach the caller.
 */
public class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private final ObjectMapper json = new ObjectMapper();

    /**
     * The refusal a failure stands for: an {@link IssuanceException} itself, and the renderer's
     * backstops — a glyph FOP could not draw, content FOP laid out beyond its box — as the
     * GLYPH_UNAVAILABLE and FIELD_OVERFLOW refusals the checks before rendering would have given.
     */
    static Throwable asRefusal(Throwable e) {
        if (e instanceof jp.kofuhub.render.GlyphUnavailableException) {
            return IssuanceException.refused(
                    RefusalCode.GLYPH_UNAVAILABLE.name(), RefusalCode.GLYPH_UNAVAILABLE.meaning());
        }
        if (e instanceof jp.kofuhub.render.FieldOverflowException) {
            return IssuanceException.refused(
                    RefusalCode.FIELD_OVERFLOW.name(), RefusalCode.FIELD_OVERFLOW.meaning());
        }
        return e;
    }

    public String body(Throwable thrown) {
        Throwable e = asRefusal(thrown);
        ObjectNode n = json.createObjectNode();
        if (e instanceof IssuanceException ie) {
            n.put("status", ie.getHttpStatus() == 422 ? "REFUSED" : "ERROR");
            n.put("code", ie.getCode());
            n.put("message", ie.getMessage());
            ie.getDetails().forEach(n::put);
        } else {
            n.put("status", "ERROR");
            n.put("code", "INTERNAL_ERROR");
            n.put("message", "the hub could not complete the request");
        }
        return n.toString();
    }

    public int status(Throwable thrown) {
        Throwable e = asRefusal(thrown);
        return e instanceof IssuanceException ie ? ie.getHttpStatus() : 500;
    }

    /**
     * The {@code Retry-After} header's seconds for a BUSY answer (issue #20); null (no header) for
     * any other.
     */
    public String retryAfter(Throwable thrown) {
        return thrown instanceof IssuanceException ie && IssuanceErrors.BUSY.equals(ie.getCode())
                ? ie.getDetails().get("retryAfter")
                : null;
    }

    /**
     * Logs an unexpected failure by type and exchange id; the message may quote data, so only at
     * DEBUG.
     */
    public void logUnexpected(Throwable e, String exchangeId) {
        LOG.error(
                "issuance failed unexpectedly in exchange {}: {}",
                exchangeId,
                e.getClass().getName());
        LOG.debug("issuance failure detail", e);
    }
}
