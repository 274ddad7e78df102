package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import jp.kofuhub.ops.EndpointOptionsCheck;
import jp.kofuhub.ops.RouteFailures;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #24 item 6, without Spring: a misspelt endpoint option stops the start naming route, step,
 * file and line ({@link EndpointOptionsCheck}; camel-http would send it as a query parameter); the
 * hub's own route files pass the check; a failure inside a route is described with route, step
 * (file:line), exception class and a message without personal data ({@link RouteFailures}).
 */
class RouteDiagnosticsTest {

    static final String PROBE =
            """
            - route:
                id: probe
                from:
                  uri: direct:probe
                  steps:
                    - toD:
                        id: call-server
                        uri: "{{probe.url}}/x?throwExceptionOnFailure=false&connectTimeout=10&responseTimout=10"
            """;

    @Test
    void aMisspeltHttpOptionStopsTheStartNamingRouteStepFileAndLine(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("probe.camel.yaml");
        Files.writeString(file, PROBE);
        try (CamelContext camel = context()) {
            camel.addLifecycleStrategy(new EndpointOptionsCheck());
            Properties p = new Properties();
            p.put("probe.url", "http://127.0.0.1:1");
            camel.getPropertiesComponent().setInitialProperties(p);
            load(camel, file);
            assertThatThrownBy(camel::start)
                    .hasMessageContaining(
                            "route probe step call-server ("
                                    + file
                                    + ":6): http has no option 'responseTimout'");
        }
    }

    @Test
    void theOptionsOfHttpAndFileAreKnown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("probe.camel.yaml");
        Files.writeString(
                file, PROBE.replace("&responseTimout=10", "&responseTimeout=10&soTimeout=5"));
        try (CamelContext camel = context()) {
            Properties p = new Properties();
            p.put("probe.url", "http://127.0.0.1:1");
            camel.getPropertiesComponent().setInitialProperties(p);
            load(camel, file);
            assertThat(EndpointOptionsCheck.check(camel)).isEmpty();
        }
    }

    @Test
    void theHubsRouteFilesPassTheCheck() throws Exception {
        try (CamelContext camel = context()) {
            Properties p = new Properties();
            p.putAll(
                    java.util.Map.of(
                            "kofu.koseki.url", "https://localhost:8091/koseki/v1",
                            "kofu.koseki.timeout-ms", "5000",
                            "kofu.koseki.breaker-wait-seconds", "30",
                            "kofu.settlement.outbox-uri", "file:data/settlement",
                            "kofu.sync.inbox-uri",
                                    "file:data/inbox?include=.*&sortBy=file:name&delete=true&readLock=none&delay=1000",
                            "kofu.cluster.namespace-prefix", "kofu-",
                            "kofu.settlement.check-period", "600000",
                            "kofu.coupling.check-period", "5000",
                            "kofu.templates.dir", "xslt-templates"));
            camel.getPropertiesComponent().setInitialProperties(p);
            camel.getPropertiesComponent().setIgnoreMissingLocation(true);
            for (String f :
                    new String[] {
                        "routes/koseki/koseki-relay.camel.yaml",
                        "routes/settlement/daily-settlement.camel.yaml",
                        "routes/sync/registry-sync.camel.yaml",
                        "routes/ops/coupling-watch.camel.yaml"
                    }) {
                load(camel, Path.of(f));
            }
            assertThat(EndpointOptionsCheck.check(camel)).isEmpty();
        }
    }

    @Test
    void aFailureNamesRouteStepClassAndAMessageWithoutPersonalData(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("fail.camel.yaml");
        Files.writeString(
                file,
                """
                - route:
                    id: failing
                    from:
                      uri: direct:fail
                      steps:
                        - log: before
                        - throwException:
                            id: explode
                            exceptionType: java.lang.IllegalStateException
                            message: "no such resident 山田 太郎 with code 12345678901"
                """);
        try (CamelContext camel = context()) {
            camel.getCamelContextExtension().addInterceptStrategy(new RouteFailures());
            load(camel, file);
            camel.start();
            Exchange e = camel.createProducerTemplate().request("direct:fail", x -> {});
            String line = RouteFailures.line(e);
            assertThat(line)
                    .startsWith("route failing step explode (fail.camel.yaml:7) failed (exchange ")
                    .endsWith("java.lang.IllegalStateException: no such resident … … with code #")
                    .doesNotContain("山田")
                    .doesNotContain("12345678901");
        }
    }

    @Test
    void aDatabaseMessageIsNotLogged() throws Exception {
        try (CamelContext camel = context()) {
            camel.start();
            Exchange e = new org.apache.camel.support.DefaultExchange(camel);
            e.setException(
                    new org.springframework.dao.DuplicateKeyException(
                            "insert into resident values ('佐藤')"));
            assertThat(RouteFailures.line(e))
                    .contains("org.springframework.dao.DuplicateKeyException: (a database message")
                    .doesNotContain("insert");
        }
    }

    private static CamelContext context() {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("diagnostics-test");
        return camel;
    }

    private static void load(CamelContext camel, Path file) throws Exception {
        PluginHelper.getRoutesLoader(camel)
                .loadRoutes(ResourceHelper.resolveResource(camel, "file:" + file));
    }
}
