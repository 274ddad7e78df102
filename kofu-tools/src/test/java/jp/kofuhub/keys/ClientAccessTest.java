package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import jp.kofuhub.demo.DemoKeys;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The rules of the mutual-TLS listener: which certificate CN may call which path. */
class ClientAccessTest {

    private final ClientAccess access =
            new ClientAccess("/api/v1", Set.of("centre"), Set.of("operator"));

    @Test
    void theApiIsForTheApiClientsOnly() {
        assertThat(access.allows("centre", "POST", "/api/v1/availability")).isTrue();
        assertThat(access.allows("centre", "POST", "/api/v1/certificates")).isTrue();
        assertThat(access.allows("centre", "GET", "/api/v1")).isTrue();
        assertThat(access.allows("operator", "POST", "/api/v1/availability")).isFalse();
        assertThat(access.allows("juki", "POST", "/api/v1/certificates")).isFalse();
        assertThat(access.allows("operator", "POST", "//api/v1//certificates"))
                .as("repeated slashes")
                .isFalse();
        assertThat(access.allows("Centre", "POST", "/api/v1/availability"))
                .as("CNs are exact")
                .isFalse();
    }

    @Test
    void anyAcceptedClientMayReadTheOpenApiDocument() {
        assertThat(access.allows("operator", "GET", "/api/v1/openapi.yaml")).isTrue();
        assertThat(access.allows("juki", "GET", "/api/v1/openapi.yaml")).isTrue();
        assertThat(access.allows("juki", "POST", "/api/v1/openapi.yaml")).isFalse();
        assertThat(access.allows("juki", "GET", "/api/v1/openapi.yaml/x")).isFalse();
        assertThat(access.allows(null, "GET", "/api/v1/openapi.yaml"))
                .as("no certificate")
                .isFalse();
    }

    @Test
    void theActuatorIsForTheManagementClientsOnly() {
        assertThat(access.allows("operator", "GET", "/actuator/health")).isTrue();
        assertThat(access.allows("operator", "DELETE", "/actuator/quarantine/x")).isTrue();
        assertThat(access.allows("operator", "GET", "/actuator")).isTrue();
        assertThat(access.allows("centre", "GET", "/actuator/health")).isFalse();
        assertThat(access.allows("centre", "GET", "/actuator")).isFalse();
        assertThat(access.allows("centre", "GET", "//actuator/history")).isFalse();
    }

    @Test
    void otherPathsOnlyForKnownClients() {
        assertThat(access.allows("centre", "GET", "/")).isTrue();
        assertThat(access.allows("operator", "GET", "/nothing")).isTrue();
        assertThat(access.allows("finance", "GET", "/")).isFalse();
        assertThat(access.allows("finance", "GET", "/api/v10")).as("not under /api/v1").isFalse();
        assertThat(access.allows("centre", "GET", "/actuatorx")).as("not under /actuator").isTrue();
        assertThat(access.allows(null, "GET", "/")).isFalse();
    }

    @Test
    void configuredListsAreCommaLists() {
        assertThat(ClientAccess.names(" centre , kiosk-2,,"))
                .containsExactlyInAnyOrder("centre", "kiosk-2");
        assertThat(ClientAccess.names("")).isEmpty();
        assertThat(ClientAccess.names(null)).isEmpty();
        ClientAccess trailing = new ClientAccess("/api/v1/", Set.of("centre"), Set.of());
        assertThat(trailing.allows("centre", "GET", "/api/v1/availability")).isTrue();
    }

    @Test
    void withTlsOffTheFilterLetsEverythingThrough() throws Exception {
        ClientCertificateFilter off =
                new ClientCertificateFilter(false, "/api/v1", "centre", "operator");
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/actuator/health");
        req.setServletPath("/actuator/health");
        MockHttpServletResponse res = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        off.doFilter(req, res, chain);
        assertThat(chain.getRequest()).as("passed on").isNotNull();
        assertThat(res.getStatus()).isEqualTo(200);
    }

    @Test
    void withTlsOnARequestWithoutCertificateIsRefusedWithJson() throws Exception {
        ClientCertificateFilter on =
                new ClientCertificateFilter(true, "/api/v1", "centre", "operator");
        MockHttpServletRequest req = new MockHttpServletRequest("POST", "/api/v1/certificates");
        req.setServletPath("/api/v1/certificates");
        MockHttpServletResponse res = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        on.doFilter(req, res, chain);
        assertThat(chain.getRequest()).as("not passed on").isNull();
        assertThat(res.getStatus()).isEqualTo(403);
        assertThat(res.getContentType()).startsWith("application/json");
        assertThat(res.getContentAsString()).contains("\"code\":\"CLIENT_NOT_ALLOWED\"");
    }

    @Test
    void theCommonNameComesFromTheClientsOwnCertificate() throws Exception {
        java.security.KeyStore ks =
                Tls.load(
                        jp.kofuhub.support.TestHub.KEYS.resolve("operator.p12"),
                        DemoKeys.DEFAULT_PASSWORD.toCharArray());
        java.security.cert.X509Certificate cert =
                (java.security.cert.X509Certificate) ks.getCertificate("operator");
        assertThat(
                        ClientCertificateFilter.commonName(
                                new java.security.cert.X509Certificate[] {cert}))
                .isEqualTo("operator");
        assertThat(ClientCertificateFilter.commonName(null)).isNull();
        assertThat(ClientCertificateFilter.commonName(new java.security.cert.X509Certificate[0]))
                .isNull();
    }
}
