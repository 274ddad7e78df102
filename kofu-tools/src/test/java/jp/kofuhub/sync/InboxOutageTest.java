package jp.kofuhub.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.SftpTestServer;
import jp.kofuhub.support.TestHubSftp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #19: the SFTP inbox's connectivity is visible. A real SFTP server (Apache MINA SSHD, {@link
 * SftpTestServer}) is stopped and started again, restarted with another host key than the pinned
 * one, and made to refuse the hub's key; health component {@code inbox} names the inbox, its last
 * successful poll and the last failure's kind (REFUSED, HOST_KEY, AUTH), the meters {@code
 * kofu_sync_inbox_up} and {@code kofu_sync_inbox_failures_total} follow, and readiness is not
 * affected (docs/health-and-metrics.md: the replica's freshness decides). Shares the SFTP hub with
 * {@link SftpSyncTest}; the server is always left running with its own key.
 */
@ContextConfiguration(initializers = TestHubSftp.Sftp.class)
class InboxOutageTest extends HubTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SftpTestServer sftp = SftpTestServer.get();

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void serverBack() throws Exception {
        sftp.refuseClient(false);
        sftp.stop();
        sftp.start();
        await().atMost(WAIT).until(() -> "OK".equals(inbox().path("polling").asText()));
    }

    @Test
    void anOutageARestartAnotherHostKeyAndARefusedKeyAreNamed() throws Exception {
        await().atMost(WAIT).until(() -> "UP".equals(component().path("status").asText()));
        JsonNode up = inbox();
        assertThat(up.path("lastSuccess").asText()).isNotBlank();
        String name = component().path("details").path("inboxes").fieldNames().next();
        assertThat(name).startsWith("sftp://").contains("/inbox").doesNotContain("privateKeyFile");

        // the server is down: refused
        sftp.stop();
        await().atMost(WAIT).until(() -> "DOWN".equals(component().path("status").asText()));
        JsonNode down = inbox();
        assertThat(down.path("polling").asText()).isEqualTo("FAILING");
        assertThat(down.path("lastFailureKind").asText()).isEqualTo("REFUSED");
        assertThat(down.path("failingSince").asText()).isNotBlank();
        assertThat(Instant.parse(down.path("lastSuccess").asText()))
                .isBefore(Instant.parse(down.path("failingSince").asText()));
        assertThat(up(name)).isEqualTo(0.0);
        assertThat(
                        meters.find("kofu.sync.inbox.failures")
                                .tag("inbox", name)
                                .tag("kind", "REFUSED")
                                .counter()
                                .count())
                .isPositive();
        // readiness is not the inbox's business (the replica's freshness is)
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.body()).doesNotContain("inbox");

        // started again: the next poll succeeds, the last failure stays on record
        Instant restarted = Instant.now();
        sftp.start();
        await().atMost(WAIT).until(() -> "UP".equals(component().path("status").asText()));
        JsonNode back = inbox();
        assertThat(Instant.parse(back.path("lastSuccess").asText())).isAfter(restarted);
        assertThat(back.path("lastFailureKind").asText()).isEqualTo("REFUSED");
        assertThat(up(name)).isEqualTo(1.0);
        assertThat(meters.find("kofu.sync.inbox.last.success").tag("inbox", name).gauge().value())
                .isGreaterThan(restarted.getEpochSecond() - 1);

        // another host key than the pinned one
        sftp.startWithAnotherHostKey();
        await().atMost(WAIT)
                .until(() -> "HOST_KEY".equals(inbox().path("lastFailureKind").asText()));
        assertThat(component().path("status").asText()).isEqualTo("DOWN");
        assertThat(inbox().path("meaning").asText()).contains("host key");
        sftp.stop();
        sftp.start();
        await().atMost(WAIT).until(() -> "UP".equals(component().path("status").asText()));

        // the server refuses the hub's key
        // (a logged-in session is kept between polls: the server restarts so the hub logs in again)
        sftp.refuseClient(true);
        sftp.stop();
        sftp.start();
        await().atMost(WAIT).until(() -> "AUTH".equals(inbox().path("lastFailureKind").asText()));
        assertThat(component().path("status").asText()).isEqualTo("DOWN");
    }

    private JsonNode component() throws Exception {
        return json.readTree(get("/actuator/health").body()).path("components").path("inbox");
    }

    private JsonNode inbox() throws Exception {
        JsonNode inboxes = component().path("details").path("inboxes");
        return inboxes.isEmpty() ? json.createObjectNode() : inboxes.elements().next();
    }

    private double up(String name) {
        return meters.find("kofu.sync.inbox.up").tag("inbox", name).gauge().value();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
