package jp.kofuhub.issuance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import jp.kofuhub.certificate.CertificateOptions;

/**
 * A request of the issuance centre (protocol v1, docs/interfaces/issuance-centre.md): phase 1
 * (availability; {@code kind} optional) and phase 2 (issue) share this shape: {@code
 * {"transaction":"T-1","municipality":"012343","serial":"…","kind":"JUMINHYO","store":"S0001",
 * "terminal":"K1","options":{…},"sentAt":"…","nonce":"…"}}. The centre's transaction id makes every
 * phase idempotent; {@code sentAt} and {@code nonce} (v1.1) are checked by {@link ReplayGuard}
 * before this parser runs and are not part of the request's content ({@link #canonical}).
 */
public record IssuanceRequest(
        String transaction,
        String municipality,
        String serial,
        String kind,
        String store,
        String terminal,
        CertificateOptions options) {

    public static final int MAX_BODY_BYTES = 4096;
    static final Set<String> FIELDS =
            Set.of(
                    "transaction",
                    "municipality",
                    "serial",
                    "kind",
                    "store",
                    "terminal",
                    "options",
                    "sentAt",
                    "nonce");
    static final Set<String> COMPLETION_FIELDS =
            Set.of("transaction", "outcome", "sentAt", "nonce");

    /**
     * The replay fields of every request (v1.1), checked by {@link ReplayGuard} before the body is
     * parsed.
     */
    public static final Set<String> REPLAY_FIELDS = Set.of("sentAt", "nonce");

    static final Set<String> OPTIONS =
            Set.of(
                    "members",
                    "household",
                    "householdHead",
                    "honseki",
                    "juminhyoCode",
                    "myNumber",
                    "taxYear",
                    "taxVariant");
    public static final Pattern TRANSACTION = Pattern.compile("[0-9A-Za-z_-]{1,64}");
    private static final Pattern MUNICIPALITY = Pattern.compile("\\d{6}");
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Za-z]{8,40}");
    private static final Pattern TERMINAL = Pattern.compile("[0-9A-Za-z]{1,12}");
    private static final Pattern KIND = Pattern.compile("[A-Z_]{1,40}");
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern VARIANT = Pattern.compile("[A-Z_]{1,40}");
    private static final Pattern OUTCOME = Pattern.compile("PRINTED|PRINT_FAILED|CANCELLED");

    /**
     * A household has at most this many members on one listing (the registry's largest is far
     * below).
     */
    static final int MAX_POSITIONS = 99;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Phase 3: what became of the document at the kiosk. */
    public record Completion(String transaction, String outcome) {}

    /** Parses and validates an issue (phase 2) body; every failure is a documented 4xx code. */
    public static IssuanceRequest parse(String contentType, String body) {
        return parse(contentType, body, true);
    }

    /** Parses and validates an availability (phase 1) body: {@code kind} is optional there. */
    public static IssuanceRequest parseAvailability(String contentType, String body) {
        return parse(contentType, body, false);
    }

    private static IssuanceRequest parse(String contentType, String body, boolean kindRequired) {
        JsonNode node = object(contentType, body, FIELDS);
        String transaction = field(node, "transaction", TRANSACTION, true);
        String municipality = field(node, "municipality", MUNICIPALITY, true);
        String serial = field(node, "serial", SERIAL, true);
        String kind = field(node, "kind", KIND, kindRequired);
        String store = field(node, "store", TERMINAL, false);
        String terminal = field(node, "terminal", TERMINAL, false);
        return new IssuanceRequest(
                transaction,
                municipality,
                serial,
                kind,
                store,
                terminal,
                options(node.get("options")));
    }

    /** Parses and validates a completion (phase 3) body. */
    public static Completion parseCompletion(String contentType, String body) {
        JsonNode node = object(contentType, body, COMPLETION_FIELDS);
        return new Completion(
                field(node, "transaction", TRANSACTION, true),
                field(node, "outcome", OUTCOME, true));
    }

    /**
     * The request's content as one canonical line, whose SHA-256 a retry of the same transaction
     * must match: every field, the options in a fixed order.
     */
    public String canonical(String phase) {
        CertificateOptions o = options;
        return String.join(
                "|",
                phase,
                transaction,
                municipality,
                serial,
                String.valueOf(kind),
                String.valueOf(store),
                String.valueOf(terminal),
                o.members(),
                o.positions().toString(),
                String.valueOf(o.householdVersion()),
                Boolean.toString(o.householdHead()),
                Boolean.toString(o.honseki()),
                Boolean.toString(o.juminhyoCode()),
                Boolean.toString(o.myNumber()),
                String.valueOf(o.taxYear()),
                String.valueOf(o.taxVariant()));
    }

    private static CertificateOptions options(JsonNode o) {
        if (o == null || o.isNull()) {
            return CertificateOptions.NONE;
        }
        if (!o.isObject()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "options must be a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!OPTIONS.contains(f)) {
                throw IssuanceException.badRequest("MALFORMED_REQUEST", "unknown option " + f);
            }
        }
        String members = CertificateOptions.ALL;
        List<Integer> positions = new ArrayList<>();
        JsonNode m = o.get("members");
        if (m != null
                && m.isTextual()
                && (m.asText().equals(CertificateOptions.ALL)
                        || m.asText().equals(CertificateOptions.SELF))) {
            members = m.asText();
        } else if (m != null && m.isArray() && !m.isEmpty() && m.size() <= MAX_POSITIONS) {
            members = CertificateOptions.LIST;
            for (JsonNode p : m) {
                if (!p.isInt()
                        || p.asInt() < 1
                        || p.asInt() > MAX_POSITIONS
                        || positions.contains(p.asInt())) {
                    throw IssuanceException.badRequest(
                            "MALFORMED_REQUEST",
                            "option members must list distinct positions from 1 to "
                                    + MAX_POSITIONS);
                }
                positions.add(p.asInt());
            }
        } else if (m != null && !m.isNull()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "option members must be ALL, SELF or a list of positions");
        }
        String household = field(o, "household", VERSION, false);
        if (CertificateOptions.LIST.equals(members) != (household != null)) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST",
                    "a list of members needs the household listing's version (option household), and only it");
        }
        Integer taxYear = null;
        JsonNode y = o.get("taxYear");
        if (y != null && !y.isNull()) {
            if (!y.isInt() || y.asInt() < 1900 || y.asInt() > 2999) {
                throw IssuanceException.badRequest(
                        "MALFORMED_REQUEST", "option taxYear must be a year (年度), e.g. 2026");
            }
            taxYear = y.asInt();
        }
        return new CertificateOptions(
                members,
                positions,
                household,
                flag(o, "householdHead"),
                flag(o, "honseki"),
                flag(o, "juminhyoCode"),
                flag(o, "myNumber"),
                taxYear,
                field(o, "taxVariant", VARIANT, false));
    }

    private static boolean flag(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "option " + name + " must be true or false");
        }
        return v.asBoolean();
    }

    /**
     * True when {@code body} is over {@link #MAX_BODY_BYTES} in UTF-8 — bytes, not characters:
     * 1,614 characters of kanji are 4,414 bytes (issue #16).
     */
    public static boolean overLimit(CharSequence body) {
        long bytes = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > MAX_BODY_BYTES) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode object(String contentType, String body, Set<String> fields) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new IssuanceException(
                    "UNSUPPORTED_MEDIA_TYPE", 415, "the body must be application/json");
        }
        if (body == null || body.isBlank()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is empty");
        }
        if (overLimit(body)) {
            throw new IssuanceException(
                    "REQUEST_TOO_LARGE", 413, "the body exceeds " + MAX_BODY_BYTES + " bytes");
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
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw IssuanceException.badRequest("MALFORMED_REQUEST", "unknown field " + f);
            }
        }
        return node;
    }

    private static String field(JsonNode node, String name, Pattern pattern, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw IssuanceException.badRequest("MALFORMED_REQUEST", "missing field " + name);
            }
            return null;
        }
        if (!v.isTextual() || !pattern.matcher(v.asText()).matches()) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "field " + name + " is malformed");
        }
        return v.asText();
    }
}
