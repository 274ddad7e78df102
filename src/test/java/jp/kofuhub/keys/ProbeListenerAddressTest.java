package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;

/**
 * Issue #19: the probe listener follows the hub's configured address ({@code server.address}, env
 * {@code SERVER_ADDRESS}) like Tomcat's own listener: a real Tomcat bound to 127.0.0.2 (a loopback
 * address on Linux) answers its probe port there and refuses it on 127.0.0.1. Before the fix the
 * probe connector listened on every interface.
 */
class ProbeListenerAddressTest {

    @Test
    void theProbePortListensOnlyWhereTheHubListens() throws Exception {
        int probePort = freePort();
        Path base = Files.createDirectories(Path.of("target", "probe-address-tomcat"));
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        factory.setBaseDirectory(base.toFile());
        factory.setAddress(InetAddress.getByName("127.0.0.2"));
        new ProbeListener(probePort, "127.0.0.2").customize(factory);
        WebServer server = factory.getWebServer();
        server.start();
        try {
            for (int port : new int[] {server.getPort(), probePort}) {
                try (Socket ok = new Socket("127.0.0.2", port)) {
                    assertThat(ok.isConnected()).isTrue();
                }
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                        .as("port %d on 127.0.0.1", port)
                        .isInstanceOf(ConnectException.class);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void withoutAnAddressItListensEverywhere() throws Exception {
        int probePort = freePort();
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        factory.setBaseDirectory(
                Files.createDirectories(Path.of("target", "probe-address-tomcat")).toFile());
        new ProbeListener(probePort, "").customize(factory);
        WebServer server = factory.getWebServer();
        server.start();
        try {
            for (String host : new String[] {"127.0.0.1", "127.0.0.2"}) {
                try (Socket ok = new Socket(host, probePort)) {
                    assertThat(ok.isConnected()).isTrue();
                }
            }
        } finally {
            server.stop();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
