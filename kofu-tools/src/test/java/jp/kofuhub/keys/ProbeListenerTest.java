package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.support.SecureHub;
import jp.kofuhub.support.TestHub;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The probe listener (kofu.probe.port) of a hub whose main listener is mutual TLS (SecureHub), as
 * the Kubernetes manifests run it (deploy/kubernetes, docs/deploy.md): plain HTTP without a client
 * certificate answers the two health probes and nothing else; the TLS listener is unchanged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = SecureHub.class)
class ProbeListenerTest {

    static final int PROBE_PORT = freePort();

    @DynamicPropertySource
    static void probe(DynamicPropertyRegistry r) {
        r.add("kofu.probe.port", () -> PROBE_PORT);
        // as the manifests' ConfigMap: the probe groups answer their status only, details stay on
        // the TLS port
        r.add("management.endpoint.health.group.readiness.show-details", () -> "never");
        r.add("management.endpoint.health.group.liveness.show-details", () -> "never");
    }

    @LocalServerPort int tlsPort;

    private final HttpClient plain =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void livenessAnswersWithoutAClientCertificate() throws Exception {
        HttpResponse<String> res =
                plain.send(
                        probe("GET", "/actuator/health/liveness"),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("\"status\":\"UP\"").doesNotContain("components");
        HttpResponse<Void> head =
                plain.send(
                        probe("HEAD", "/actuator/health/liveness"),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void readinessAnswersItsStatusWithoutDetails() throws Exception {
        // UP or DOWN (503) depending on the test hub's state; never refused by the certificate
        // filter
        HttpResponse<String> res =
                plain.send(
                        probe("GET", "/actuator/health/readiness"),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isIn(200, 503);
        assertThat(res.body())
                .contains("\"status\"")
                .doesNotContain("components", "CLIENT_NOT_ALLOWED");
    }

    @Test
    void everythingElseOnTheProbePortIsRefused() throws Exception {
        for (String path :
                new String[] {
                    "/actuator/health",
                    "/actuator/health/",
                    "/actuator/health/db",
                    "/actuator/prometheus",
                    "/actuator/quarantine",
                    "/actuator/coupling",
                    "/actuator/hawtio/",
                    "/actuator/jolokia/read/java.lang:type=Memory",
                    "/api/v1/openapi.yaml",
                    "/",
                    "/actuator/health/readiness/../../quarantine"
                }) {
            HttpResponse<String> res =
                    plain.send(probe("GET", path), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(path).isIn(400, 403);
            assertThat(res.body()).as(path).doesNotContain("\"components\"");
        }
        HttpResponse<String> post =
                plain.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + PROBE_PORT
                                                        + "/api/v1/availability"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.body()).contains("\"code\":\"CLIENT_NOT_ALLOWED\"");
        HttpResponse<String> postProbe =
                plain.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + PROBE_PORT
                                                        + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(postProbe.statusCode()).as("only GET and HEAD").isEqualTo(403);
    }

    @Test
    void theTlsListenerStillWantsTheOperatorsCertificate() throws Exception {
        HttpClient operator =
                HttpClient.newBuilder()
                        .sslContext(
                                Tls.context(
                                        TestHub.KEYS,
                                        "operator",
                                        DemoKeys.DEFAULT_PASSWORD.toCharArray()))
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        HttpRequest health =
                HttpRequest.newBuilder(
                                URI.create("https://localhost:" + tlsPort + "/actuator/health"))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                operator.send(health, HttpResponse.BodyHandlers.ofString())
                                                .statusCode()
                                        != 403);
        assertThat(operator.send(health, HttpResponse.BodyHandlers.ofString()).body())
                .contains("\"components\"");
        HttpClient centre =
                HttpClient.newBuilder()
                        .sslContext(
                                Tls.context(
                                        TestHub.KEYS,
                                        "centre",
                                        DemoKeys.DEFAULT_PASSWORD.toCharArray()))
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        HttpRequest liveness =
                HttpRequest.newBuilder(
                                URI.create(
                                        "https://localhost:"
                                                + tlsPort
                                                + "/actuator/health/liveness"))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build();
        assertThat(centre.send(liveness, HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("the probe paths are not opened on the TLS listener")
                .isEqualTo(403);
    }

    private HttpRequest probe(String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + PROBE_PORT + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
