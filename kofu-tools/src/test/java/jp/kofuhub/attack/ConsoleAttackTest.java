package jp.kofuhub.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jp.kofuhub.console.ConsoleSession;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.support.ConsoleHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #16, finding 1 and the console's defence in depth, attacked on the real mutual-TLS listener
 * (ConsoleHub: real Spring Security chain, real Hawtio and Jolokia, real MBeans). The Jolokia
 * access matrix — GET and POST, path and {@code p} forms, bulk, read/write/exec/search/list/version
 * — for no login, VIEWER, OPERATOR and a client certificate that may not reach the console; the
 * heap dump and the other JVM diagnostics refused to everyone; no CORS; the session cookie's
 * attributes; the stop switch's audit row naming the logged-in user (and the certificate for the
 * operators' API).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = ConsoleHub.class)
class ConsoleAttackTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String SWITCH = "jp.kofuhub:type=CouplingSwitch";
    static final String READ =
            "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}";
    static final String SUSPEND_BY_PATH_WITH_P =
            "/actuator/jolokia/exec/" + SWITCH + "/suspend/x/y?p=/read/java.lang:type=Memory";
    static final String WRITE_BY_PATH_WITH_P =
            "/actuator/jolokia/write/java.lang:type=Memory/Verbose/true?p=/read/java.lang:type=Memory";

    @LocalServerPort int port;

    @Autowired CouplingSwitch coupling;

    @Autowired JdbcTemplate jdbc;

    @AfterEach
    void resumeAndQuiet() {
        if (coupling.suspended()) {
            coupling.resume("attack-test", "clean-up");
        }
        ManagementFactory.getMemoryMXBean().setVerbose(false);
    }

    // ------------------------------------------------------------------ sessions

    ConsoleSession noLogin() {
        return new ConsoleSession(port, "operator");
    }

    ConsoleSession viewer() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        assertThat(
                        s.login("viewer", ConsoleHub.VIEWER_PASSWORD)
                                .headers()
                                .firstValue("Location")
                                .orElseThrow())
                .endsWith("/actuator/hawtio/");
        s.get("/actuator/hawtio/"); // the XSRF-TOKEN cookie
        return s;
    }

    ConsoleSession operator() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        assertThat(
                        s.login("operator", ConsoleHub.OPERATOR_PASSWORD)
                                .headers()
                                .firstValue("Location")
                                .orElseThrow())
                .endsWith("/actuator/hawtio/");
        s.get("/actuator/hawtio/");
        return s;
    }

    /** The centre's certificate: an API client, not a management client. */
    ConsoleSession wrongCertificate() {
        return new ConsoleSession(port, "centre");
    }

    static HttpResponse<String> post(ConsoleSession s, String path, String json) throws Exception {
        return s.send(
                path,
                b ->
                        b.header("Content-Type", "application/json")
                                .header("X-XSRF-TOKEN", s.xsrf() == null ? "" : s.xsrf())
                                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Jolokia ran it: HTTP 200 and every answer in the body with status 200. */
    static boolean ran(HttpResponse<String> r) throws Exception {
        if (r.statusCode() != 200) {
            return false;
        }
        JsonNode n = JSON.readTree(r.body());
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (e.path("status").asInt() != 200) {
                    return false;
                }
            }
            return !n.isEmpty();
        }
        return n.path("status").asInt() == 200;
    }

    /** Refused before or by Jolokia: not run, and nothing in the body but the refusal. */
    static void refused(HttpResponse<String> r, String what) throws Exception {
        assertThat(ran(r)).as(what + ": HTTP " + r.statusCode() + " " + r.body()).isFalse();
        if (r.statusCode() != 200) {
            JsonNode n = JSON.readTree(r.body());
            assertThat(n.path("status").asInt())
                    .as(what + " answers JSON {status,code,message}: " + r.body())
                    .isEqualTo(r.statusCode());
            assertThat(n.path("code").asText()).as(what).isNotBlank();
            assertThat(n.path("message").asText()).as(what).isNotBlank();
        }
    }

    // ------------------------------------------------------------------ the finding as filed

    @Test
    void aGetExecNamedByThePathWithAHarmlessPIsRefusedAndSuspendsNothing() throws Exception {
        for (ConsoleSession s : List.of(viewer(), operator())) {
            refused(s.get(SUSPEND_BY_PATH_WITH_P), "GET exec suspend with p=read");
            refused(
                    s.get(
                            "/actuator/hawtio/jolokia/exec/"
                                    + SWITCH
                                    + "/suspend/x/y?p=/read/java.lang:type=Memory"),
                    "the same through Hawtio's forward");
            assertThat(coupling.suspended()).as("the coupling").isFalse();
        }
        assertThat(noLogin().get(SUSPEND_BY_PATH_WITH_P).statusCode()).isEqualTo(401);
        assertThat(wrongCertificate().get(SUSPEND_BY_PATH_WITH_P).statusCode()).isEqualTo(403);
        assertThat(coupling.suspended()).isFalse();
    }

    @Test
    void aGetWriteNamedByThePathWithAHarmlessPIsRefusedAndWritesNothing() throws Exception {
        for (ConsoleSession s : List.of(viewer(), operator())) {
            refused(s.get(WRITE_BY_PATH_WITH_P), "GET write with p=read");
            assertThat(ManagementFactory.getMemoryMXBean().isVerbose())
                    .as("Memory.Verbose")
                    .isFalse();
        }
    }

    @Test
    void aRequestCarryingBothAPathAndPIsRefusedEvenForAHarmlessRead() throws Exception {
        HttpResponse<String> r =
                viewer().get(
                                "/actuator/jolokia/read/java.lang:type=Runtime/Uptime?p=/read/java.lang:type=Memory");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("CONSOLE_AMBIGUOUS_REQUEST");
    }

    // ------------------------------------------------------------------ the matrix

    @Test
    void readsListsSearchesAndTheVersionByGetAndPostForAnyLoggedInUser() throws Exception {
        for (ConsoleSession s : List.of(viewer(), operator())) {
            assertThat(ran(s.get("/actuator/jolokia/read/java.lang:type=Runtime/Uptime")))
                    .as("GET read, path")
                    .isTrue();
            assertThat(ran(s.get("/actuator/jolokia?p=/read/java.lang:type=Runtime/Uptime")))
                    .as("GET read, p")
                    .isTrue();
            assertThat(ran(s.get("/actuator/jolokia/version"))).as("GET version").isTrue();
            assertThat(ran(s.get("/actuator/jolokia/list/java.lang"))).as("GET list").isTrue();
            assertThat(ran(s.get("/actuator/jolokia/search/java.lang:*")))
                    .as("GET search")
                    .isTrue();
            assertThat(ran(post(s, "/actuator/jolokia", READ))).as("POST read").isTrue();
            assertThat(ran(post(s, "/actuator/jolokia", "[" + READ + ",{\"type\":\"version\"}]")))
                    .as("POST bulk")
                    .isTrue();
            assertThat(
                            ran(
                                    post(
                                            s,
                                            "/actuator/jolokia",
                                            "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}")))
                    .as("POST search")
                    .isTrue();
        }
    }

    @Test
    void noLoginAndAWrongCertificateGetNothing() throws Exception {
        ConsoleSession none = noLogin();
        ConsoleSession centre = wrongCertificate();
        for (String path :
                List.of(
                        "/actuator/jolokia/version",
                        "/actuator/jolokia/read/java.lang:type=Runtime/Uptime",
                        "/actuator/jolokia?p=/read/java.lang:type=Runtime/Uptime",
                        "/actuator/jolokia/list",
                        "/actuator/jolokia/search/*:*",
                        "/actuator/jolokia/exec/java.lang:type=Memory/gc",
                        "/actuator/hawtio/jolokia/version")) {
            assertThat(none.get(path).statusCode()).as("no login: GET " + path).isEqualTo(401);
            HttpResponse<String> c = centre.get(path);
            assertThat(c.statusCode()).as("centre certificate: GET " + path).isEqualTo(403);
            assertThat(c.body()).contains("CLIENT_NOT_ALLOWED");
        }
        none.get("/actuator/console/login"); // a session and an XSRF-TOKEN, still no login
        assertThat(post(none, "/actuator/jolokia", READ).statusCode())
                .as("no login: POST")
                .isEqualTo(401);
        assertThat(
                        post(
                                        none,
                                        "/actuator/jolokia",
                                        "{\"type\":\"exec\",\"mbean\":\""
                                                + SWITCH
                                                + "\",\"operation\":\"suspend\",\"arguments\":[\"x\"]}")
                                .statusCode())
                .isEqualTo(401);
        assertThat(post(centre, "/actuator/jolokia", READ).statusCode()).isEqualTo(403);
        assertThat(coupling.suspended()).isFalse();
    }

    @Test
    void execAndWriteByGetAreRefusedToEveryoneInEveryForm() throws Exception {
        for (ConsoleSession s : List.of(viewer(), operator())) {
            for (String path :
                    List.of(
                            "/actuator/jolokia/exec/java.lang:type=Memory/gc",
                            "/actuator/jolokia?p=/exec/java.lang:type=Memory/gc",
                            "/actuator/jolokia/exec/" + SWITCH + "/suspend/drill",
                            "/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc",
                            "/actuator/jolokia/write/java.lang:type=Memory/Verbose/true",
                            "/actuator/jolokia?p=/write/java.lang:type=Memory/Verbose/true")) {
                refused(s.get(path), "GET " + path);
            }
            // Spring Security's firewall refuses "//" before the console's chain (400, Boot's error
            // body)
            HttpResponse<String> doubled =
                    s.get("/actuator/jolokia//exec/java.lang:type=Memory/gc");
            assertThat(ran(doubled)).as(doubled.body()).isFalse();
            assertThat(doubled.statusCode()).isEqualTo(400);
        }
        assertThat(coupling.suspended()).isFalse();
        assertThat(ManagementFactory.getMemoryMXBean().isVerbose()).isFalse();
    }

    @Test
    void aViewerRunsNoOperationThatChangesAnythingAndWritesNothing() throws Exception {
        ConsoleSession v = viewer();
        HttpResponse<String> suspend =
                post(
                        v,
                        "/actuator/jolokia",
                        "{\"type\":\"exec\",\"mbean\":\""
                                + SWITCH
                                + "\",\"operation\":\"suspend(java.lang.String)\",\"arguments\":[\"drill\"]}");
        assertThat(suspend.statusCode()).isEqualTo(403);
        assertThat(suspend.body()).contains("CONSOLE_OPERATOR_ONLY");
        refused(suspend, "viewer POST exec suspend");
        refused(
                post(
                        v,
                        "/actuator/jolokia",
                        "["
                                + READ
                                + ",{\"type\":\"exec\",\"mbean\":\""
                                + SWITCH
                                + "\",\"operation\":\"suspend(java.lang.String)\",\"arguments\":[\"drill\"]}]"),
                "viewer bulk with a suspend");
        refused(
                post(
                        v,
                        "/actuator/jolokia",
                        "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":"
                                + "\"Verbose\",\"value\":true}"),
                "viewer POST write");
        assertThat(coupling.suspended()).isFalse();
        assertThat(ManagementFactory.getMemoryMXBean().isVerbose()).isFalse();
    }

    @Test
    void anOperatorRunsTheStopSwitchButWritesNoAttribute() throws Exception {
        ConsoleSession o = operator();
        refused(
                post(
                        o,
                        "/actuator/jolokia",
                        "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":"
                                + "\"Verbose\",\"value\":true}"),
                "operator POST write");
        assertThat(ManagementFactory.getMemoryMXBean().isVerbose()).isFalse();
        HttpResponse<String> noToken =
                o.send(
                        "/actuator/jolokia",
                        b ->
                                b.header("Content-Type", "application/json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"type\":\"exec\",\"mbean\":\""
                                                                + SWITCH
                                                                + "\",\"operation\":\"suspend(java.lang.String)\",\"arguments\":[\"drill\"]}")));
        assertThat(noToken.statusCode()).as("POST exec without the CSRF token").isEqualTo(403);
        assertThat(coupling.suspended()).isFalse();
    }

    // ------------------------------------------------------------------ diagnostics: nobody

    @Test
    void theHeapDumpAndTheOtherJvmDiagnosticsAreRefusedToEveryone() throws Exception {
        Path dir = Files.createTempDirectory("kofu-attack-");
        Path heap = dir.resolve("heap.hprof");
        List<String> attacks =
                List.of(
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\","
                                + "\"arguments\":[\""
                                + heap
                                + "\",true]}",
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":"
                                + "\"dumpHeap(java.lang.String,boolean)\",\"arguments\":[\""
                                + heap
                                + "\",false]}",
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"gcHeapDump\","
                                + "\"arguments\":[[\""
                                + heap
                                + "\"]]}",
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"jvmtiAgentLoad\","
                                + "\"arguments\":[[\"/nonexistent/agent.so\"]]}",
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"setVMOption\","
                                + "\"arguments\":[\"HeapDumpOnOutOfMemoryError\",\"true\"]}",
                        "{\"type\":\"exec\",\"mbean\":\"com.sun.management:*\",\"operation\":\"dumpHeap\",\"arguments\":[\""
                                + heap
                                + "\",true]}",
                        "["
                                + READ
                                + ",{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":"
                                + "\"dumpHeap\",\"arguments\":[\""
                                + heap
                                + "\",true]}]");
        for (ConsoleSession s : List.of(viewer(), operator())) {
            for (String a : attacks) {
                refused(post(s, "/actuator/jolokia", a), a);
                refused(post(s, "/actuator/hawtio/jolokia", a), "through Hawtio's forward: " + a);
            }
            refused(
                    s.get(
                            "/actuator/jolokia/exec/com.sun.management:type=HotSpotDiagnostic/dumpHeap/"
                                    + heap.toString().replace("/", "!/")
                                    + "/true"),
                    "GET dumpHeap");
            refused(
                    s.get("/actuator/jolokia/read/java.lang:type=Runtime/SystemProperties"),
                    "system properties");
            refused(
                    s.get("/actuator/jolokia/read/java.lang:type=Runtime/InputArguments"),
                    "JVM arguments");
        }
        assertThat(heap).as("no heap dump written").doesNotExist();
        assertThat(
                        ManagementFactory.getPlatformMXBean(
                                        com.sun.management.HotSpotDiagnosticMXBean.class)
                                .getVMOption("HeapDumpOnOutOfMemoryError")
                                .getValue())
                .isEqualTo("false");
    }

    @Test
    void camelMessagesLoggingAndHiddenMBeansAreOutOfReach() throws Exception {
        String camel =
                "org.apache.camel:context="
                        + ConsoleHub.CAMEL_NAME
                        + ",type=context,name=\\\""
                        + ConsoleHub.CAMEL_NAME
                        + "\\\"";
        ConsoleSession o = operator();
        ConsoleSession v = viewer();
        for (ConsoleSession s : List.of(v, o)) {
            refused(
                    post(
                            s,
                            "/actuator/jolokia",
                            "{\"type\":\"exec\",\"mbean\":\""
                                    + camel
                                    + "\",\"operation\":"
                                    + "\"sendStringBody(java.lang.String,java.lang.String)\",\"arguments\":[\"direct:issue-certificate\","
                                    + "\"{}\"]}"),
                    "Camel sendStringBody into a route");
            refused(
                    post(
                            s,
                            "/actuator/jolokia",
                            "{\"type\":\"exec\",\"mbean\":\""
                                    + camel
                                    + "\",\"operation\":"
                                    + "\"addOrUpdateRoutesFromXml(java.lang.String)\",\"arguments\":[\"<routes/>\"]}"),
                    "Camel route change");
            refused(
                    post(
                            s,
                            "/actuator/jolokia",
                            "{\"type\":\"write\",\"mbean\":\""
                                    + camel
                                    + "\",\"attribute\":"
                                    + "\"Tracing\",\"value\":true}"),
                    "Camel tracing on (bodies in the log)");
            refused(
                    post(
                            s,
                            "/actuator/jolokia",
                            "{\"type\":\"exec\",\"mbean\":\"java.util.logging:type=Logging\","
                                    + "\"operation\":\"setLoggerLevel\",\"arguments\":[\"\",\"FINEST\"]}"),
                    "log levels");
            refused(
                    post(
                            s,
                            "/actuator/jolokia",
                            "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context="
                                    + ConsoleHub.CAMEL_NAME
                                    + ",type=endpoints,*\",\"operation\":\"browseAllMessagesAsXml\","
                                    + "\"arguments\":[true]}"),
                    "Camel browse (message bodies)");
            HttpResponse<String> list = s.get("/actuator/jolokia/list?maxDepth=2");
            assertThat(ran(list)).isTrue();
            assertThat(list.body())
                    .as("list hides the diagnostics")
                    .doesNotContain("HotSpotDiagnostic")
                    .doesNotContain("DiagnosticCommand");
            HttpResponse<String> search = s.get("/actuator/jolokia/search/com.sun.management:*");
            assertThat(search.body())
                    .doesNotContain("HotSpotDiagnostic")
                    .doesNotContain("DiagnosticCommand");
        }
        assertThat(
                        ran(
                                post(
                                        v,
                                        "/actuator/jolokia",
                                        "{\"type\":\"exec\",\"mbean\":\""
                                                + camel
                                                + "\",\"operation\":\"dumpRoutesAsXml()\"}")))
                .as("the route diagram Hawtio draws for a viewer")
                .isTrue();
    }

    // ------------------------------------------------------------------ browser-side defences

    @Test
    void aForeignOriginGetsNoCorsHeadersAndIsRefused() throws Exception {
        ConsoleSession o = operator();
        for (ConsoleSession s : List.of(o, viewer())) {
            HttpResponse<String> get =
                    s.send(
                            "/actuator/jolokia/read/java.lang:type=Runtime/Uptime",
                            b -> b.header("Origin", "https://evil.example").GET());
            assertThat(get.headers().firstValue("Access-Control-Allow-Origin"))
                    .as("GET with a foreign Origin")
                    .isEmpty();
            assertThat(get.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            refused(get, "GET with a foreign Origin");
            HttpResponse<String> postForeign =
                    s.send(
                            "/actuator/jolokia",
                            b ->
                                    b.header("Origin", "https://evil.example")
                                            .header("Content-Type", "application/json")
                                            .header("X-XSRF-TOKEN", s.xsrf())
                                            .POST(HttpRequest.BodyPublishers.ofString(READ)));
            assertThat(postForeign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            refused(postForeign, "POST with a foreign Origin");
            HttpResponse<String> preflight =
                    s.send(
                            "/actuator/jolokia",
                            b ->
                                    b.header("Origin", "https://evil.example")
                                            .header("Access-Control-Request-Method", "POST")
                                            .method(
                                                    "OPTIONS",
                                                    HttpRequest.BodyPublishers.noBody()));
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .as("preflight")
                    .isEmpty();
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials"))
                    .isEmpty();
        }
        HttpResponse<String> same =
                o.send(
                        "/actuator/jolokia/read/java.lang:type=Runtime/Uptime",
                        b -> b.header("Origin", "https://localhost:" + port).GET());
        assertThat(ran(same)).as("the console's own origin").isTrue();
        assertThat(same.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theSessionCookieIsStrictSecureAndHttpOnly() throws Exception {
        ConsoleSession s = new ConsoleSession(port, "operator");
        HttpResponse<String> login = s.login("operator", ConsoleHub.OPERATOR_PASSWORD);
        List<String> cookies = login.headers().allValues("Set-Cookie");
        String session =
                cookies.stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
        assertThat(session)
                .containsIgnoringCase("SameSite=Strict")
                .containsIgnoringCase("Secure")
                .containsIgnoringCase("HttpOnly");
        String xsrf =
                s.get("/actuator/hawtio/").headers().allValues("Set-Cookie").stream()
                        .filter(c -> c.startsWith("XSRF-TOKEN="))
                        .findFirst()
                        .orElse(null);
        if (xsrf != null) {
            assertThat(xsrf).containsIgnoringCase("SameSite=Strict").containsIgnoringCase("Secure");
        }
    }

    // ------------------------------------------------------------------ the audit names who did it

    @Test
    void theStopSwitchRecordsTheLoggedInUserNotATypedName() throws Exception {
        ConsoleSession o = operator();
        HttpResponse<String> r =
                post(
                        o,
                        "/actuator/jolokia",
                        "{\"type\":\"exec\",\"mbean\":\""
                                + SWITCH
                                + "\",\"operation\":\"suspend(java.lang.String)\",\"arguments\":[\"drill: leak feared\"]}");
        assertThat(ran(r)).as(r.body()).isTrue();
        assertThat(coupling.suspended()).isTrue();
        assertThat(coupling.getSuspendedBy()).isEqualTo("console:operator");
        assertThat(coupling.getReason()).isEqualTo("drill: leak feared");
        HttpResponse<String> back =
                post(
                        o,
                        "/actuator/jolokia",
                        "{\"type\":\"exec\",\"mbean\":\""
                                + SWITCH
                                + "\",\"operation\":\"resume(java.lang.String)\",\"arguments\":[\"drill over\"]}");
        assertThat(ran(back)).as(back.body()).isTrue();
        assertThat(operatorsOf("drill: leak feared")).containsExactly("console:operator");
        assertThat(operatorsOf("drill over")).containsExactly("console:operator");

        // the operators' API: the client certificate's subject, whatever "operator" the body claims
        ConsoleSession api = noLogin();
        HttpResponse<String> viaApi =
                api.send(
                        "/actuator/coupling",
                        b ->
                                b.header("Content-Type", "application/json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"action\":\"suspend\",\"operator\":\"someone-else\","
                                                                + "\"reason\":\"drill by API\"}")));
        assertThat(viaApi.statusCode()).as(viaApi.body()).isEqualTo(200);
        assertThat(coupling.getSuspendedBy()).isEqualTo("cert:operator");
        api.send(
                "/actuator/coupling",
                b ->
                        b.header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"action\":\"resume\",\"reason\":\"drill by API over\"}")));
        assertThat(operatorsOf("drill by API")).containsExactly("cert:operator");
        assertThat(operatorsOf("drill by API over")).containsExactly("cert:operator");
        assertThat(coupling.suspended()).isFalse();
    }

    @Test
    void aPersonalOperatorCertificateNamesThePersonInTheHistory() throws Exception {
        // issue #19: the demo key set makes one certificate per named operator; the operators'
        // command presents the one KOFU_OPERATOR (here kofu.operator) names, and the hub records
        // that certificate's subject, not a typed name
        String url = "https://localhost:" + port;
        System.setProperty("kofu.keys.dir", jp.kofuhub.support.TestHub.KEYS.toString());
        System.setProperty("kofu.operator", "operator-aoki");
        try {
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    jp.kofuhub.ops.CouplingCommand::run,
                                    "suspend",
                                    "--operator",
                                    "someone-else",
                                    "--why",
                                    "drill by a named operator",
                                    "--url",
                                    url))
                    .startsWith("0\n")
                    .contains("by cert:operator-aoki");
            assertThat(coupling.getSuspendedBy()).isEqualTo("cert:operator-aoki");
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    jp.kofuhub.ops.CouplingCommand::run,
                                    "resume",
                                    "--why",
                                    "named drill over",
                                    "--url",
                                    url))
                    .startsWith("0\n");
            // a name that is not a key-folder name is refused before any call
            System.setProperty("kofu.operator", "../centre");
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    jp.kofuhub.ops.CouplingCommand::run, "status", "--url", url))
                    .startsWith("2\n");
        } finally {
            System.clearProperty("kofu.operator");
            System.clearProperty("kofu.keys.dir");
        }
        assertThat(operatorsOf("drill by a named operator")).containsExactly("cert:operator-aoki");
        assertThat(operatorsOf("named drill over")).containsExactly("cert:operator-aoki");
        assertThat(coupling.suspended()).isFalse();
    }

    /** The operators of the history rows with this reason (one row per municipality served). */
    private List<String> operatorsOf(String reason) {
        return jdbc.queryForList(
                "select distinct operator from issuance_history where kind = ? and reason = ?",
                String.class,
                IssuanceHistory.COUPLING,
                reason);
    }
}
