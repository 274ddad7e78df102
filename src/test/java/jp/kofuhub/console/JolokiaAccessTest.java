package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import jp.kofuhub.console.JolokiaAccess.Role;
import jp.kofuhub.console.JolokiaAccess.Verdict;
import org.jolokia.json.JSONObject;
import org.jolokia.json.parser.JSONParser;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.request.JolokiaRequestFactory;
import org.jolokia.server.core.request.ProcessingParameters;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Test;

/**
 * The console's Jolokia policy on requests as Jolokia's own factory parses them (no servlet, no
 * Spring).
 */
class JolokiaAccessTest {

    final JolokiaAccess access =
            new JolokiaAccess(List.of("dump*", "browse*", "canInvoke", "list", "get*"));

    static JolokiaRequest post(String json) throws Exception {
        return JolokiaRequestFactory.createPostRequest(
                (JSONObject) new JSONParser().parse(json), new ProcessingParameters(Map.of()));
    }

    static JolokiaRequest get(String path, String p) throws Exception {
        return JolokiaRequestFactory.createGetRequest(
                path,
                new ProcessingParameters(
                        p == null ? Map.of() : Map.of(ConfigKey.PATH_QUERY_PARAM, p)));
    }

    Verdict viewer(JolokiaRequest r, String method) {
        return access.decide(Role.VIEWER, method, r);
    }

    Verdict operator(JolokiaRequest r, String method) {
        return access.decide(Role.OPERATOR, method, r);
    }

    @Test
    void everyConsoleUserReadsSpringBootsHealthAndNothingElseOfItsDomain() throws Exception {
        // issue #19: Hawtio's Spring Boot → Health runs exec health on this MBean; before, the
        // whole domain was hidden and the page stayed empty
        JolokiaRequest health =
                post(
                        "{\"type\":\"exec\",\"mbean\":\"org.springframework.boot:type=Endpoint,name=Health\","
                                + "\"operation\":\"health\"}");
        assertThat(viewer(health, "POST")).isEqualTo(Verdict.ALLOWED);
        assertThat(operator(health, "POST")).isEqualTo(Verdict.ALLOWED);
        javax.management.ObjectName name =
                new javax.management.ObjectName(
                        "org.springframework.boot:type=Endpoint,name=Health");
        assertThat(access.hidden(name)).isFalse();
        assertThat(access.operation(Role.VIEWER, name, "healthForPath"))
                .isEqualTo(Verdict.FORBIDDEN);
        javax.management.ObjectName loggers =
                new javax.management.ObjectName(
                        "org.springframework.boot:type=Endpoint,name=Loggers");
        assertThat(access.hidden(loggers)).isTrue();
        assertThat(
                        operator(
                                post(
                                        "{\"type\":\"exec\",\"mbean\":\"org.springframework.boot:type=Endpoint,name=Loggers\","
                                                + "\"operation\":\"configureLogLevel\",\"arguments\":[\"ROOT\",\"TRACE\"]}"),
                                "POST"))
                .isEqualTo(Verdict.FORBIDDEN);
        assertThat(
                        access.hidden(
                                new javax.management.ObjectName(
                                        "org.springframework.boot:type=Endpoint,name=Health,x=y")))
                .isTrue();
    }

    @Test
    void jolokiaTakesThePathOverPSoTheFilterMustToo() throws Exception {
        // the finding: the old filter read p, Jolokia runs the path
        JolokiaRequest r =
                get(
                        "/exec/jp.kofuhub:type=CouplingSwitch/suspend/x",
                        "/read/java.lang:type=Memory");
        assertThat(r.getType()).isEqualTo(RequestType.EXEC);
        assertThat(get(null, "/read/java.lang:type=Memory").getType()).isEqualTo(RequestType.READ);
        assertThat(viewer(r, "GET")).isEqualTo(Verdict.FORBIDDEN);
        assertThat(operator(r, "GET"))
                .as("no exec by GET, for anyone")
                .isEqualTo(Verdict.FORBIDDEN);
    }

    @Test
    void aViewerReadsListsSearchesAndAsksTheVersion() throws Exception {
        assertThat(viewer(post("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}"), "POST"))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(viewer(post("{\"type\":\"list\"}"), "POST")).isEqualTo(Verdict.ALLOWED);
        assertThat(viewer(post("{\"type\":\"search\",\"mbean\":\"*:*\"}"), "POST"))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(viewer(get("/version", null), "GET")).isEqualTo(Verdict.ALLOWED);
        assertThat(viewer(get("/read/java.lang:type=Memory/HeapMemoryUsage", null), "GET"))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(access.decide(Role.NONE, "GET", get("/version", null)))
                .as("no login")
                .isEqualTo(Verdict.FORBIDDEN);
    }

    @Test
    void operationsByRole() throws Exception {
        JolokiaRequest suspend =
                post(
                        "{\"type\":\"exec\",\"mbean\":\"jp.kofuhub:type=CouplingSwitch\","
                                + "\"operation\":\"suspend(java.lang.String)\",\"arguments\":[\"b\"]}");
        assertThat(viewer(suspend, "POST")).isEqualTo(Verdict.OPERATOR_ONLY);
        assertThat(operator(suspend, "POST")).isEqualTo(Verdict.ALLOWED);
        JolokiaRequest dump =
                post(
                        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=c,type=context,name=\\\"c\\\"\","
                                + "\"operation\":\"dumpRoutesAsXml()\"}");
        assertThat(viewer(dump, "POST")).isEqualTo(Verdict.ALLOWED);
        assertThat(
                        viewer(
                                post(
                                        "{\"type\":\"exec\",\"mbean\":\"hawtio:type=security,name=RBACRegistry\",\"operation\":"
                                                + "\"list()\"}"),
                                "POST"))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(
                        viewer(
                                post(
                                        "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}"),
                                "POST"))
                .isEqualTo(Verdict.OPERATOR_ONLY);
        assertThat(
                        viewer(
                                post(
                                        "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Threading\",\"operation\":\"getThreadInfo\","
                                                + "\"arguments\":[1]}"),
                                "POST"))
                .as("get* is for Camel's and Hawtio's MBeans only")
                .isEqualTo(Verdict.FORBIDDEN);
    }

    @Test
    void nobodyWritesDumpsTheHeapOrSendsIntoCamel() throws Exception {
        for (Role role : List.of(Role.VIEWER, Role.OPERATOR)) {
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                                                    + "\"attribute\":\"Verbose\",\"value\":true}")))
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type="
                                                    + "HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/h\",true]}")))
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type="
                                                    + "DiagnosticCommand\",\"operation\":\"jvmtiAgentLoad\",\"arguments\":[[\"x\"]]}")))
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=c,"
                                                    + "type=context,name=\\\"c\\\"\",\"operation\":\"sendBody\",\"arguments\":[\"direct:x\",\"b\"]}")))
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=c,"
                                                    + "type=endpoints,name=\\\"seda://x\\\"\",\"operation\":\"browseAllMessagesAsXml\",\"arguments\":[true]}")))
                    .as("browse* stays refused even when configured")
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"exec\",\"mbean\":\"jp.kofuhub:*\",\"operation\":"
                                                    + "\"suspend\",\"arguments\":[\"x\"]}")))
                    .as("exec on a pattern")
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post(
                                            "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\","
                                                    + "\"attribute\":\"SystemProperties\"}")))
                    .isEqualTo(Verdict.FORBIDDEN);
            assertThat(
                            access.decide(
                                    role,
                                    "POST",
                                    post("{\"type\":\"notification\",\"command\":\"register\"}")))
                    .isEqualTo(Verdict.FORBIDDEN);
        }
        assertThat(access.hidden(new ObjectName("com.sun.management:type=HotSpotDiagnostic")))
                .isTrue();
        assertThat(
                        access.hidden(
                                new ObjectName(
                                        "org.apache.camel:context=c,type=tracer,name=BacklogTracer")))
                .isTrue();
        assertThat(access.hidden(new ObjectName("java.lang:type=Memory"))).isFalse();
    }

    @Test
    void theRestrictorAsksTheSamePolicyForTheCurrentUser() throws Exception {
        Role[] role = {Role.VIEWER};
        ConsoleRestrictor r = new ConsoleRestrictor(access, () -> role[0], () -> "POST");
        ObjectName sw = new ObjectName("jp.kofuhub:type=CouplingSwitch");
        assertThat(r.isOperationAllowed(sw, "suspend")).isFalse();
        role[0] = Role.OPERATOR;
        assertThat(r.isOperationAllowed(sw, "suspend(java.lang.String)")).isTrue();
        assertThat(r.isAttributeWriteAllowed(new ObjectName("java.lang:type=Memory"), "Verbose"))
                .isFalse();
        assertThat(
                        r.isObjectNameHidden(
                                new ObjectName("com.sun.management:type=DiagnosticCommand")))
                .isTrue();
        assertThat(r.isOriginAllowed("https://evil.example", false))
                .as("never a CORS answer")
                .isFalse();
        assertThat(
                        new ConsoleRestrictor(access, () -> Role.OPERATOR, () -> "GET")
                                .isTypeAllowed(RequestType.EXEC))
                .isFalse();
        role[0] = Role.NONE;
        assertThat(r.isTypeAllowed(RequestType.READ)).isFalse();
    }
}
