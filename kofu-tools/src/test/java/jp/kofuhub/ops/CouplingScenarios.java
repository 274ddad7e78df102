package jp.kofuhub.ops;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.settlement.Settlement;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestRecords;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The stop switch on a hub of its own ({@link CouplingHub}): suspend through the bean, JMX, the
 * actuator endpoint and the command; boundary routes suspended, API requests refused 503
 * COUPLING_SUSPENDED with no transaction row, SUSPENDED / RESUMED rows with who and why in every
 * municipality's chain (chains still verify, the settlement ignores them); resume brings issuing
 * back; a state written to the database by "another instance" (or found at a restart) is followed
 * by this one. Every test leaves the coupling resumed.
 */
abstract class CouplingScenarios extends HubTestBase {

    static final String CITY = "990004";
    static final String HEAD = atena(9701);
    static final String CARD = "CP00000000000001";
    static final List<String> BOUNDARY =
            List.of(
                    "post-availability",
                    "post-certificate",
                    "post-completion",
                    "post-koseki-registration",
                    "registry-sync",
                    "daily-settlement");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicBoolean LOADED = new AtomicBoolean();

    @Autowired CouplingSwitch coupling;

    @Autowired CamelContext camel;

    @Autowired ProducerTemplate producer;

    @Autowired IssuanceHistory history;

    @Autowired Settlement settlement;

    @Autowired MunicipalityRegistry municipalities;

    @Autowired io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeEach
    void cityLoaded() throws Exception {
        if (LOADED.get()) {
            return;
        }
        TestRecords.write(
                inbox,
                CITY,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("1", HEAD, "北海道交付市停止町一丁目1番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    HEAD,
                                    1,
                                    "1",
                                    "停止",
                                    "試子",
                                    "世帯主",
                                    LocalDate.of(1970, 4, 1),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HEAD)),
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);
        LOADED.set(true);
    }

    @AfterEach
    void resumed() {
        if (coupling.suspendedNow()) {
            coupling.resume("test-cleanup", "end of test");
        }
        coupling.align();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                status("post-certificate").isStarted()
                                        && status("registry-sync").isStarted());
    }

    // ---------------------------------------------------------------- helpers

    private ServiceStatus status(String routeId) {
        return camel.getRouteController().getRouteStatus(routeId);
    }

    private boolean boundaryDown() {
        return BOUNDARY.stream().map(this::status).allMatch(s -> s.isSuspended() || s.isStopped());
    }

    private boolean boundaryUp() {
        return BOUNDARY.stream().map(this::status).allMatch(ServiceStatus::isStarted);
    }

    private List<String> served() {
        return municipalities.all().stream().map(MunicipalityProfile::code).sorted().toList();
    }

    private long couplingRows(String outcome) {
        return count(
                "select count(*) from issuance_history where kind = 'COUPLING' and outcome = ?",
                outcome);
    }

    private HttpResponse<byte[]> issue(String tx) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\",\"kind\":\"JUMINHYO\"}");
    }

    private HttpResponse<String> actuator(String method, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/coupling"))
                        .timeout(Duration.ofSeconds(60));
        b =
                body == null
                        ? b.GET()
                        : b.header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String run(String... args) {
        return jp.kofuhub.support.Commands.run(CouplingCommand::run, args);
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    void suspendStopsTheBoundaryRefusesRequestsAndIsRecordedResumeBringsItBack() throws Exception {
        assertThat(boundaryUp()).isTrue();
        long suspendedBefore = couplingRows("SUSPENDED");
        long transactionsBefore = count("select count(*) from issuance_transaction");

        String answer = coupling.suspend(" ops-tanaka ", "leak suspected\u0007 at store\nS1\u202e");
        assertThat(answer).startsWith("SUSPENDED at ").contains("by ops-tanaka");
        assertThat(coupling.suspended()).isTrue();
        assertThat(coupling.suspendedNow()).isTrue();
        assertThat(boundaryDown()).as("boundary routes suspended").isTrue();
        assertThat(status("coupling-watch").isStarted())
                .as("the watcher is not a boundary route")
                .isTrue();
        assertThat(status("document-ttl").isStarted()).isTrue();

        // a request to the centre API: 503 COUPLING_SUSPENDED, nothing read or written
        String tx = Http.newTransaction();
        HttpResponse<byte[]> refused = issue(tx);
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.path("code").asText()).isEqualTo("COUPLING_SUSPENDED");
        assertThat(body.path("message").asText()).isNotBlank();
        HttpResponse<byte[]> sealed =
                Http.postSealed(
                        baseUrl() + "/api/v1/availability",
                        "{\"transaction\":\""
                                + tx
                                + "\",\"municipality\":\""
                                + CITY
                                + "\",\"serial\":\""
                                + CARD
                                + "\"}");
        assertThat(sealed.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(sealed.body()).path("code").asText())
                .isEqualTo("COUPLING_SUSPENDED");
        assertThat(count("select count(*) from issuance_transaction"))
                .isEqualTo(transactionsBefore);
        assertThat(count("select count(*) from issuance_transaction where transaction_id = ?", tx))
                .isZero();
        // readiness is DOWN while suspended (health component issuing): the hub must not issue
        HttpResponse<String> readiness =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("COUPLING_SUSPENDED");
        // the OpenAPI document stays readable
        HttpResponse<String> doc =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/openapi.yaml"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isNotEqualTo(503);

        // in every municipality's chain: one SUSPENDED row with who and why (cleaned), chains
        // verify
        assertThat(couplingRows("SUSPENDED")).isEqualTo(suspendedBefore + served().size());
        List<Map<String, Object>> rows =
                jdbc.queryForList(
                        "select municipality_code, transaction_id, operator, reason,"
                                + " fee, sheets from issuance_history where kind = 'COUPLING' and outcome = 'SUSPENDED' and seq ="
                                + " (select max(seq) from issuance_history h where h.municipality_code = issuance_history.municipality_code)");
        assertThat(rows).hasSize(served().size());
        assertThat(rows)
                .allSatisfy(
                        r -> {
                            assertThat(r.get("OPERATOR")).isEqualTo("ops-tanaka");
                            assertThat(r.get("REASON")).isEqualTo("leak suspected at store S1");
                            assertThat(r.get("FEE")).isEqualTo(0);
                            assertThat(r.get("SHEETS")).isEqualTo(0);
                            assertThat((String) r.get("TRANSACTION_ID")).startsWith("COUPLING-");
                        });
        assertThat(
                        rows.stream()
                                .map(r -> ((String) r.get("MUNICIPALITY_CODE")).trim())
                                .sorted()
                                .toList())
                .isEqualTo(served());
        assertThat(history.verifyAll())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.ok()).as(v.toString()).isTrue());
        // not an issuance: the settlement does not count it
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
        assertThat(settlement.lines(CITY, today)).noneMatch(l -> l.kind().equals("COUPLING"));
        assertThat(settlement.csv("990001", today)).doesNotContain("COUPLING");

        // a second suspend changes nothing and records nothing
        assertThat(coupling.suspend("ops-sato", "again")).startsWith("ALREADY_SUSPENDED");
        assertThat(couplingRows("SUSPENDED")).isEqualTo(suspendedBefore + served().size());
        assertThat(coupling.getSuspendedBy()).isEqualTo("ops-tanaka");

        // resume: routes started, issuing works, RESUMED rows
        long resumedBefore = couplingRows("RESUMED");
        assertThat(coupling.resume("ops-tanaka", "no leak found")).startsWith("RESUMED at ");
        assertThat(coupling.suspended()).isFalse();
        assertThat(boundaryUp()).isTrue();
        assertThat(couplingRows("RESUMED")).isEqualTo(resumedBefore + served().size());
        HttpResponse<byte[]> issued = issue(Http.newTransaction());
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        assertThat(issued.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("pdf"));
        assertThat(history.verifyAll())
                .allSatisfy(v -> assertThat(v.ok()).as(v.toString()).isTrue());
        assertThat(coupling.resume("ops-tanaka", "again")).isEqualTo("NOT_SUSPENDED");
    }

    @Test
    void blankWhoOrWhyIsRefusedAndNothingChanges() throws Exception {
        long before = count("select count(*) from issuance_history where kind = 'COUPLING'");
        assertThatThrownBy(() -> coupling.suspend(" ", "leak"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operator is required");
        assertThatThrownBy(() -> coupling.suspend("ops", "\n\t\u0000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason is required");
        assertThatThrownBy(() -> coupling.resume(null, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        HttpResponse<String> r = actuator("POST", "{\"action\":\"suspend\",\"operator\":\"ops\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("message").asText()).contains("reason is required");
        assertThat(
                        actuator(
                                        "POST",
                                        "{\"action\":\"stop\",\"operator\":\"ops\",\"reason\":\"x\"}")
                                .statusCode())
                .isEqualTo(400);
        assertThat(run("suspend", "--operator", "ops", "--url", baseUrl())).startsWith("2\n");
        assertThat(run("suspend", "--url", baseUrl())).startsWith("2\n");
        assertThat(coupling.suspendedNow()).isFalse();
        assertThat(count("select count(*) from issuance_history where kind = 'COUPLING'"))
                .isEqualTo(before);
        // too long: cut, never refused for its length
        assertThat(CouplingSwitch.cleanReason("x".repeat(1000))).hasSize(CouplingSwitch.MAX_REASON);
        assertThat(CouplingSwitch.cleanOperator("o".repeat(100)))
                .hasSize(CouplingSwitch.MAX_OPERATOR);
    }

    @Test
    void theJmxOperationSuspendsAndResumes() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("jp.kofuhub:type=CouplingSwitch");
        String[] signature = {String.class.getName(), String.class.getName()};
        Object out =
                mbs.invoke(name, "suspend", new Object[] {"ops-jmx", "drill over JMX"}, signature);
        assertThat(out).asString().startsWith("SUSPENDED");
        assertThat(mbs.getAttribute(name, "Suspended")).isEqualTo(true);
        assertThat(mbs.getAttribute(name, "SuspendedBy")).isEqualTo("ops-jmx");
        assertThat(mbs.getAttribute(name, "Reason")).isEqualTo("drill over JMX");
        assertThat((String) mbs.getAttribute(name, "SuspendedSince")).isNotEmpty();
        assertThat(boundaryDown()).isTrue();
        assertThat(issue(Http.newTransaction()).statusCode()).isEqualTo(503);
        assertThatThrownBy(
                        () -> mbs.invoke(name, "resume", new Object[] {"ops-jmx", " "}, signature))
                .hasStackTraceContaining("reason is required");
        assertThat(mbs.getAttribute(name, "Suspended")).isEqualTo(true);
        assertThat(mbs.invoke(name, "resume", new Object[] {"ops-jmx", "drill over"}, signature))
                .asString()
                .startsWith("RESUMED");
        assertThat(mbs.getAttribute(name, "Suspended")).isEqualTo(false);
        assertThat(mbs.getAttribute(name, "SuspendedBy")).isEqualTo("");
        assertThat(boundaryUp()).isTrue();
        assertThat(
                        jdbc.queryForList(
                                "select outcome from issuance_history where municipality_code = ? and kind ="
                                        + " 'COUPLING' and operator = 'ops-jmx' order by seq",
                                String.class,
                                CITY))
                .containsExactly("SUSPENDED", "RESUMED");

        // one municipality only: its requests refused, the boundary routes untouched, a row in its
        // chain only
        String[] three = {String.class.getName(), String.class.getName(), String.class.getName()};
        long rowsBefore = count("select count(*) from issuance_history where kind = 'COUPLING'");
        assertThat(
                        mbs.invoke(
                                name,
                                "suspendMunicipality",
                                new Object[] {CITY, "ops-jmx-city", "drill for one city"},
                                three))
                .asString()
                .startsWith("SUSPENDED " + CITY);
        assertThat((String[]) mbs.getAttribute(name, "SuspendedMunicipalities"))
                .containsExactly(CITY);
        assertThat(mbs.getAttribute(name, "Suspended")).isEqualTo(false);
        assertThat(boundaryUp()).isTrue();
        assertThat(issue(Http.newTransaction()).statusCode()).isEqualTo(503);
        assertThat(count("select count(*) from issuance_history where kind = 'COUPLING'"))
                .isEqualTo(rowsBefore + 1);
        assertThat(
                        mbs.invoke(
                                name,
                                "resumeMunicipality",
                                new Object[] {CITY, "ops-jmx-city", "drill over"},
                                three))
                .asString()
                .startsWith("RESUMED " + CITY);
        assertThat((String[]) mbs.getAttribute(name, "SuspendedMunicipalities")).isEmpty();
        assertThat(issue(Http.newTransaction()).statusCode()).isEqualTo(200);
        assertThat(history.verify(CITY).ok()).isTrue();
    }

    @Test
    void theCommandAndTheActuatorEndpoint() throws Exception {
        String status = run("status", "--url", baseUrl());
        assertThat(status)
                .startsWith("0\n")
                .contains("coupling ACTIVE")
                .contains("post-certificate");
        // the hub records the caller's client certificate (no TLS here: nobody to name), not the
        // typed --operator
        String who = tls ? "cert:operator" : CouplingEndpoint.NO_TLS;
        String suspended =
                run(
                        "suspend",
                        "--operator",
                        "ops-cli",
                        "--why",
                        "drill from the command line",
                        "--url",
                        baseUrl());
        assertThat(suspended)
                .startsWith("0\n")
                .contains("SUSPENDED")
                .contains("by " + who)
                .doesNotContain("ops-cli");
        assertThat(boundaryDown()).isTrue();
        JsonNode state = JSON.readTree(actuator("GET", null).body());
        assertThat(state.path("suspended").asBoolean()).isTrue();
        assertThat(state.path("operator").asText()).isEqualTo(who);
        assertThat(state.path("reason").asText()).isEqualTo("drill from the command line");
        assertThat(run("status", "--url", baseUrl()))
                .contains("coupling SUSPENDED since")
                .contains("by " + who);
        assertThat(issue(Http.newTransaction()).statusCode()).isEqualTo(503);
        assertThat(run("resume", "--why", "drill over", "--url", baseUrl()))
                .startsWith("0\n")
                .contains("RESUMED");
        assertThat(boundaryUp()).isTrue();
        assertThat(
                        jdbc.queryForList(
                                "select outcome from issuance_history where municipality_code = ? and kind ="
                                        + " 'COUPLING' and operator = ? order by seq",
                                String.class,
                                CITY,
                                who))
                .containsExactly("SUSPENDED", "RESUMED");
    }

    @Test
    void theCommandIsAPlainJdkClient() throws Exception {
        // issue #19: the emergency stop must not wait for a framework to start. The command runs
        // in a class loader that sees the JDK and the hub's own classes only: no Spring, no
        // Jackson, nothing else (kofu-hub-operator.jar holds just these classes)
        java.net.URL classes =
                CouplingCommand.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader jdkOnly =
                new java.net.URLClassLoader(
                        new java.net.URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> command = Class.forName(CouplingCommand.class.getName(), true, jdkOnly);
            assertThat(command.getClassLoader()).isSameAs(jdkOnly);
            java.lang.reflect.Method run = command.getMethod("run", String[].class);
            java.util.function.ToIntFunction<String[]> isolated =
                    a -> {
                        try {
                            return (int) run.invoke(null, (Object) a);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e.getCause());
                        }
                    };
            assertThat(jp.kofuhub.support.Commands.run(isolated, "status", "--url", baseUrl()))
                    .startsWith("0\n")
                    .contains("coupling ACTIVE");
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    isolated,
                                    "suspend",
                                    "--why",
                                    "jdk-only \"client\" drill\tone",
                                    "--url",
                                    baseUrl()))
                    .startsWith("0\n")
                    .contains("SUSPENDED");
            assertThat(boundaryDown()).isTrue();
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    isolated,
                                    "resume",
                                    "--why",
                                    "jdk-only over",
                                    "--url",
                                    baseUrl()))
                    .startsWith("0\n")
                    .contains("RESUMED");
            assertThat(
                            jp.kofuhub.support.Commands.run(
                                    isolated, "history", "--limit", "2", "--url", baseUrl()))
                    .startsWith("0\n")
                    .contains("reason: jdk-only over")
                    .contains("reason: jdk-only \"client\" drill one");
        }
        assertThat(meters.get("kofu.coupling.suspended").gauge().value()).isEqualTo(0.0);
        assertThat(meters.get("kofu.sync.quarantined").gauge().value()).isNotNegative();
        assertThat(meters.find("kofu.keys.expires").gauges()).isNotEmpty();
        assertThat(meters.get("kofu.keys.unusable").gauge().value()).isZero();
    }

    @Test
    void theHistoryCommandAndEndpointShowWhoWhenWhyAndWhere() throws Exception {
        // issue #19: the audit of the switch is readable by an operator, newest first
        String who = tls ? "cert:operator" : CouplingEndpoint.NO_TLS;
        assertThat(
                        run(
                                "suspend",
                                "--municipality",
                                CITY,
                                "--why",
                                "history drill one city",
                                "--url",
                                baseUrl()))
                .startsWith("0\n");
        assertThat(
                        run(
                                "resume",
                                "--municipality",
                                CITY,
                                "--why",
                                "city drill over",
                                "--url",
                                baseUrl()))
                .startsWith("0\n");
        assertThat(run("suspend", "--why", "history drill whole hub", "--url", baseUrl()))
                .startsWith("0\n");
        assertThat(run("resume", "--why", "hub drill over", "--url", baseUrl())).startsWith("0\n");

        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                baseUrl() + "/actuator/coupling/history?limit=4"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode events = JSON.readTree(res.body()).path("events");
        assertThat(events).hasSize(4);
        // newest first: the hub's resume, its suspend, the city's resume, its suspend
        assertThat(events.get(0).path("action").asText()).isEqualTo("RESUMED");
        assertThat(events.get(0).path("scope").asText()).isEqualTo("HUB");
        assertThat(events.get(0).path("reason").asText()).isEqualTo("hub drill over");
        assertThat(events.get(1).path("action").asText()).isEqualTo("SUSPENDED");
        assertThat(events.get(1).path("reason").asText()).isEqualTo("history drill whole hub");
        List<String> chains = new java.util.ArrayList<>();
        events.get(1).path("municipalities").forEach(c -> chains.add(c.asText()));
        assertThat(chains).isEqualTo(served());
        assertThat(events.get(2).path("scope").asText()).isEqualTo("MUNICIPALITY");
        assertThat(events.get(2).path("reason").asText()).isEqualTo("city drill over");
        assertThat(events.get(3).path("action").asText()).isEqualTo("SUSPENDED");
        assertThat(events.get(3).path("municipalities").get(0).asText()).isEqualTo(CITY);
        for (JsonNode e : events) {
            assertThat(e.path("operator").asText()).isEqualTo(who);
            assertThat(OffsetDateTime.parse(e.path("at").asText()))
                    .isAfter(OffsetDateTime.now().minusHours(1));
        }
        // one other municipality sees the hub's events, not the city's own
        String other = served().stream().filter(c -> !c.equals(CITY)).findFirst().orElseThrow();
        JsonNode theirs =
                JSON.readTree(
                                HTTP.send(
                                                HttpRequest.newBuilder(
                                                                URI.create(
                                                                        baseUrl()
                                                                                + "/actuator/coupling/history?municipality="
                                                                                + other))
                                                        .GET()
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body())
                        .path("events");
        theirs.forEach(e -> assertThat(e.path("reason").asText()).doesNotStartWith("city"));
        assertThat(theirs.get(0).path("reason").asText()).isEqualTo("hub drill over");

        // the command prints the same, one event per entry
        String printed = run("history", "--limit", "4", "--url", baseUrl());
        assertThat(printed)
                .startsWith("0\n")
                .contains("RESUMED  whole hub (")
                .contains("SUSPENDED  municipality " + CITY + "  by " + who)
                .contains("reason: history drill one city");
        assertThat(printed.indexOf("hub drill over"))
                .isLessThan(printed.indexOf("history drill one city"));
        // bad arguments are refused, by the command and the endpoint
        assertThat(run("history", "--limit", "x", "--url", baseUrl())).startsWith("2\n");
        assertThat(
                        HTTP.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                baseUrl()
                                                                        + "/actuator/coupling/history?limit=9999"))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aSuspendedStateInTheDatabaseIsFollowedAtStartAndByTheWatcher() throws Exception {
        // another instance (or the hub before a restart) suspended the coupling: only the row says
        // so
        jdbc.update(
                "insert into coupling_state (deployment, suspended) values ('kofu-hub', false) on conflict do nothing");
        jdbc.update(
                "update coupling_state set suspended = true, since = ?, operator = 'ops-other', reason ="
                        + " 'flipped on another instance' where deployment = 'kofu-hub'",
                OffsetDateTime.now());
        // the issuance path reads the database itself: refused even before this instance has
        // noticed
        String tx = Http.newTransaction();
        Object direct =
                producer.requestBodyAndHeader(
                        "direct:issue-certificate",
                        "{\"transaction\":\""
                                + tx
                                + "\",\"municipality\":\""
                                + CITY
                                + "\",\"serial\":\""
                                + CARD
                                + "\",\"kind\":\"JUMINHYO\",\"sentAt\":\""
                                + OffsetDateTime.now()
                                + "\",\"nonce\":\""
                                + Http.newNonce()
                                + "\"}",
                        "Content-Type",
                        "application/json",
                        String.class);
        assertThat(direct).asString().contains("COUPLING_SUSPENDED");
        assertThat(count("select count(*) from issuance_transaction where transaction_id = ?", tx))
                .isZero();
        // the watcher (and the same align() the start-up hook calls) suspends this instance's
        // routes
        await().atMost(Duration.ofSeconds(20)).until(this::boundaryDown);
        assertThat(coupling.suspended()).isTrue();
        assertThat(coupling.getSuspendedBy()).isEqualTo("ops-other");
        assertThat(issue(Http.newTransaction()).statusCode()).isEqualTo(503);
        // resumed elsewhere: followed here too
        jdbc.update(
                "update coupling_state set suspended = false, since = ?, operator = 'ops-other', reason = 'over'"
                        + " where deployment = 'kofu-hub'",
                OffsetDateTime.now());
        await().atMost(Duration.ofSeconds(20)).until(this::boundaryUp);
        assertThat(coupling.suspended()).isFalse();
        HttpResponse<byte[]> issued = issue(Http.newTransaction());
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
    }
}
