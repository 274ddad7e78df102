package jp.kofuhub.keys;

import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The probe listener: with {@code kofu.probe.port} above 0, a second, plain-HTTP Tomcat connector
 * on that port beside the mutual-TLS listener, for the kubelet's httpGet probes (a kubelet has no
 * client certificate, so it cannot pass the TLS handshake of {@code server.ssl.client-auth: need}).
 * It serves the same application, but {@link ClientCertificateFilter} lets only the probe paths
 * through on it ({@link ProbeAccess}, {@code kofu.probe.paths}); everything else there is refused
 * 403 {@code CLIENT_NOT_ALLOWED}. Off (0) by default; the Kubernetes manifests turn it on
 * (docs/deploy.md).
 *
 * <p>Not Spring Boot's {@code management.server.port}: that would move every actuator endpoint
 * (quarantine, coupling, history, the console) to a listener without client certificates.
 */
@Component
public class ProbeListener implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeListener.class);

    private final int port;
    private final String address;

    /**
     * @param address the hub's {@code server.address} (env {@code SERVER_ADDRESS}): the probe
     *     listener binds there too; blank: every interface, like Tomcat's own listener
     */
    public ProbeListener(
            @Value("${kofu.probe.port:0}") int port, @Value("${server.address:}") String address) {
        this.port = port;
        this.address = address == null ? "" : address.trim();
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (port <= 0) {
            return;
        }
        Connector probes = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        probes.setPort(port);
        probes.setScheme("http");
        probes.setSecure(false);
        if (!address.isEmpty()) {
            probes.setProperty("address", address); // Tomcat's own listener: server.address
        }
        factory.addAdditionalTomcatConnectors(probes);
        LOG.info(
                "probe listener: plain HTTP on {}:{} for the health probes only",
                address.isEmpty() ? "*" : address,
                port);
    }
}
