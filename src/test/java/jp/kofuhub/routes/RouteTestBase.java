package jp.kofuhub.routes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import jp.kofuhub.ops.RouteDiagnosticsBeans;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared part of a route-level test (docs/testing.md "How to test a route"): Spring with Camel
 * and nothing else of the hub — no web server, database, security or actuator unless a test imports
 * them — so a test class starts in a second or two. {@code config/application.yaml} is read as
 * always (Spring's default {@code ./config/} location), so every {@code {{placeholder}}} of a route
 * resolves; a test names the route files it loads in {@code camel.main.routes-include-pattern} and
 * swaps the edges it needs through their placeholders ({@code mock:}, a temporary folder) or
 * AdviceWith.
 */
public final class RouteTestBase {

    private RouteTestBase() {}

    /**
     * A file-lock cluster service for the {@code master:} consumers of the routes under test (the
     * single test instance leads at once).
     */
    public static CamelContextConfiguration fileLockCluster(String root) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                FileLockClusterService cluster = new FileLockClusterService();
                cluster.setRoot(root);
                cluster.setAcquireLockDelay(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                try {
                    camel.addService(cluster);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {}
        };
    }

    /**
     * Camel's Spring Boot set-up and the hub's route diagnostics (bean {@code routeFailures}, the
     * endpoint options check) only; the test class adds {@code @SpringBootTest(classes = its beans,
     * properties = its route files and edges)}.
     */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @CamelSpringBootTest
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    @Import(RouteDiagnosticsBeans.class)
    @TestPropertySource(
            properties = {
                "camel.main.routes-exclude-pattern=",
                "camel.main.jmx-enabled=false",
                "camel.main.routes-reload-enabled=false",
                "spring.jmx.enabled=false",
                "kofu.demo.enabled=false"
            })
    public @interface RouteTest {}

    /**
     * A route test over real HTTP: Tomcat on a free port, Spring MVC, Spring's error path (the
     * hub's {@code JsonErrorController} answers there when a test imports it) and Camel's
     * platform-http, so the routes' {@code rest:} definitions serve as in the hub. Use with {@code
     * webEnvironment = RANDOM_PORT} and {@code server.ssl.enabled=false}.
     */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ImportAutoConfiguration({
        org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration
                .class,
        org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration.class,
        org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration.class,
        org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration.class,
        org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration.class,
        org.apache.camel.component.platform.http.springboot.PlatformHttpComponentAutoConfiguration
                .class,
        org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpAutoConfiguration
                .class
    })
    public @interface OverHttp {}
}
