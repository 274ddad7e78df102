package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jp.kofuhub.certificate.CertificateOptions;
import org.junit.jupiter.api.Test;

class IssuanceRequestTest {

    @Test
    void parsesAWellFormedRequest() {
        IssuanceRequest r = IssuanceRequest.parse("application/json; charset=UTF-8",
                "{\"municipality\":\"012343\",\"serial\":\"0A1B2C3D4E5F6071\",\"kind\":\"JUMINHYO\",\"terminal\":\"K7\"}");
        assertThat(r).isEqualTo(new IssuanceRequest("012343", "0A1B2C3D4E5F6071", "JUMINHYO", "K7", CertificateOptions.NONE));
    }

    @Test
    void rejectsWithDocumentedCodes() {
        assertCode("text/xml", "{}", "UNSUPPORTED_MEDIA_TYPE", 415);
        assertCode("application/json", "", "MALFORMED_REQUEST", 400);
        assertCode("application/json", "{\"municipality\":\"012343\"} trailing", "MALFORMED_REQUEST", 400);
        assertCode("application/json", "{\"municipality\":12343,\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\"}", "MALFORMED_REQUEST", 400);
        assertCode("application/json", "{\"municipality\":\"012343\",\"serial\":\"0A1B2C3D\",\"kind\":\"JUMINHYO\",\"name\":\"x\"}",
                "MALFORMED_REQUEST", 400);
        assertCode("application/json", "{\"serial\":\"" + "A".repeat(5000) + "\"}", "REQUEST_TOO_LARGE", 413);
    }

    private static void assertCode(String type, String body, String code, int status) {
        assertThatThrownBy(() -> IssuanceRequest.parse(type, body)).isInstanceOfSatisfying(IssuanceException.class, e -> {
            assertThat(e.getCode()).isEqualTo(code);
            assertThat(e.getHttpStatus()).isEqualTo(status);
        });
    }
}
