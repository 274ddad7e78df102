package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.render.BusyException;
import jp.kofuhub.render.RenderPool;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;

/**
 * Bounded CPU work (issue #20): when the render pool admits no more work, an issue request is
 * answered 503 {@code BUSY} with {@code Retry-After} at once — before a 発行番号 is spent: no number,
 * no history row, no document, the claim forgotten — and the same transaction, asked again once the
 * pool has room, gets its document with the next number. The pool is filled by admitting keys of
 * the test's own (no timing: the admission count is what refuses). Municipality {@value #CITY} (忙市,
 * a copy of 990004).
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class BusyOnH2Test extends HubTestBase {

    static final String CITY = "990070";
    static final String HOLDER = atena(7001);
    static final String CARD = "BZ0000000000A070";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired RenderPool pool;

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
                        + "\",\"kind\":\"JUMINHYO\",\"store\":\"S0070\",\"terminal\":\"K1\"}");
    }

    @Test
    void aFullPoolAnswersBusyBeforeANumberIsSpentAndTheSameTransactionIsIssuedLater()
            throws Exception {
        TestRecords.write(
                inbox,
                CITY,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("700", HOLDER, "北海道忙市繁忙町一丁目1番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    HOLDER,
                                    1,
                                    "700",
                                    "多忙",
                                    "急子",
                                    "世帯主",
                                    LocalDate.of(1980, 5, 6),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HOLDER))
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);

        List<String> held = new ArrayList<>();
        String tx = Http.newTransaction();
        try {
            // fill the pool with admissions of our own until it refuses one
            assertThatThrownBy(
                            () -> {
                                for (int i = 0; i < 10_000; i++) {
                                    String key = "busy-test-" + i;
                                    pool.admit(key);
                                    held.add(key);
                                }
                            })
                    .isInstanceOf(BusyException.class);
            assertThat(held).hasSizeLessThanOrEqualTo(pool.threads() + pool.queue());

            HttpResponse<byte[]> busy = issue(tx);
            String text = Http.body(busy);
            assertThat(busy.statusCode()).as(text).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
            JsonNode body = JSON.readTree(busy.body());
            assertThat(body.get("status").asText()).isEqualTo("ERROR");
            assertThat(body.get("code").asText()).isEqualTo("BUSY");
            assertThat(body.get("retryAfter").asText())
                    .isEqualTo(busy.headers().firstValue("Retry-After").orElseThrow());
            assertThat(busy.headers().map().keySet())
                    .noneMatch(h -> h.toLowerCase().startsWith("x-kofu-"));
            // nothing spent: no transaction row, no 発行番号 counted, no history row
            assertThat(
                            count(
                                    "select count(*) from issuance_transaction where transaction_id = ?",
                                    tx))
                    .isZero();
            assertThat(
                            count(
                                    "select count(*) from issue_counter where municipality_code = ?",
                                    CITY))
                    .isZero();
            assertThat(
                            count(
                                    "select count(*) from issuance_history where municipality_code = ?",
                                    CITY))
                    .isZero();
        } finally {
            held.forEach(pool::release);
        }

        // room again: the same transaction is issued, with the first number of the day
        HttpResponse<byte[]> ok = issue(tx);
        assertThat(ok.statusCode()).as(Http.body(ok)).isEqualTo(200);
        String number = ok.headers().firstValue("X-Kofu-Issue-Number").orElseThrow();
        assertThat(number).matches("\\d{8}-" + CITY + "-K1-P9-000001");
        Map<String, Object> t =
                jdbc.queryForMap(
                        "select state, issue_number from issuance_transaction where transaction_id = ?",
                        tx);
        assertThat(t).containsEntry("state", "ISSUED").containsEntry("issue_number", number);
        assertThat(pool.admitted()).as("the admission ended with the signature").isZero();
    }
}
