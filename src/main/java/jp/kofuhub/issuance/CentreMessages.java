package jp.kofuhub.issuance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jp.kofuhub.keys.BoundedInflation;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The envelope of every issuance-centre request and answer (docs/interfaces/issuance-centre.md
 * v1.1), the first and the last step of the four POST routes:
 *
 * <ul>
 *   <li>{@link #open}: a body of type {@code application/pgp-encrypted} is decrypted and the
 *       centre's signature verified ({@link PgpMessages#open}) before anything reads it, its
 *       content bounded while it inflates (413 REQUEST_TOO_LARGE past {@code
 *       kofu.inflation.centre}); its plaintext is the JSON request. A plain JSON request is refused
 *       UNSIGNED when {@code kofu.issuance.pgp.required}. Then the replay check ({@link
 *       ReplayGuard}: sentAt within the window, nonce new). A request that cannot be opened gets a
 *       plain JSON error and changes nothing.
 *   <li>{@link #seal}: every answer to a sealed request — documents and refusals alike — is signed
 *       by the hub and encrypted to the centre; {@code Content-Type: application/pgp-encrypted},
 *       the inner type in {@value #INNER_TYPE}. Answers to plain requests stay plain.
 * </ul>
 */
public class CentreMessages {

    private static final Logger LOG = LoggerFactory.getLogger(CentreMessages.class);

    /** The exchange property that marks a request that came sealed: its answer is sealed too. */
    public static final String SEALED = "KofuSealedRequest";

    /** The header of a sealed answer that names the type of its content. */
    public static final String INNER_TYPE = "X-Kofu-Content-Type";

    /** The party whose key signs requests and receives answers. */
    static final String CENTRE = "centre";

    /**
     * The largest sealed request read (a JSON request of {@link IssuanceRequest#MAX_BODY_BYTES},
     * signed and encrypted).
     */
    static final int MAX_SEALED_BYTES = 64 * 1024;

    private final PgpMessages pgp;
    private final boolean required;
    private final ReplayGuard replay;
    private final InflationLimit limit;

    /**
     * @param limit how far a sealed request may inflate ({@code kofu.inflation.centre.*})
     */
    public CentreMessages(
            PgpMessages pgp, boolean required, ReplayGuard replay, InflationLimit limit) {
        this.limit = limit;
        this.pgp = pgp;
        this.required = required;
        this.replay = replay;
    }

    /**
     * The HTTP status of an OpenPGP refusal: the message unusable 400, its signer not trusted 403,
     * its content inflating beyond {@code kofu.inflation.centre} 413.
     */
    static int status(String pgpCode) {
        return switch (pgpCode) {
            case "UNKNOWN_SIGNER", "BAD_SIGNATURE", "KEY_EXPIRED_OR_REVOKED" -> 403;
            case BoundedInflation.CODE -> 413;
            default -> 400; // UNSIGNED, NOT_ENCRYPTED_FOR_HUB
        };
    }

    /**
     * Opens a request in place: afterwards the body is the JSON request (a String) with {@code
     * Content-Type: application/json}, verified and not replayed.
     */
    public void open(Exchange exchange) {
        Message in = exchange.getMessage();
        String type = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (isSealed(type)) {
            byte[] sealed = bounded(in, MAX_SEALED_BYTES, "the sealed body");
            if (sealed == null || sealed.length == 0) {
                throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is empty");
            }
            byte[] plain;
            try {
                plain = pgp.open(sealed, CENTRE, limit);
            } catch (PgpRefusedException e) {
                // the transaction id is inside the content that was not opened: the exchange id
                // names the request
                String code =
                        BoundedInflation.CODE.equals(e.code()) ? "REQUEST_TOO_LARGE" : e.code();
                LOG.warn(
                        "centre request refused before reading: {} HTTP {} (exchange {}, {} sealed bytes){}",
                        code,
                        status(e.code()),
                        exchange.getExchangeId(),
                        sealed.length,
                        code.equals(e.code()) ? "" : ": " + e.getMessage());
                throw new IssuanceException(
                        code,
                        status(e.code()),
                        code.equals(e.code())
                                ? e.getMessage()
                                : "the sealed request's content "
                                        + e.getMessage().replaceFirst("^the content ", ""));
            } catch (IOException e) {
                // the hub's own keys (files, password): not the centre's fault
                throw new IllegalStateException(
                        "the hub cannot open OpenPGP messages: " + e.getMessage(), e);
            }
            exchange.setProperty(SEALED, Boolean.TRUE);
            in.setBody(new String(plain, StandardCharsets.UTF_8));
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        } else if (required) {
            throw IssuanceException.badRequest(
                    "UNSIGNED",
                    "requests must be OpenPGP messages signed by the centre and"
                            + " encrypted to the hub (Content-Type "
                            + PgpMessages.MEDIA_TYPE
                            + ")");
        }
        // the body as a String once (a plain request's is a stream cache), for the check and the
        // beans after it
        String json;
        if (exchange.getProperty(SEALED) != null) {
            json = in.getBody(String.class);
        } else {
            byte[] plain = bounded(in, IssuanceRequest.MAX_BODY_BYTES, "the body");
            json = plain == null ? null : new String(plain, StandardCharsets.UTF_8);
        }
        in.setBody(json);
        replay.check(in.getHeader(Exchange.CONTENT_TYPE, String.class), json);
    }

    /**
     * The body's bytes, refused 413 {@code REQUEST_TOO_LARGE} when over {@code limit} bytes: by its
     * Content-Length before anything is read, and a stream is read no further than one byte past
     * the limit (issue #16: the limit counts bytes, not characters).
     */
    static byte[] bounded(Message in, int limit, String what) {
        String length = in.getHeader("Content-Length", String.class);
        if (length != null
                && length.strip().matches("\\d{1,18}")
                && Long.parseLong(length.strip()) > limit) {
            throw tooLarge(limit, what);
        }
        Object body = in.getBody();
        byte[] bytes;
        if (body instanceof java.io.InputStream stream) {
            try {
                bytes = stream.readNBytes(limit + 1);
            } catch (IOException e) {
                throw IssuanceException.badRequest(
                        "MALFORMED_REQUEST", "the body could not be read");
            }
        } else {
            bytes = in.getBody(byte[].class);
        }
        if (bytes != null && bytes.length > limit) {
            throw tooLarge(limit, what);
        }
        return bytes;
    }

    private static IssuanceException tooLarge(int limit, String what) {
        return new IssuanceException(
                "REQUEST_TOO_LARGE", 413, what + " exceeds " + limit + " bytes");
    }

    /**
     * Seals the answer in place when the request came sealed: body signed by the hub and encrypted
     * to the centre, {@code Content-Type: application/pgp-encrypted}, {@value #INNER_TYPE} the type
     * it had. The status code is left as it is.
     */
    public void seal(Exchange exchange) throws IOException {
        if (!sealedRequest(exchange)) {
            return;
        }
        Message out = exchange.getMessage();
        String inner =
                out.getHeader(Exchange.CONTENT_TYPE, "application/octet-stream", String.class);
        byte[] plain = out.getBody(byte[].class);
        byte[] sealed =
                pgp.seal(
                        plain == null ? new byte[0] : plain,
                        inner.startsWith("application/pdf") ? "certificate.pdf" : "answer.json",
                        CENTRE);
        out.setBody(sealed);
        out.setHeader(Exchange.CONTENT_TYPE, PgpMessages.MEDIA_TYPE);
        out.setHeader(INNER_TYPE, inner);
    }

    /**
     * {@link #seal} for the error handlers: when the hub cannot seal (its own key), the answer
     * becomes a plain INTERNAL_ERROR with no content rather than a plain refusal or document.
     */
    public void sealError(Exchange exchange) {
        try {
            seal(exchange);
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot seal the answer to the centre: {}", e.getClass().getName());
            Message out = exchange.getMessage();
            out.removeHeaders("*");
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            out.setBody(new ErrorResponses().body(e));
        }
    }

    static boolean sealedRequest(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getProperty(SEALED, Boolean.class));
    }

    private static boolean isSealed(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith(PgpMessages.MEDIA_TYPE);
    }
}
