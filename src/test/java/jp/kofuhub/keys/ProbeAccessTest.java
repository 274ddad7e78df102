package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * What the probe listener (kofu.probe.port) answers: the probe paths, GET or HEAD, nothing else.
 */
class ProbeAccessTest {

    private final ProbeAccess probes = ProbeAccess.of(ProbeAccess.DEFAULT_PATHS);

    @Test
    void onlyTheProbePathsWithGetOrHead() {
        assertThat(probes.allows("GET", "/actuator/health/liveness")).isTrue();
        assertThat(probes.allows("HEAD", "/actuator/health/readiness")).isTrue();
        assertThat(probes.allows("GET", "//actuator//health/readiness/"))
                .as("slashes collapsed")
                .isTrue();
        assertThat(probes.allows("POST", "/actuator/health/readiness")).isFalse();
        assertThat(probes.allows("GET", "/actuator/health")).isFalse();
        assertThat(probes.allows("GET", "/actuator/health/readiness/db")).isFalse();
        assertThat(probes.allows("GET", "/actuator/prometheus")).isFalse();
        assertThat(probes.allows("GET", "/api/v1/openapi.yaml")).isFalse();
        assertThat(probes.allows("GET", null)).isFalse();
    }

    @Test
    void thePathsAreConfigurable() {
        ProbeAccess withMetrics =
                ProbeAccess.of(ProbeAccess.DEFAULT_PATHS + ", /actuator/prometheus");
        assertThat(withMetrics.allows("GET", "/actuator/prometheus")).isTrue();
        assertThat(withMetrics.paths()).hasSize(3);
    }

    @Test
    void theFilterJudgesARequestByThePortItArrivedOn() throws Exception {
        ClientCertificateFilter filter =
                new ClientCertificateFilter(
                        true, "/api/v1", "centre", "operator", 9090, ProbeAccess.DEFAULT_PATHS);
        assertThat(pass(filter, 9090, "GET", "/actuator/health/readiness"))
                .as("probe port, probe path")
                .isTrue();
        assertThat(pass(filter, 9090, "GET", "/actuator/quarantine"))
                .as("probe port, other path")
                .isFalse();
        assertThat(pass(filter, 8443, "GET", "/actuator/health/readiness"))
                .as("TLS port without certificate")
                .isFalse();
        ClientCertificateFilter tlsOff =
                new ClientCertificateFilter(
                        false, "/api/v1", "centre", "operator", 9090, ProbeAccess.DEFAULT_PATHS);
        assertThat(pass(tlsOff, 9090, "GET", "/actuator/coupling"))
                .as("the probe port is narrow with TLS off too")
                .isFalse();
        assertThat(pass(tlsOff, 8080, "GET", "/actuator/coupling"))
                .as("TLS off: the main port as before")
                .isTrue();
    }

    private static boolean pass(
            ClientCertificateFilter filter, int localPort, String method, String path)
            throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        req.setServletPath(path);
        req.setLocalPort(localPort);
        MockHttpServletResponse res = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(req, res, chain);
        if (chain.getRequest() == null) {
            assertThat(res.getStatus()).isEqualTo(403);
            assertThat(res.getContentAsString()).contains("\"code\":\"CLIENT_NOT_ALLOWED\"");
            return false;
        }
        return true;
    }
}
