package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Replay protection on the issuance-centre POSTs (issuance-centre.md v1.1) on a hub that takes
 * plain JSON (the shared test hubs): the same message twice is REPLAYED, an old or future sentAt is
 * STALE_MESSAGE, sentAt and nonce are required, and one nonce sent at the same moment many times is
 * accepted once (the database's primary key). Old nonces are purged after twice the window. Runs on
 * H2 and PostgreSQL; touches no municipality's data (completions of transactions nobody knows).
 */
abstract class ReplayScenarios extends HubTestBase {

    private final ObjectMapper json = new ObjectMapper();

    @Autowired ReplayGuard replayGuard;

    private String url() {
        return baseUrl() + "/api/v1/completions";
    }

    private static String completion(String transaction, Object sentAt, String nonce) {
        return "{\"transaction\":\""
                + transaction
                + "\",\"outcome\":\"PRINTED\""
                + (sentAt == null ? "" : ",\"sentAt\":\"" + sentAt + "\"")
                + (nonce == null ? "" : ",\"nonce\":\"" + nonce + "\"")
                + "}";
    }

    private HttpResponse<byte[]> postExactly(String body) throws Exception {
        return Http.postBytes(url(), "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private String code(HttpResponse<byte[]> r) throws Exception {
        return json.readTree(r.body()).path("code").asText();
    }

    @Test
    void theSameMessageTwiceIsReplayed() throws Exception {
        String nonce = Http.newNonce();
        String body = completion(Http.newTransaction(), OffsetDateTime.now(), nonce);
        HttpResponse<byte[]> first = postExactly(body);
        assertThat(first.statusCode()).as(Http.body(first)).isEqualTo(404);
        assertThat(code(first)).isEqualTo("UNKNOWN_TRANSACTION");
        assertThat(count("select count(*) from message_nonce where nonce = ?", nonce)).isEqualTo(1);
        HttpResponse<byte[]> again = postExactly(body);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(code(again)).isEqualTo("REPLAYED");
        // a nonce is spent whatever the endpoint: the same nonce on another phase is replayed too
        HttpResponse<byte[]> elsewhere =
                Http.postBytes(
                        baseUrl() + "/api/v1/availability",
                        "application/json",
                        ("{\"transaction\":\""
                                        + Http.newTransaction()
                                        + "\",\"municipality\":\"012343\",\"serial\":\"ABCDEFGH12\","
                                        + "\"sentAt\":\""
                                        + OffsetDateTime.now()
                                        + "\",\"nonce\":\""
                                        + nonce
                                        + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(code(elsewhere)).isEqualTo("REPLAYED");
    }

    @Test
    void aMessageOutsideTheWindowIsStale() throws Exception {
        for (OffsetDateTime sentAt :
                List.of(
                        OffsetDateTime.now().minusMinutes(6),
                        OffsetDateTime.now().plusMinutes(6))) {
            String nonce = Http.newNonce();
            HttpResponse<byte[]> r = postExactly(completion(Http.newTransaction(), sentAt, nonce));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(code(r)).isEqualTo("STALE_MESSAGE");
            assertThat(count("select count(*) from message_nonce where nonce = ?", nonce)).isZero();
        }
        // inside the window, with another offset: fine
        HttpResponse<byte[]> ok =
                postExactly(
                        completion(
                                Http.newTransaction(),
                                OffsetDateTime.now()
                                        .minusMinutes(4)
                                        .atZoneSameInstant(java.time.ZoneId.of("Asia/Tokyo"))
                                        .toOffsetDateTime(),
                                Http.newNonce()));
        assertThat(code(ok)).isEqualTo("UNKNOWN_TRANSACTION");
    }

    @Test
    void sentAtAndNonceAreRequiredAndChecked() throws Exception {
        String tx = Http.newTransaction();
        for (String body :
                List.of(
                        completion(tx, null, Http.newNonce()),
                        completion(tx, OffsetDateTime.now(), null),
                        completion(tx, "2026-04-01T09:30:00", Http.newNonce()),
                        completion(tx, "yesterday", Http.newNonce()),
                        completion(tx, OffsetDateTime.now(), "short"),
                        completion(tx, OffsetDateTime.now(), "x".repeat(65)),
                        completion(tx, OffsetDateTime.now(), "has space in it ok"))) {
            HttpResponse<byte[]> r = postExactly(body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(code(r)).as(body).isEqualTo("MALFORMED_REQUEST");
        }
    }

    @Test
    void oneNonceSentManyTimesAtOnceIsAcceptedOnce() throws Exception {
        String body = completion(Http.newTransaction(), OffsetDateTime.now(), Http.newNonce());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<HttpResponse<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(() -> postExactly(body));
            }
            List<String> codes = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> f : pool.invokeAll(calls)) {
                codes.add(code(f.get()));
            }
            assertThat(codes).containsOnlyOnce("UNKNOWN_TRANSACTION");
            assertThat(codes.stream().filter("REPLAYED"::equals).count()).isEqualTo(5);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void noncesAreKeptForTwiceTheWindowThenPurged() {
        OffsetDateTime now = OffsetDateTime.now();
        String old = Http.newNonce();
        String recent = Http.newNonce();
        jdbc.update(
                "insert into message_nonce (nonce, sent_at, received_at) values (?,?,?)",
                old,
                now.minusMinutes(11),
                now.minus(replayGuard.window().multipliedBy(2)).minusSeconds(5));
        jdbc.update(
                "insert into message_nonce (nonce, sent_at, received_at) values (?,?,?)",
                recent,
                now.minusMinutes(9),
                now.minus(replayGuard.window().multipliedBy(2)).plusSeconds(30));
        assertThat(replayGuard.purge()).isPositive();
        assertThat(count("select count(*) from message_nonce where nonce = ?", old)).isZero();
        assertThat(count("select count(*) from message_nonce where nonce = ?", recent))
                .isEqualTo(1);
    }
}
