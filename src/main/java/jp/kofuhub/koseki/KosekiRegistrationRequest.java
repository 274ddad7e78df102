package jp.kofuhub.koseki;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import jp.kofuhub.issuance.IssuanceException;
import jp.kofuhub.issuance.IssuanceRequest;

/**
 * A 本籍地利用登録 request of the issuance centre ({@code POST /api/v1/koseki-registrations},
 * docs/interfaces/issuance-centre.md): {@code
 * {"transaction":"T-1","municipality":"012343","serial":"…",
 * "honseki":"北海道北広島市…","hittosha":"…","person":{"name":"…","birthDate":"1980-01-02"}}}. Validated
 * as strictly as {@link IssuanceRequest}: every field required, no other field, sizes, a real date.
 * Holds personal data: {@link #toString()} shows ids only.
 */
public record KosekiRegistrationRequest(
        String transaction,
        String municipality,
        String serial,
        String honseki,
        String hittosha,
        String name,
        LocalDate birthDate) {

    /** sentAt and nonce (v1.1) are checked by ReplayGuard before this parser runs. */
    static final Set<String> FIELDS =
            Set.of(
                    "transaction",
                    "municipality",
                    "serial",
                    "honseki",
                    "hittosha",
                    "person",
                    "sentAt",
                    "nonce");

    static final Set<String> PERSON_FIELDS = Set.of("name", "birthDate");

    /** The column sizes of honseki_application (characters). */
    static final int MAX_HONSEKI = 400;

    static final int MAX_HITTOSHA = 100;
    static final int MAX_NAME = 200;

    /** The earliest birth date taken: no living person was born before it. */
    static final LocalDate EARLIEST_BIRTH = LocalDate.of(1900, 1, 1);

    private static final Pattern MUNICIPALITY = Pattern.compile("\\d{6}");
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Za-z]{8,40}");
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Parses and validates a body; every failure is a documented 4xx code. {@code today} bounds the
     * birth date.
     */
    public static KosekiRegistrationRequest parse(
            String contentType, String body, LocalDate today) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new IssuanceException(
                    "UNSUPPORTED_MEDIA_TYPE", 415, "the body must be application/json");
        }
        if (body == null || body.isBlank()) {
            throw malformed("the body is empty");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > IssuanceRequest.MAX_BODY_BYTES) {
            throw new IssuanceException(
                    "REQUEST_TOO_LARGE",
                    413,
                    "the body exceeds " + IssuanceRequest.MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed("the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw malformed("the body must be a JSON object");
        }
        only(node, FIELDS, "field");
        String transaction = matching(node, "transaction", IssuanceRequest.TRANSACTION);
        String municipality = matching(node, "municipality", MUNICIPALITY);
        String serial = matching(node, "serial", SERIAL);
        String honseki = text(node, "honseki", MAX_HONSEKI);
        String hittosha = text(node, "hittosha", MAX_HITTOSHA);
        JsonNode person = node.get("person");
        if (person == null || person.isNull()) {
            throw malformed("missing field person");
        }
        if (!person.isObject()) {
            throw malformed("field person must be a JSON object");
        }
        only(person, PERSON_FIELDS, "field person.");
        String name = text(person, "name", MAX_NAME);
        String birth = required(person, "birthDate");
        LocalDate birthDate;
        try {
            birthDate = LocalDate.parse(birth, DATE);
        } catch (DateTimeParseException e) {
            throw malformed("field person.birthDate must be a date yyyy-MM-dd");
        }
        if (birthDate.isBefore(EARLIEST_BIRTH) || birthDate.isAfter(today)) {
            throw malformed("field person.birthDate is out of range");
        }
        return new KosekiRegistrationRequest(
                transaction, municipality, serial, honseki, hittosha, name, birthDate);
    }

    @Override
    public String toString() {
        return "KosekiRegistrationRequest[" + municipality + " tx " + transaction + "]";
    }

    private static void only(JsonNode node, Set<String> fields, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw malformed("unknown " + what + (what.endsWith(".") ? "" : " ") + f);
            }
        }
    }

    private static String required(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw malformed("missing field " + name);
        }
        if (!v.isTextual()) {
            throw malformed("field " + name + " must be a string");
        }
        return v.asText();
    }

    private static String matching(JsonNode node, String name, Pattern pattern) {
        String v = required(node, name);
        if (!pattern.matcher(v).matches()) {
            throw malformed("field " + name + " is malformed");
        }
        return v;
    }

    /**
     * Text of 1 to {@code max} characters (UTF-16 units, as H2 counts them: a character outside the
     * BMP counts twice), not blank, without control characters (TAB, CR, LF and the like) or
     * unpaired surrogates. Taken as sent: no trimming or normalisation.
     */
    private static String text(JsonNode node, String name, int max) {
        String v = required(node, name);
        if (v.isBlank()) {
            throw malformed("field " + name + " is empty");
        }
        if (v.length() > max) {
            throw malformed("field " + name + " is longer than " + max + " characters");
        }
        for (int i = 0; i < v.length(); ) {
            int c = v.codePointAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE) {
                throw malformed("field " + name + " holds a control character");
            }
            i += Character.charCount(c);
        }
        return v;
    }

    private static IssuanceException malformed(String message) {
        return IssuanceException.badRequest("MALFORMED_REQUEST", message);
    }
}
