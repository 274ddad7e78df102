package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jp.kofuhub.ops.RoutesHealth;
import jp.kofuhub.support.LogCapture;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The dev profile's live route reload ({@code kofu.routes.reload}, jp.kofuhub.ops.SafeRouteReload)
 * on a copied routes folder: an edit is live within seconds; an edit that cannot be built (an
 * unresolved placeholder) is refused with one ERROR line naming the file and the reason while the
 * previous route keeps serving; an edit that Camel only rejects while creating the route (a method
 * the bean does not have) makes the health component {@code routes} DOWN, and a good edit brings it
 * back UP.
 */
@RouteTestBase.RouteTest
@SpringBootTest(
        classes = RouteReloadTest.Beans.class,
        properties = {
            "camel.main.routes-include-pattern=file:" + RouteReloadTest.DIR + "/**/*.camel.yaml",
            "kofu.routes.reload=true",
            "kofu.routes.reload-directory=" + RouteReloadTest.DIR
        })
public class RouteReloadTest {

    static final String DIR = "target/route-tests/reload/routes";
    static final Path FILE = Path.of(DIR, "probe", "echo.camel.yaml");

    static {
        write("constant: v1");
    }

    static void write(String setBody) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    """
                    - route:
                        id: echo
                        from:
                          uri: direct:echo
                          steps:
                            - bean:
                                id: greet
                                ref: greeter
                                method: greet
                            - setBody:
                                %s
                    """
                            .formatted(setBody));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class Greeter {
        public void greet() {}
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        Greeter greeter() {
            return new Greeter();
        }
    }

    @Autowired ProducerTemplate producer;
    @Autowired RoutesHealth health;

    @Test
    void editsAreLiveAndABrokenEditNeverLeavesABrokenHubReportingUp() {
        assertThat(echo()).isEqualTo("v1");

        // a good edit is live within seconds
        write("constant: v2");
        await().atMost(Duration.ofSeconds(30)).until(() -> "v2".equals(echo()));
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        // an edit that cannot be built: refused, named, the previous route serves
        try (LogCapture log = LogCapture.open()) {
            write("simple: \"${body}\"\n        - to: \"{{kofu.no-such-uri}}\"");
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    log.lines().stream()
                                            .anyMatch(
                                                    l ->
                                                            l.level() == Level.ERROR
                                                                    && l.text()
                                                                            .contains(
                                                                                    "kofu.no-such-uri")));
            assertThat(log.lines())
                    .filteredOn(l -> l.text().contains("route reload refused"))
                    .anySatisfy(
                            l ->
                                    assertThat(l.text())
                                            .contains("echo.camel.yaml")
                                            .contains("kofu.no-such-uri"));
        }
        assertThat(echo()).isEqualTo("v2");
        assertThat(health.health().getDetails().get("reload").toString())
                .startsWith("failed: ")
                .contains("echo.camel.yaml");

        // an edit Camel rejects only while creating the route: not ready until repaired
        write("constant: v3\n        - bean:\n            ref: greeter\n            method: nope");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> health.health().getStatus().equals(Status.DOWN));
        assertThat(health.health().getDetails()).containsKey("missing");

        write("constant: v4");
        await().atMost(Duration.ofSeconds(30)).until(() -> "v4".equals(echo()));
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("reload", "ok");
    }

    private String echo() {
        try {
            return producer.requestBody("direct:echo", "", String.class);
        } catch (RuntimeException e) {
            return "unavailable: " + e.getClass().getSimpleName();
        }
    }
}
