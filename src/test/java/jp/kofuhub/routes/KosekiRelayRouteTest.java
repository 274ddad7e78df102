package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import jp.kofuhub.issuance.ErrorResponses;
import jp.kofuhub.issuance.IssuanceException;
import jp.kofuhub.issuance.KosekiServers;
import jp.kofuhub.koseki.KosekiHop;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Route-level test of {@code routes/koseki/koseki-relay.camel.yaml} with {@code issuance-errors}: a
 * real HTTP server on a free port stands in for the koseki certificate server ({@code
 * kofu.koseki.url}), the real {@link KosekiHop} without OpenPGP (the dev profile's hop), real
 * {@link ErrorResponses}, stand-ins for {@code kosekiRelay} (what the relay decides is {@code
 * KosekiRelay}'s and the whole-hub {@code KosekiOnH2Test}'s), {@code centreMessages} and {@code
 * transactionEnds}. Checked: a certificate reaches {@code check-koseki-answer}; server errors go to
 * the fallback {@code koseki-unavailable} (KOSEKI_UNAVAILABLE), and once the breaker is open the
 * server is not called at all.
 */
@RouteTestBase.RouteTest
@SpringBootTest(
        classes = KosekiRelayRouteTest.Beans.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/koseki/koseki-relay.camel.yaml,"
                    + "file:routes/common/error-handling.camel.yaml",
            "kofu.koseki.breaker-wait-seconds=60"
        })
public class KosekiRelayRouteTest {

    static final HttpServer SERVER;
    static final AtomicInteger STATUS = new AtomicInteger(200);
    static final AtomicInteger CALLS = new AtomicInteger();

    static {
        try {
            SERVER = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SERVER.createContext(
                "/koseki/v1/certificates",
                x -> {
                    CALLS.incrementAndGet();
                    x.getRequestBody().readAllBytes();
                    byte[] body = "%PDF-stand-in".getBytes(StandardCharsets.US_ASCII);
                    x.getResponseHeaders().add("Content-Type", "application/pdf");
                    x.sendResponseHeaders(STATUS.get(), body.length);
                    try (OutputStream out = x.getResponseBody()) {
                        out.write(body);
                    }
                });
        SERVER.start();
    }

    @DynamicPropertySource
    static void kosekiServer(DynamicPropertyRegistry props) {
        props.add(
                "kofu.koseki.url",
                () -> "http://127.0.0.1:" + SERVER.getAddress().getPort() + "/koseki/v1");
    }

    @AfterAll
    static void stop() {
        SERVER.stop(0);
    }

    /** The numbered issuance the route reads from variable {@code prepared}. */
    public static class Prepared {
        public String getIssueNumber() {
            return "R6-000123";
        }

        public String getTransaction() {
            return "tx-route-test";
        }

        public String getMunicipality() {
            return "012343";
        }
    }

    public static class KosekiRelayStandIn {
        private final KosekiServers servers;

        KosekiRelayStandIn(KosekiServers servers) {
            this.servers = servers;
        }

        public String request(Object prepared) {
            return "{\"issueNumber\":\"R6-000123\"}";
        }

        public String answer(Object prepared, Exchange exchange) {
            return "answered:" + exchange.getMessage().getBody(String.class);
        }

        public void unavailable(Object prepared, Throwable error, Long started) {
            servers.failed("012343", started, error);
            throw IssuanceException.refused("KOSEKI_UNAVAILABLE", "koseki server unavailable");
        }
    }

    public static class Quiet {
        public void sealError(Exchange exchange) {}

        public void abort(Object prepared) {}

        /** Stands in for PhaseDeadline in the database-failure policy of issuance-errors. */
        public Object databaseUnavailable(Exchange exchange) {
            return null;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        KosekiServers kosekiServers(@Value("${kofu.koseki.url}") String url) throws IOException {
            // the real per-municipality servers and breakers, with no profiles: the hub-wide URL
            return new KosekiServers(
                    new MunicipalityRegistry(Files.createTempDirectory("kofu-no-profiles")),
                    new KosekiServers.Defaults(url, 10, 3, 50, 60, 10));
        }

        @Bean
        KosekiRelayStandIn kosekiRelay(KosekiServers servers) {
            return new KosekiRelayStandIn(servers);
        }

        @Bean
        KosekiHop kosekiHop() {
            return new KosekiHop(null);
        }

        @Bean
        ErrorResponses errorResponses() {
            return new ErrorResponses();
        }

        @Bean
        Quiet centreMessages() {
            return new Quiet();
        }

        @Bean
        Quiet transactionEnds() {
            return new Quiet();
        }

        @Bean
        Quiet phaseDeadline() { // named by the error policy issuance-database-unavailable
            return new Quiet();
        }
    }

    @Autowired ProducerTemplate producer;

    @Test
    void aCertificateIsCheckedAndServerErrorsOpenTheBreaker() {
        Exchange ok = relay();
        assertThat(ok.getException()).isNull();
        assertThat(ok.getMessage().getBody(String.class)).isEqualTo("answered:%PDF-stand-in");

        STATUS.set(503);
        for (int i = 0; i < 3; i++) {
            assertUnavailable(relay());
        }
        int calls = CALLS.get();
        assertUnavailable(relay()); // the breaker is open: refused without a call
        assertThat(CALLS.get()).isEqualTo(calls);
    }

    /**
     * The fallback's refusal goes back to the caller ({@code relay-koseki} in issue-certificate,
     * whose {@code issuance-errors} answers the centre 422 KOSEKI_UNAVAILABLE): an exception thrown
     * in a circuit breaker's fallback is not handled by the route's own error policy.
     */
    private static void assertUnavailable(Exchange e) {
        assertThat(e.getException())
                .isInstanceOfSatisfying(
                        IssuanceException.class,
                        ie -> assertThat(ie.getCode()).isEqualTo("KOSEKI_UNAVAILABLE"));
    }

    private Exchange relay() {
        return producer.request(
                "direct:koseki-relay", e -> e.setVariable("prepared", new Prepared()));
    }
}
