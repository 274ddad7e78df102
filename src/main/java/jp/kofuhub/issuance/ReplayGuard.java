package jp.kofuhub.issuance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replay protection on the issuance-centre hop (docs/interfaces/issuance-centre.md v1.1): every
 * request carries {@code sentAt} (an ISO-8601 instant with offset) and a {@code nonce} it never
 * used before. A request whose {@code sentAt} lies more than the replay window from the hub's clock
 * is STALE_MESSAGE; a nonce the hub has accepted before is REPLAYED. The nonce is the primary key
 * of {@code message_nonce} and is inserted in a short transaction of its own, so several instances
 * on one database accept a message once. Rows are kept for twice the window ({@link #purge}). A
 * retry of a transaction by the centre is a new message (new nonce, new sentAt).
 */
public class ReplayGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate own;
    private final Clock clock;
    private final Duration window;

    /**
     * @param tx a template of the hub's transaction manager; the guard runs its inserts in new
     *     transactions of it
     */
    public ReplayGuard(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock, Duration window) {
        this.jdbc = jdbc;
        this.own = new TransactionTemplate(tx.getTransactionManager());
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.own.setTimeout(5);
        this.clock = clock;
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    /**
     * Checks the {@code sentAt} and {@code nonce} of a request body (JSON) and records the nonce.
     * The body's other fields are left to the phase's parser; the envelope checks (media type,
     * size, a JSON object) are the same as there, so their codes do not change.
     */
    public void check(String contentType, String body) {
        JsonNode node = envelope(contentType, body);
        OffsetDateTime sentAt = sentAt(node.get("sentAt"));
        JsonNode n = node.get("nonce");
        if (n == null || n.isNull()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "missing field nonce");
        }
        if (!n.isTextual() || !NONCE.matcher(n.asText()).matches()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST",
                    "field nonce is malformed (16 to 64 characters A-Z a-z 0-9 _ -)");
        }
        accept(n.asText(), sentAt);
    }

    /** Refuses a stale {@code sentAt} or a nonce seen before; records the nonce otherwise. */
    void accept(String nonce, OffsetDateTime sentAt) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (Duration.between(sentAt, now).abs().compareTo(window) > 0) {
            throw new IssuanceException(
                    "STALE_MESSAGE",
                    400,
                    "sentAt is more than "
                            + window
                            + " from the hub's clock; send the request again as a new message");
        }
        boolean inserted;
        try {
            inserted =
                    Boolean.TRUE.equals(
                            own.execute(
                                    s ->
                                            jdbc.update(
                                                            "insert into message_nonce (nonce, sent_at, received_at) values (?,?,?)",
                                                            nonce,
                                                            sentAt,
                                                            now)
                                                    == 1));
        } catch (DuplicateKeyException e) {
            inserted = false;
        }
        if (!inserted) {
            LOG.warn("centre request refused: nonce used before (REPLAYED)");
            throw IssuanceException.conflict(
                    "REPLAYED",
                    "this message was received before (its nonce is not new);"
                            + " a retry is a new message with a new nonce and sentAt");
        }
    }

    /** Deletes the nonces accepted longer than twice the window ago; returns how many. */
    public int purge() {
        OffsetDateTime before = OffsetDateTime.now(clock).minus(window.multipliedBy(2));
        int n =
                own.execute(
                        s ->
                                jdbc.update(
                                        "delete from message_nonce where received_at < ?", before));
        if (n > 0) {
            LOG.debug("purged {} message nonces", n);
        }
        return n;
    }

    private static OffsetDateTime sentAt(JsonNode v) {
        if (v == null || v.isNull()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "missing field sentAt");
        }
        try {
            if (v.isTextual()) {
                return OffsetDateTime.parse(v.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
        } catch (DateTimeParseException e) {
            // below
        }
        throw IssuanceException.badRequest(
                "MALFORMED_REQUEST",
                "field sentAt is malformed (an ISO-8601 instant with offset, e.g. 2026-04-01T09:30:00+09:00)");
    }

    private static JsonNode envelope(String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new IssuanceException(
                    "UNSUPPORTED_MEDIA_TYPE", 415, "the body must be application/json");
        }
        if (body == null || body.isBlank()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is empty");
        }
        // in UTF-8 bytes, as IssuanceRequest and the 本籍 parser count
        if (IssuanceRequest.overLimit(body)) {
            throw new IssuanceException(
                    "REQUEST_TOO_LARGE",
                    413,
                    "the body exceeds " + IssuanceRequest.MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "the body must be a JSON object");
        }
        return node;
    }
}
