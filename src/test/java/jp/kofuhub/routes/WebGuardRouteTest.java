package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.edge.JsonErrorController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The web server's own bound on a phase (issue #22, docs/faults.md): a phase blocked inside one
 * call — here the preparation step, standing for a database read on a link gone silent, which no
 * step-boundary deadline can stop — is answered at {@code spring.mvc.async.request-timeout} with
 * the documented {@code 503 UNAVAILABLE} JSON (the centre retries it), never Spring's own {@code
 * {timestamp, error}} body nor a connection held to the centre's 60 s. The issue-certificate route
 * with IssuanceRoutesTest's stand-in steps; the timeout shortened to 1 s.
 */
@RouteTestBase.RouteTest
@RouteTestBase.OverHttp
@SpringBootTest(
        classes = WebGuardRouteTest.Beans.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            IssuanceRoutesTest.ROUTES,
            "kofu.templates.dir=src/test/resources/route-tests/templates",
            "server.ssl.enabled=false",
            "spring.mvc.async.request-timeout=1s",
            "spring.main.allow-bean-definition-overriding=true"
        })
class WebGuardRouteTest {

    /** Released by the test when it is done; the blocked step then returns. */
    static final CountDownLatch LINK_BACK = new CountDownLatch(1);

    /**
     * IssuanceRoutesTest's stand-ins, with a preparation that blocks as a silent database would.
     */
    public static class StuckSteps extends IssuanceRoutesTest.Steps {
        @Override
        public IssuanceRoutesTest.Prepared prepare(String body, String contentType) {
            try {
                LINK_BACK.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.prepare(body, contentType);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import({IssuanceRoutesTest.Beans.class, JsonErrorController.class})
    static class Beans {
        @Bean
        Object certificatePreparation() {
            return new StuckSteps();
        }
    }

    @LocalServerPort int port;

    @AfterEach
    void linkBack() {
        LINK_BACK.countDown();
    }

    @Test
    void aPhaseBlockedInOneCallIsAnsweredUnavailableAtTheWebServersBound() throws Exception {
        long from = System.nanoTime();
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + port
                                                                + "/api/v1/certificates"))
                                        .timeout(Duration.ofSeconds(20))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("stuck"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - from) / 1_000_000;

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(body.has("timestamp")).as("not Spring's own error body").isFalse();
        assertThat(ms).as("answered at the bound, not when the call returns").isLessThan(15_000);
    }
}
