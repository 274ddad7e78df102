package jp.kofuhub.issuance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An issue request from the issuance centre (protocol v0, docs/interfaces/issuance-centre.md):
 * {@code {"municipality":"012343","serial":"…","kind":"JUMINHYO","terminal":"K1"}}.
 */
public record IssuanceRequest(String municipality, String serial, String kind, String terminal) {

    public static final int MAX_BODY_BYTES = 4096;
    private static final Set<String> FIELDS = Set.of("municipality", "serial", "kind", "terminal");
    private static final Pattern MUNICIPALITY = Pattern.compile("\\d{6}");
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Za-z]{8,40}");
    private static final Pattern TERMINAL = Pattern.compile("[0-9A-Za-z]{1,12}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Parses and validates the body; every failure is a documented 4xx code. */
    public static IssuanceRequest parse(String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new IssuanceException("UNSUPPORTED_MEDIA_TYPE", 415, "the body must be application/json");
        }
        if (body == null || body.isBlank()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is empty");
        }
        if (body.length() > MAX_BODY_BYTES) {
            throw new IssuanceException("REQUEST_TOO_LARGE", 413, "the body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "the body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw IssuanceException.badRequest("MALFORMED_REQUEST", "unknown field " + f);
            }
        }
        String municipality = field(node, "municipality", MUNICIPALITY, true);
        String serial = field(node, "serial", SERIAL, true);
        String kind = field(node, "kind", Pattern.compile("[A-Z_]{1,40}"), true);
        String terminal = field(node, "terminal", TERMINAL, false);
        return new IssuanceRequest(municipality, serial, kind, terminal);
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
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "field " + name + " is malformed");
        }
        return v.asText();
    }
}
