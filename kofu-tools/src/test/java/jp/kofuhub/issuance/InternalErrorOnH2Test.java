package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.LogCapture;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;

/**
 * The {@code issuance-internal-error} policy (routes/common/error-handling.camel.yaml), one test
 * per {@code onException} rule: a failure nobody foresaw after the document was numbered. The
 * trigger is a real one — test-only municipality {@value #CITY} (欠印市) names a 公印 file that is not
 * there, nothing checks it before rendering, and FOP cannot load the image ({@code PdfRenderer}:
 * IllegalStateException) after {@code prepare-certificate} took a 発行番号. The answer must be 500
 * {@code INTERNAL_ERROR} with nothing of the failure in it; the transaction VOIDED with its 発行番号 in
 * the history (never a gap, never reused); a retry the same answer
 * (docs/interfaces/issuance-centre.md: the same request gets the same answer).
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class InternalErrorOnH2Test extends HubTestBase {

    static final String CITY = "990043";
    static final String HOLDER = atena(4301);
    static final String CARD = "KE0000000000A001";
    static final String FAMILY = "欠印", GIVEN = "失敗子", ADDRESS = "北海道欠印市例外町四丁目3番地";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired DocumentStore documents;

    private HttpResponse<byte[]> issue(String tx) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\",\"kind\":\"JUMINHYO\",\"store\":\"S0043\",\"terminal\":\"K1\"}");
    }

    /**
     * The answer of the policy: exactly {status, code, message}, nothing of the exception, the seal
     * file or the resident.
     */
    private static void internalError(HttpResponse<byte[]> r) throws Exception {
        String text = Http.body(r);
        assertThat(r.statusCode()).as(text).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("ERROR");
        assertThat(body.get("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.properties())
                .extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("status", "code", "message");
        for (String leak :
                new String[] {
                    "Exception",
                    "\tat ",
                    "jp.kofuhub",
                    "org.apache",
                    "FOP",
                    "image",
                    "seal",
                    "990043-missing",
                    "file:",
                    CARD,
                    HOLDER,
                    FAMILY,
                    GIVEN,
                    ADDRESS
                }) {
            assertThat(text).as(leak).doesNotContain(leak);
        }
        // no document and nothing of one: no issue number, fee or pages in the headers
        assertThat(r.headers().map().keySet())
                .noneMatch(h -> h.toLowerCase().startsWith("x-kofu-"));
    }

    @Test
    void aFailureAfterNumberingAnswers500AndVoidsTheNumberedDocument() throws Exception {
        TestRecords.write(
                inbox,
                CITY,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("430", HOLDER, ADDRESS)),
                    rec(
                            RecordType.R,
                            resident(
                                    HOLDER,
                                    1,
                                    "430",
                                    FAMILY,
                                    GIVEN,
                                    "世帯主",
                                    LocalDate.of(1975, 3, 4),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HOLDER))
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);

        String tx = Http.newTransaction();
        List<LogCapture.Line> lines;
        try (LogCapture log = LogCapture.open()) {
            internalError(issue(tx));
            lines = log.lines();
        }

        // VOIDED with the 発行番号 it spent, and that number in the hash-chained history
        Map<String, Object> t =
                jdbc.queryForMap(
                        "select state, refusal_code, issue_number, holder_atena, document_sha256"
                                + " from issuance_transaction where transaction_id = ?",
                        tx);
        assertThat(t.get("state")).isEqualTo("VOIDED");
        assertThat(t.get("refusal_code")).isEqualTo("INTERNAL_ERROR");
        assertThat(t.get("document_sha256")).as("no document was kept").isNull();
        String number = (String) t.get("issue_number");
        assertThat(number).matches("\\d{8}-" + CITY + "-K1-P9-\\d{6}");
        List<Map<String, Object>> history =
                jdbc.queryForList(
                        "select outcome, refusal_code, issue_number, fee, sheets,"
                                + " holder_atena from issuance_history where transaction_id = ?",
                        tx);
        assertThat(history).hasSize(1);
        assertThat(history.get(0))
                .containsEntry("outcome", "VOIDED")
                .containsEntry("refusal_code", "INTERNAL_ERROR")
                .containsEntry("issue_number", number)
                .containsEntry("fee", 0)
                .containsEntry("sheets", 0)
                .containsEntry("holder_atena", HOLDER);
        assertThat(documents.get(tx)).as("no document held for a retry").isEmpty();

        // logged once with route, step, exception class and message (routeFailures.error, issue
        // #24): no stack trace, no resident
        assertThat(lines)
                .filteredOn(l -> l.logger().equals("kofu.failures"))
                .singleElement()
                .satisfies(
                        l -> {
                            assertThat(l.level()).isEqualTo(Level.ERROR);
                            assertThat(l.text())
                                    .startsWith("route issue-certificate step render-pdf (")
                                    .contains("failed (exchange ")
                                    .contains("java.lang.IllegalStateException: ");
                        });
        assertThat(lines)
                .as("stack traces")
                .noneSatisfy(
                        l ->
                                assertThat(l.stackTrace() && l.level().isGreaterOrEqual(Level.INFO))
                                        .isTrue());
        for (String personal : new String[] {HOLDER, CARD, FAMILY, GIVEN, ADDRESS}) {
            assertThat(lines)
                    .as(personal)
                    .noneSatisfy(l -> assertThat(l.text()).contains(personal));
        }

        // a retry (new nonce, same request) gets the same answer, spends no number, writes no
        // history
        internalError(issue(tx));
        assertThat(
                        jdbc.queryForObject(
                                "select issue_number from issuance_transaction where transaction_id = ?",
                                String.class,
                                tx))
                .isEqualTo(number);
        assertThat(count("select count(*) from issuance_history where transaction_id = ?", tx))
                .isEqualTo(1);

        // the next transaction takes the next number: the voided one is neither reused nor skipped
        String next = Http.newTransaction();
        internalError(issue(next));
        String nextNumber =
                jdbc.queryForObject(
                        "select issue_number from issuance_history where transaction_id = ?",
                        String.class,
                        next);
        assertThat(nextNumber)
                .isEqualTo(
                        number.substring(0, number.length() - 6)
                                + String.format(
                                        "%06d",
                                        Integer.parseInt(number.substring(number.length() - 6))
                                                + 1));
        assertThat(
                        count(
                                "select count(*) from issuance_history where municipality_code = ? and outcome = 'VOIDED'"
                                        + " and refusal_code = 'INTERNAL_ERROR'",
                                CITY))
                .isEqualTo(2);
    }
}
