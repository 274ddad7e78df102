package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import jp.kofuhub.support.ConsoleHub;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The console's login and roles on the real mutual-TLS listener (ConsoleHub), spoken to as Hawtio
 * does: form login, then Jolokia POSTs with the XSRF-TOKEN cookie echoed. The headless-browser run
 * of the same is {@link ConsoleBrowserTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = ConsoleHub.class)
class ConsoleSecurityTest {

    static final String READ =
            "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}";
    static final String EXEC =
            "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}";
    static final String WRITE =
            "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\","
                    + "\"value\":false}";

    @LocalServerPort int port;

    @Test
    void theConsoleAsksForALoginFirst() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        HttpResponse<String> hawtio = s.get("/actuator/hawtio/");
        assertThat(hawtio.statusCode()).isEqualTo(302);
        assertThat(hawtio.headers().firstValue("Location").orElseThrow())
                .endsWith("/actuator/console/login");
        assertThat(s.get("/actuator/jolokia/version").statusCode())
                .as("Jolokia without a login")
                .isEqualTo(401);
        HttpResponse<String> page = s.get("/actuator/console/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Kofu Hub console", "name=\"_csrf\"");
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        HttpResponse<String> r = s.login("operator", "not-the-password");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow())
                .endsWith("/actuator/console/login?error");
        assertThat(
                        s.login("nobody", ConsoleHub.OPERATOR_PASSWORD)
                                .headers()
                                .firstValue("Location")
                                .orElseThrow())
                .endsWith("?error");
        assertThat(s.get("/actuator/hawtio/").statusCode()).isEqualTo(302);
    }

    @Test
    void anOperatorReadsAndRunsOperations() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        HttpResponse<String> login = s.login("operator", ConsoleHub.OPERATOR_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow())
                .endsWith("/actuator/hawtio/");
        HttpResponse<String> ui = s.get("/actuator/hawtio/");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("hawtio");
        assertThat(s.xsrf()).as("the XSRF-TOKEN cookie Hawtio echoes").isNotBlank();
        assertThat(s.jolokia(READ, true).body()).contains("\"status\":200");
        HttpResponse<String> exec = s.jolokia(EXEC, true);
        assertThat(exec.statusCode()).isEqualTo(200);
        assertThat(exec.body()).contains("\"status\":200");
        HttpResponse<String> write = s.jolokia(WRITE, true);
        assertThat(write.statusCode())
                .as("no attribute writes through the console, operators included")
                .isEqualTo(403);
        assertThat(write.body()).contains("CONSOLE_FORBIDDEN");
        assertThat(s.jolokia(EXEC, false).statusCode())
                .as("without the CSRF header")
                .isEqualTo(403);
    }

    @Test
    void aViewerReadsButCannotRunOperationsOrWrite() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        assertThat(
                        s.login("viewer", ConsoleHub.VIEWER_PASSWORD)
                                .headers()
                                .firstValue("Location")
                                .orElseThrow())
                .endsWith("/actuator/hawtio/");
        assertThat(s.get("/actuator/hawtio/").statusCode()).isEqualTo(200);
        HttpResponse<String> read = s.jolokia(READ, true);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"status\":200");
        assertThat(s.jolokia("{\"type\":\"list\",\"path\":\"java.lang\"}", true).body())
                .contains("\"status\":200");
        assertThat(
                        s.jolokia(
                                        "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}",
                                        true)
                                .body())
                .contains("\"status\":200");

        HttpResponse<String> exec = s.jolokia(EXEC, true);
        assertThat(exec.statusCode()).isEqualTo(403);
        assertThat(exec.body()).contains("CONSOLE_OPERATOR_ONLY");
        assertThat(s.jolokia(WRITE, true).statusCode()).isEqualTo(403);
        assertThat(s.jolokia("[" + READ + "," + EXEC + "]", true).statusCode())
                .as("a bulk request with an exec")
                .isEqualTo(403);
        assertThat(s.jolokia("[" + READ + "," + READ + "]", true).statusCode()).isEqualTo(200);
        assertThat(
                        s.jolokia(
                                        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=kofu-hub-console,type=context,"
                                                + "name=\\\"kofu-hub-console\\\"\",\"operation\":\"dumpRoutesAsXml()\"}",
                                        true)
                                .statusCode())
                .as("a read-only operation Hawtio's route diagram needs")
                .isEqualTo(200);
        assertThat(s.jolokia("not json", true).statusCode()).isEqualTo(400);
        assertThat(s.get("/actuator/jolokia/exec/java.lang:type=Memory/gc").statusCode())
                .as("exec by GET")
                .isEqualTo(403);
        assertThat(s.get("/actuator/jolokia/exec/java.lang:type=Memory/gc").body())
                .contains("CONSOLE_FORBIDDEN");
        assertThat(s.get("/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc").statusCode())
                .as("exec by GET through Hawtio's forward")
                .isEqualTo(403);
        assertThat(s.get("/actuator/jolokia/read/java.lang:type=Runtime/Uptime").statusCode())
                .isEqualTo(200);
    }

    @Test
    void theOtherManagementEndpointsNeedNoLoginOnlyTheCertificate() throws Exception {
        ConsoleSession operator = new ConsoleSession(port, "operator");
        HttpResponse<String> health = operator.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Set-Cookie"))
                .as("no session for the tools")
                .isEmpty();
        assertThat(operator.get("/actuator/quarantine").statusCode()).isEqualTo(200);
        assertThat(operator.get("/actuator/history").statusCode()).isEqualTo(200);

        ConsoleSession centre = new ConsoleSession(port, "centre");
        assertThat(centre.get("/actuator/console/login").statusCode())
                .as("the centre's certificate")
                .isEqualTo(403);
        assertThat(centre.get("/actuator/hawtio/").statusCode()).isEqualTo(403);
        assertThat(centre.get("/api/v1/openapi.yaml").statusCode()).isEqualTo(200);
    }
}
