package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * Each municipality's koseki server (issues #18, #24): its own URL and breaker thresholds over the
 * hub-wide ones, one breaker per municipality, the failure told as what it was, and the demo's URL
 * following the simulator's port.
 */
class KosekiServersTest {

    private static final KosekiServers.Defaults HUB =
            new KosekiServers.Defaults("http://hub-wide.example/koseki/v1/", 10, 3, 50, 30, 10);

    @TempDir Path dir;

    private MunicipalityRegistry twoCities() throws IOException {
        Files.writeString(
                dir.resolve("990071-a.yaml"),
                "code: \"990071\"\nname: 甲市\nofferedKinds: [KOSEKI_KOJIN]\n"
                        + "koseki:\n  url: http://koseki.a.example/koseki/v1\n"
                        + "  breaker: {window: 4, minimumCalls: 2, waitSeconds: 7}\n");
        Files.writeString(
                dir.resolve("990072-b.yaml"),
                "code: \"990072\"\nname: 乙市\nofferedKinds: [KOSEKI_KOJIN]\n");
        return new MunicipalityRegistry(dir);
    }

    @Test
    void aProfileNamesItsOwnServerAndThresholdsTheRestIsHubWide() throws IOException {
        KosekiServers servers = new KosekiServers(twoCities(), HUB);
        assertThat(servers.url("990071")).isEqualTo("http://koseki.a.example/koseki/v1");
        assertThat(servers.url("990072")).isEqualTo("http://hub-wide.example/koseki/v1");
        CircuitBreakerConfig a = servers.config("990071");
        assertThat(a.getSlidingWindowSize()).isEqualTo(4);
        assertThat(a.getMinimumNumberOfCalls()).isEqualTo(2);
        assertThat(a.getFailureRateThreshold()).isEqualTo(50f); // hub-wide
        CircuitBreakerConfig b = servers.config("990072");
        assertThat(b.getSlidingWindowSize()).isEqualTo(10);
        assertThat(b.getMinimumNumberOfCalls()).isEqualTo(3);
    }

    @Test
    void oneCitysFailuresOpenOnlyItsOwnBreaker() throws Exception {
        KosekiServers servers = new KosekiServers(twoCities(), HUB);
        for (int i = 0; i < 2; i++) {
            long started = servers.permit("990071");
            servers.failed("990071", started, new ConnectException("Connection refused"));
        }
        assertThat(servers.down("990071")).isTrue();
        assertThat(servers.down("990072")).isFalse();
        assertThatThrownBy(() -> servers.permit("990071"))
                .isInstanceOf(KosekiServers.BreakerOpen.class);
        // a call not permitted does not count again
        servers.failed("990071", null, new KosekiServers.BreakerOpen("990071"));
        long started = servers.permit("990072");
        servers.answered("990072", started);
        assertThat(servers.states()).isEqualTo(Map.of("990071", "OPEN", "990072", "CLOSED"));
    }

    @Test
    void theFailureIsToldAsWhatItWas() {
        assertThat(
                        KosekiServers.why(
                                new CamelExecutionException(
                                        "x", null, new ConnectException("Connection refused"))))
                .contains("refused the connection");
        assertThat(KosekiServers.why(new SocketTimeoutException("Read timed out")))
                .contains("did not answer in time");
        assertThat(KosekiServers.why(new KosekiServers.BreakerOpen("990071")))
                .contains("circuit breaker open");
        assertThat(KosekiServers.why(new IOException("koseki server error"))).contains("failed");
        assertThat(KosekiServers.why(null)).contains("failed");
    }

    /**
     * Issue #18 item 6: changing only KOFU_DEMO_KOSEKI_PORT moved the simulator but not
     * kofu.koseki.url (default and dev profile).
     */
    @Test
    void theDemoKosekiUrlFollowsTheSimulatorsPort() throws IOException {
        List<org.springframework.core.env.PropertySource<?>> docs =
                new YamlPropertySourceLoader().load("app", new FileSystemResource(appYaml()));
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource("env", Map.of("KOFU_DEMO_KOSEKI_PORT", "9123")));
        env.getPropertySources().addLast(docs.get(0));
        assertThat(env.getProperty("kofu.koseki.url"))
                .isEqualTo("https://localhost:9123/koseki/v1");
        org.springframework.core.env.PropertySource<?> dev =
                docs.stream().filter(d -> "dev".equals(profileOf(d))).findFirst().orElseThrow();
        env.getPropertySources().addAfter("env", dev);
        assertThat(env.getProperty("kofu.koseki.url")).isEqualTo("http://localhost:9123/koseki/v1");
    }

    private static String profileOf(org.springframework.core.env.PropertySource<?> d) {
        Object p = d.getProperty("spring.config.activate.on-profile");
        return p == null ? null : p.toString();
    }

    private static Path appYaml() {
        Path p = Path.of("config/application.yaml");
        return Files.isRegularFile(p) ? p : Path.of("../config/application.yaml");
    }
}
