package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jp.kofuhub.issuance.ErrorResponses;
import jp.kofuhub.issuance.IssuanceException;
import jp.kofuhub.render.CertificateTemplates;
import jp.kofuhub.render.PdfRenderer.RenderedPdf;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Route-level test of {@code routes/issuance/issue-certificate.camel.yaml} (REST {@code
 * post-certificate} and route {@code issue-certificate}) with {@code sign-answer} and {@code
 * issuance-errors}, over real HTTP (Tomcat on a free port, Camel's platform-http) but without the
 * rest of the hub: no database, keys, FOP or security. The step beans are stand-ins that return
 * what the real ones would; the layout step is real Saxon on a stand-in template ({@code
 * kofu.templates.dir} → src/test/resources/route-tests/templates). Checked: the three branches of
 * {@code replay-or-render} (a retry's held PDF, 戸籍 through {@code direct:koseki-relay}, the layout
 * with the 発行番号 as XSLT parameter) and a refusal as the documented JSON. The whole-hub issuance
 * tests ({@code IssuanceOnH2Test} and others) keep the real beans end to end.
 */
@RouteTestBase.RouteTest
@RouteTestBase.OverHttp
@SpringBootTest(
        classes = IssuanceRoutesTest.Beans.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            IssuanceRoutesTest.ROUTES,
            "kofu.templates.dir=src/test/resources/route-tests/templates",
            "server.ssl.enabled=false"
        })
public class IssuanceRoutesTest {

    /** The route files under test (WebGuardRouteTest loads the same). */
    static final String ROUTES =
            "camel.main.routes-include-pattern=file:routes/issuance/issue-certificate.camel.yaml,"
                    + "file:routes/issuance/sign-answer.camel.yaml,"
                    + "file:routes/common/error-handling.camel.yaml";

    /** The numbered certificate as PreparedCertificate offers it to the route. */
    public static class Prepared {
        private final String kind;

        Prepared(String kind) {
            this.kind = kind;
        }

        public RenderedPdf getStoredPdf() {
            return "retry".equals(kind) ? new RenderedPdf(bytes("%PDF held"), 1) : null;
        }

        public boolean isKoseki() {
            return "koseki".equals(kind);
        }

        public String getIssueNumber() {
            return "R6-000042";
        }

        public String getTransaction() {
            return "tx-" + kind;
        }

        public int getFee() {
            return 300;
        }

        public String getMunicipality() {
            return "990002";
        }

        public String getTemplate() {
            return "route-test";
        }

        public String getDataXml() {
            return "<certificate kind=\"" + kind + "\"/>";
        }
    }

    /** Stand-ins of the step beans, recording what reached them. */
    public static class Steps {
        final List<String> seen = new CopyOnWriteArrayList<>();

        public void open(Exchange exchange) {}

        public void seal(Exchange exchange) {}

        public void sealError(Exchange exchange) {}

        public Prepared prepare(String body, String contentType) {
            if (body.contains("nobody")) {
                throw IssuanceException.refused("NOT_FOUND", "no such resident");
            }
            return new Prepared(body.replaceAll("\\W", ""));
        }

        public RenderedPdf render(Prepared prepared, String fo) {
            seen.add("render:" + fo);
            return new RenderedPdf(bytes("%PDF " + fo), 2);
        }

        public RenderedPdf sign(Prepared prepared, RenderedPdf pdf) {
            seen.add("sign");
            return pdf;
        }

        public RenderedPdf confirm(Prepared prepared, RenderedPdf pdf) {
            seen.add("confirm");
            return pdf;
        }

        public void abort(Object prepared) {}

        /** answerSignature: no signing key, the answer goes unsigned. */
        public boolean available() {
            return false;
        }

        public java.security.PrivateKey privateKey() {
            return null;
        }

        public String canonical(Exchange exchange) {
            return "";
        }

        public String algorithm() {
            return "SHA256withRSA";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        jp.kofuhub.issuance.PhaseDeadline phaseDeadline() {
            // the real deadline (issue #22); never passed here, so no transaction store is needed
            return new jp.kofuhub.issuance.PhaseDeadline(java.time.Duration.ofSeconds(20), null);
        }

        @Bean
        Object centreMessages() {
            return STEPS;
        }

        @Bean
        Object certificatePreparation() {
            return STEPS;
        }

        @Bean
        Object certificateRendering() {
            return STEPS;
        }

        @Bean
        Object certificateSigning() {
            return STEPS;
        }

        @Bean
        Object certificateConfirmation() {
            return STEPS;
        }

        @Bean
        Object transactionEnds() {
            return STEPS;
        }

        @Bean
        Object answerSignature() {
            return STEPS;
        }

        @Bean
        CertificateTemplates certificateTemplates() {
            return new CertificateTemplates(Path.of("src/test/resources/route-tests/templates"));
        }

        @Bean
        ErrorResponses errorResponses() {
            return new ErrorResponses();
        }

        /** The koseki relay's place (its own route test is KosekiRelayRouteTest). */
        @Bean
        RouteBuilder kosekiRelay() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:koseki-relay")
                            .routeId("koseki-relay-stand-in")
                            .setBody(e -> new RenderedPdf(bytes("%PDF koseki"), 3));
                }
            };
        }
    }

    /** One stand-in object behind every step bean name. */
    static final Steps STEPS = new Steps();

    @LocalServerPort int port;

    @BeforeEach
    void clear() {
        STEPS.seen.clear();
    }

    @Test
    void aNewCertificateIsLaidOutWithItsIssueNumberRenderedSignedAndConfirmed() throws Exception {
        HttpResponse<String> r = post("{\"kind\":\"render\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(r.headers().firstValue("X-Kofu-Issue-Number")).hasValue("R6-000042");
        assertThat(r.headers().firstValue("X-Kofu-Transaction")).hasValue("tx-kindrender");
        assertThat(r.headers().firstValue("X-Kofu-Fee")).hasValue("300");
        assertThat(r.headers().firstValue("X-Kofu-Pages")).hasValue("2");
        assertThat(r.body()).isEqualTo("%PDF layout of kindrender no. R6-000042");
        assertThat(STEPS.seen)
                .containsExactly("render:layout of kindrender no. R6-000042", "sign", "confirm");
    }

    @Test
    void aRetryGetsTheHeldDocumentWithoutRendering() throws Exception {
        HttpResponse<String> r = post("retry");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("%PDF held");
        assertThat(r.headers().firstValue("X-Kofu-Pages")).hasValue("1");
        assertThat(STEPS.seen).isEmpty();
    }

    @Test
    void aKosekiCertificateComesFromTheRelayAndIsConfirmed() throws Exception {
        HttpResponse<String> r = post("koseki");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("%PDF koseki");
        assertThat(r.headers().firstValue("X-Kofu-Pages")).hasValue("3");
        assertThat(STEPS.seen).containsExactly("confirm");
    }

    @Test
    void aRefusalIsTheDocumentedJsonWithItsStatus() throws Exception {
        HttpResponse<String> r = post("nobody");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body())
                .isEqualTo(
                        "{\"status\":\"REFUSED\",\"code\":\"NOT_FOUND\",\"message\":\"no such resident\"}");
        assertThat(STEPS.seen).isEmpty();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + port
                                                        + "/api/v1/certificates"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
