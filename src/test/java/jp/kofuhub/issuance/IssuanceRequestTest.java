package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jp.kofuhub.certificate.CertificateOptions;
import org.junit.jupiter.api.Test;

class IssuanceRequestTest {

    @Test
    void parsesAWellFormedRequest() {
        IssuanceRequest r =
                IssuanceRequest.parse(
                        "application/json; charset=UTF-8",
                        "{\"transaction\":\"TX-1\",\"municipality\":\"012343\",\"serial\":\"0A1B2C3D4E5F6071\",\"kind\":\"JUMINHYO\","
                                + "\"store\":\"S0042\",\"terminal\":\"K7\"}");
        assertThat(r)
                .isEqualTo(
                        new IssuanceRequest(
                                "TX-1",
                                "012343",
                                "0A1B2C3D4E5F6071",
                                "JUMINHYO",
                                "S0042",
                                "K7",
                                CertificateOptions.NONE));
    }

    @Test
    void parsesOptionsAndCompletions() {
        IssuanceRequest r =
                IssuanceRequest.parse(
                        "application/json",
                        "{\"transaction\":\"TX-2\",\"municipality\":\"012343\","
                                + "\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\",\"options\":{\"members\":[2,1],\"household\":\"0123456789abcdef\","
                                + "\"householdHead\":true}}");
        assertThat(r.options().positions()).containsExactly(2, 1);
        assertThat(r.options().householdHead()).isTrue();
        assertThat(r.canonical("issue"))
                .isNotEqualTo(
                        IssuanceRequest.parse(
                                        "application/json",
                                        "{\"transaction\":\"TX-2\","
                                                + "\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\"}")
                                .canonical("issue"));
        assertThat(
                        IssuanceRequest.parseAvailability(
                                        "application/json",
                                        "{\"transaction\":\"TX-3\",\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\"}")
                                .kind())
                .isNull();
        assertThat(
                        IssuanceRequest.parseCompletion(
                                "application/json",
                                "{\"transaction\":\"TX-3\",\"outcome\":\"PRINTED\"}"))
                .isEqualTo(new IssuanceRequest.Completion("TX-3", "PRINTED"));
        assertThatThrownBy(
                        () ->
                                IssuanceRequest.parseCompletion(
                                        "application/json",
                                        "{\"transaction\":\"TX-3\",\"outcome\":\"LOST\"}"))
                .isInstanceOf(IssuanceException.class);
        assertThatThrownBy(
                        () ->
                                IssuanceRequest.parse(
                                        "application/json",
                                        "{\"transaction\":\"TX-4\",\"municipality\":\"012343\","
                                                + "\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\",\"options\":{\"members\":[1]}}"))
                .isInstanceOf(IssuanceException.class);
    }

    @Test
    void rejectsWithDocumentedCodes() {
        assertCode("text/xml", "{}", "UNSUPPORTED_MEDIA_TYPE", 415);
        assertCode("application/json", "", "MALFORMED_REQUEST", 400);
        assertCode(
                "application/json",
                "{\"municipality\":\"012343\"} trailing",
                "MALFORMED_REQUEST",
                400);
        assertCode(
                "application/json",
                "{\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\"}",
                "MALFORMED_REQUEST",
                400);
        assertCode(
                "application/json",
                "{\"transaction\":\"a b\",\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\"}",
                "MALFORMED_REQUEST",
                400);
        assertCode(
                "application/json",
                "{\"transaction\":\"T\",\"municipality\":12343,\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\"}",
                "MALFORMED_REQUEST",
                400);
        assertCode(
                "application/json",
                "{\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\",\"name\":\"x\"}",
                "MALFORMED_REQUEST",
                400);
        assertCode(
                "application/json",
                "{\"serial\":\"" + "A".repeat(5000) + "\"}",
                "REQUEST_TOO_LARGE",
                413);
    }

    private static void assertCode(String type, String body, String code, int status) {
        assertThatThrownBy(() -> IssuanceRequest.parse(type, body))
                .isInstanceOfSatisfying(
                        IssuanceException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(code);
                            assertThat(e.getHttpStatus()).isEqualTo(status);
                        });
    }
}
