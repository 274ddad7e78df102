package jp.kofuhub.koseki;

import static jp.kofuhub.support.TestRecords.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * 本籍地利用登録 through the real REST route, the real actuator endpoint, the real command and the real
 * sync route (export record {@code K} of the KOSEKI source). Municipality 990005 (本籍市, a test-only
 * profile offering the 戸籍 kinds) is this class's own; each test uses its own card serials.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class KosekiRegistrationScenarios extends HubTestBase {

    static final String CITY = "990005";
    static final String PREFIX = "北海道本籍市";

    /** Personal values that appear nowhere else: none may reach a log or an operator's listing. */
    static final String HONSEKI = PREFIX + "登録町九丁目9番地";

    static final String HITTOSHA = "登録　筆頭";
    static final String NAME = "登録　確認子";
    static final LocalDate BIRTH = LocalDate.of(1980, 1, 2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    static {
        LOGS.setName("koseki-registration-scenarios");
    }

    @Autowired KosekiRegistrations registrations;

    /**
     * Attached once the hub runs: Spring Boot resets the logging configuration when a context
     * starts.
     */
    @BeforeEach
    void captureLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(LOGS.getName()) == null) {
            LOGS.start();
            root.addAppender(LOGS);
        }
    }

    @AfterAll
    static void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }

    // ---------------------------------------------------------------- the centre's request

    @Test
    @Order(1)
    void aRequestIsKeptPendingAndAskingAgainGivesTheSameApplication() throws Exception {
        String serial = "HS00000000000001";
        HttpResponse<byte[]> first =
                register(body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(first.statusCode()).as(Http.body(first)).isEqualTo(202);
        assertThat(first.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode a = JSON.readTree(first.body());
        String id = a.path("registrationId").asText();
        assertThat(id).matches("HR-[A-Z2-7]{12}");
        assertThat(a.path("status").asText()).isEqualTo("PENDING");
        assertThat(a.size()).isEqualTo(2);

        // the centre asks again (another transaction, or a retry): the same application
        HttpResponse<byte[]> again =
                register(body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(again.body()).path("registrationId").asText()).isEqualTo(id);
        assertThat(
                        count(
                                "select count(*) from honseki_application where municipality_code = ? and serial = ?",
                                CITY,
                                serial))
                .isEqualTo(1);
        Map<String, Object> row =
                jdbc.queryForMap(
                        "select * from honseki_application where municipality_code = ?"
                                + " and registration_id = ?",
                        CITY,
                        id);
        assertThat(row)
                .containsEntry("serial", serial)
                .containsEntry("honseki", HONSEKI)
                .containsEntry("hittosha", HITTOSHA)
                .containsEntry("person_name", NAME)
                .containsEntry("status", "PENDING");
        assertThat(row.get("applied_at")).isNotNull();
        assertThat(row.get("decided_at")).isNull();
        assertThat(
                        jdbc.queryForObject(
                                "select birth_date from honseki_application where municipality_code = ?"
                                        + " and registration_id = ?",
                                LocalDate.class,
                                CITY,
                                id))
                .isEqualTo(BIRTH);

        // waiting for review: not usable, but known as pending
        assertThat(registrations.approved(CITY, serial)).isEmpty();
        assertThat(registrations.pending(CITY, serial)).isTrue();
        assertThat(registrations.pending(CITY, "HS00000000000999")).isFalse();
        assertThat(registrations.pending("990002", serial)).as("another municipality").isFalse();

        // the operator's listing: ids and times, no personal data
        HttpResponse<String> list = get("/actuator/kosekiregistrations");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .contains(id)
                .contains(serial)
                .doesNotContain(NAME)
                .doesNotContain(HONSEKI)
                .doesNotContain(HITTOSHA)
                .doesNotContain("1980-01-02");
        JsonNode listed = entry(list.body(), id);
        assertThat(listed.path("municipality").asText()).isEqualTo(CITY);
        assertThat(listed.path("status").asText()).isEqualTo("PENDING");
        assertThat(listed.path("appliedAt").asText()).isNotBlank();

        // another 本籍 for the same card is another application
        HttpResponse<byte[]> other =
                register(body(CITY, serial, PREFIX + "別町1番地", HITTOSHA, NAME, "1980-01-02"));
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(other.body()).path("registrationId").asText()).isNotEqualTo(id);
    }

    @Test
    @Order(2)
    void concurrentRequestsMakeOneApplication() throws Exception {
        String serial = "HS00000000000002";
        List<java.util.concurrent.CompletableFuture<String>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    HttpResponse<byte[]> r =
                                            register(
                                                    body(
                                                            CITY,
                                                            serial,
                                                            HONSEKI,
                                                            HITTOSHA,
                                                            NAME,
                                                            "1980-01-02"));
                                    assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(202);
                                    return JSON.readTree(r.body()).path("registrationId").asText();
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }));
        }
        Set<String> ids = new java.util.HashSet<>();
        for (var c : calls) {
            ids.add(c.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertThat(ids).hasSize(1);
        assertThat(
                        count(
                                "select count(*) from honseki_application where municipality_code = ? and serial = ?",
                                CITY,
                                serial))
                .isEqualTo(1);
    }

    // ---------------------------------------------------------------- the operator's decision

    @Test
    @Order(3)
    void theOperatorApprovesThroughTheActuator() throws Exception {
        String serial = "HS00000000000003";
        String id = registered(serial, HONSEKI);
        assertThat(registrations.approved(CITY, serial)).isEmpty();

        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                id,
                                                "decision",
                                                "REJECT",
                                                "operator",
                                                "tanaka"))
                                .statusCode())
                .as("a rejection needs a reason")
                .isEqualTo(400);
        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                id,
                                                "decision",
                                                "MAYBE",
                                                "operator",
                                                "tanaka"))
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        decide(Map.of("registrationId", id, "decision", "APPROVE", "operator", " "))
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                "HR-AAAAAAAAAAAA",
                                                "decision",
                                                "APPROVE",
                                                "operator",
                                                "tanaka"))
                                .statusCode())
                .isEqualTo(404);

        HttpResponse<String> ok =
                decide(
                        Map.of(
                                "registrationId",
                                id,
                                "decision",
                                "APPROVE",
                                "operator",
                                "tanaka",
                                "reason",
                                "戸籍と照合済み"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("outcome").asText()).isEqualTo("APPROVED");
        assertThat(JSON.readTree(ok.body()).path("municipality").asText()).isEqualTo(CITY);

        Optional<KosekiSubject> subject = registrations.approved(CITY, serial);
        assertThat(subject).contains(new KosekiSubject(HONSEKI, HITTOSHA, NAME, BIRTH, id));
        assertThat(subject.get().toString()).doesNotContain(NAME).doesNotContain(HONSEKI);
        assertThat(registrations.pending(CITY, serial)).isFalse();
        assertThat(
                        jdbc.queryForMap(
                                "select decided_by, decision_reason, decided_at from honseki_application"
                                        + " where municipality_code = ? and registration_id = ?",
                                CITY,
                                id))
                .containsEntry("decided_by", "tanaka")
                .containsEntry("decision_reason", "戸籍と照合済み")
                .hasEntrySatisfying("decided_at", v -> assertThat(v).isNotNull());
        assertThat(get("/actuator/kosekiregistrations").body()).doesNotContain(id);

        // decided once: a second decision is refused, and the centre asking again learns it is
        // approved
        HttpResponse<String> twice =
                decide(
                        Map.of(
                                "registrationId",
                                id,
                                "decision",
                                "REJECT",
                                "operator",
                                "sato",
                                "reason",
                                "x"));
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(twice.body()).path("outcome").asText()).isEqualTo("NOT_PENDING");
        assertThat(JSON.readTree(twice.body()).path("status").asText()).isEqualTo("APPROVED");
        HttpResponse<byte[]> again =
                register(body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("registrationId").asText()).isEqualTo(id);
        assertThat(JSON.readTree(again.body()).path("status").asText()).isEqualTo("APPROVED");
    }

    @Test
    @Order(4)
    void theCommandListsApprovesAndRejects() throws Exception {
        String approveSerial = "HS00000000000004";
        String rejectSerial = "HS00000000000005";
        String toApprove = registered(approveSerial, HONSEKI);
        String toReject = registered(rejectSerial, HONSEKI);

        Run list = command("list", "--url", baseUrl());
        assertThat(list.exit()).isZero();
        assertThat(list.out())
                .contains(toApprove)
                .contains(toReject)
                .contains(approveSerial)
                .contains("PENDING")
                .contains("application(s) waiting for review")
                .doesNotContain(NAME)
                .doesNotContain(HONSEKI);

        assertThat(command("approve", toApprove, "--operator", "suzuki", "--url", baseUrl()).exit())
                .isZero();
        assertThat(registrations.approved(CITY, approveSerial))
                .contains(new KosekiSubject(HONSEKI, HITTOSHA, NAME, BIRTH, toApprove));

        assertThat(command("reject", toReject, "--operator", "suzuki", "--url", baseUrl()).exit())
                .as("a rejection needs --why")
                .isEqualTo(2);
        Run rejected =
                command(
                        "reject",
                        toReject,
                        "--operator",
                        "suzuki",
                        "--why",
                        "本籍が一致しない",
                        "--url",
                        baseUrl());
        assertThat(rejected.exit()).isZero();
        assertThat(rejected.out()).contains(CITY + " " + toReject + ": REJECTED");
        assertThat(registrations.approved(CITY, rejectSerial)).isEmpty();
        assertThat(registrations.pending(CITY, rejectSerial)).isFalse();
        assertThat(
                        jdbc.queryForMap(
                                "select status, decided_by, decision_reason from honseki_application"
                                        + " where municipality_code = ? and registration_id = ?",
                                CITY,
                                toReject))
                .containsEntry("status", "REJECTED")
                .containsEntry("decided_by", "suzuki")
                .containsEntry("decision_reason", "本籍が一致しない");

        Run late = command("approve", toReject, "--operator", "suzuki", "--url", baseUrl());
        assertThat(late.exit()).as("already decided").isEqualTo(3);
        assertThat(late.out()).contains("NOT_PENDING");
        assertThat(
                        command(
                                        "approve",
                                        "HR-NOSUCHAPPLIC",
                                        "--operator",
                                        "suzuki",
                                        "--url",
                                        baseUrl())
                                .exit())
                .isEqualTo(3);
        assertThat(command("approve", toApprove, "--url", baseUrl()).exit())
                .as("no --operator")
                .isEqualTo(2);
        assertThat(
                        command(
                                        "approve",
                                        toApprove,
                                        "--operator",
                                        "x",
                                        "--municipality",
                                        "12",
                                        "--url",
                                        baseUrl())
                                .exit())
                .isEqualTo(2);
        assertThat(command("list", "--bogus", "1").exit()).isEqualTo(2);
        assertThat(command().exit()).isEqualTo(2);
        assertThat(command("list", "--url", "http://127.0.0.1:1").exit()).isEqualTo(1);

        // after a rejection the resident may apply again: a new application
        HttpResponse<byte[]> anew =
                register(body(CITY, rejectSerial, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(anew.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(anew.body()).path("registrationId").asText())
                .isNotEqualTo(toReject);
        assertThat(registrations.pending(CITY, rejectSerial)).isTrue();
    }

    // ---------------------------------------------------------------- the koseki side's K records

    @Test
    @Order(5)
    void kRecordsOfTheKosekiSideDecideToo() throws Exception {
        String bySync = "HS00000000000006";
        String byOperator = "HS00000000000007";
        String atCounter = "HS00000000000008";
        String newest = "HS00000000000009";
        String syncId = registered(bySync, HONSEKI);
        String operatorId = registered(byOperator, HONSEKI);
        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                operatorId,
                                                "decision",
                                                "APPROVE",
                                                "operator",
                                                "tanaka"))
                                .statusCode())
                .isEqualTo(200);
        String olderId = registered(newest, PREFIX + "旧町1番地");
        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                olderId,
                                                "decision",
                                                "APPROVE",
                                                "operator",
                                                "tanaka"))
                                .statusCode())
                .isEqualTo(200);
        String newerId = registered(newest, PREFIX + "新町2番地");
        assertThat(registrations.approved(CITY, newest).map(KosekiSubject::registrationId))
                .contains(olderId);

        // the koseki side approves the pending application, corrects its 本籍's writing, and approves
        // the
        // newer 本籍 of a card; a registration made at the counter has no application (no name, no
        // birth date)
        String corrected = PREFIX + "登録町九丁目９番地";
        write(
                1,
                Kind.FULL,
                k("U", syncId, bySync, corrected, HITTOSHA, "APPROVED"),
                k("U", "KR-COUNTER-0001", atCounter, HONSEKI, HITTOSHA, "APPROVED"),
                k("U", newerId, newest, PREFIX + "新町2番地", HITTOSHA, "APPROVED"));
        assertThat(registrations.approved(CITY, bySync))
                .contains(new KosekiSubject(corrected, HITTOSHA, NAME, BIRTH, syncId));
        assertThat(registrations.pending(CITY, bySync)).isFalse();
        assertThat(
                        jdbc.queryForObject(
                                "select status from honseki_application where municipality_code = ?"
                                        + " and registration_id = ?",
                                String.class,
                                CITY,
                                syncId))
                .as("the replica is not copied")
                .isEqualTo("PENDING");
        assertThat(get("/actuator/kosekiregistrations").body()).doesNotContain(syncId);
        assertThat(
                        decide(
                                        Map.of(
                                                "registrationId",
                                                syncId,
                                                "decision",
                                                "REJECT",
                                                "operator",
                                                "tanaka",
                                                "reason",
                                                "x"))
                                .statusCode())
                .as("decided by the koseki side")
                .isEqualTo(409);
        assertThat(registrations.approved(CITY, atCounter))
                .as("counter registration: no application")
                .isEmpty();
        assertThat(registrations.pending(CITY, atCounter)).isFalse();
        assertThat(registrations.approved(CITY, newest).map(KosekiSubject::registrationId))
                .as("the newest approved")
                .contains(newerId);
        HttpResponse<byte[]> asked =
                register(body(CITY, bySync, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(asked.body()).path("status").asText()).isEqualTo("APPROVED");

        // a cancellation or rejection on the koseki side wins over any approval
        write(
                2,
                Kind.DELTA,
                k("U", syncId, bySync, corrected, HITTOSHA, "CANCELLED"),
                k("U", operatorId, byOperator, HONSEKI, HITTOSHA, "REJECTED"));
        assertThat(registrations.approved(CITY, bySync)).isEmpty();
        assertThat(registrations.approved(CITY, byOperator)).isEmpty();
        assertThat(registrations.pending(CITY, bySync)).isFalse();

        // the resident applies again: a new application (the cancelled one is closed, by the koseki
        // side)
        HttpResponse<byte[]> anew =
                register(body(CITY, bySync, HONSEKI, HITTOSHA, NAME, "1980-01-02"));
        assertThat(anew.statusCode()).isEqualTo(202);
        String newId = JSON.readTree(anew.body()).path("registrationId").asText();
        assertThat(newId).isNotEqualTo(syncId);
        assertThat(
                        jdbc.queryForMap(
                                "select status, decided_by from honseki_application where municipality_code = ?"
                                        + " and registration_id = ?",
                                CITY,
                                syncId))
                .containsEntry("status", "CANCELLED")
                .containsEntry("decided_by", "KOSEKI");
        assertThat(registrations.pending(CITY, bySync)).isTrue();
        assertThat(registrations.approved(CITY, bySync)).isEmpty();
        assertThat(
                        count(
                                "select count(*) from honseki_registration where municipality_code = ? and registration_id = ?",
                                CITY,
                                newId))
                .as("the replica is the koseki side's")
                .isZero();
    }

    // ---------------------------------------------------------------- refusals

    @Test
    @Order(6)
    void badRequestsAreRefusedWithTheirCodesAndNothingIsStored() throws Exception {
        String serial = "HS00000000000010";
        String good = body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-01-02");
        ObjectNode extra = (ObjectNode) JSON.readTree(good);
        extra.put("kind", "KOSEKI_ZENBU");
        ObjectNode personExtra = (ObjectNode) JSON.readTree(good);
        ((ObjectNode) personExtra.path("person")).put("sex", "1");
        ObjectNode noPerson = (ObjectNode) JSON.readTree(good);
        noPerson.remove("person");
        ObjectNode numericSerial = (ObjectNode) JSON.readTree(good);
        numericSerial.put("serial", 12345678);

        assertRefused(register(extra.toString()), 400, "MALFORMED_REQUEST");
        assertRefused(register(personExtra.toString()), 400, "MALFORMED_REQUEST");
        assertRefused(register(noPerson.toString()), 400, "MALFORMED_REQUEST");
        assertRefused(register(numericSerial.toString()), 400, "MALFORMED_REQUEST");
        assertRefused(register("{\"transaction\":"), 400, "MALFORMED_REQUEST");
        assertRefused(register(good + " {}"), 400, "MALFORMED_REQUEST");
        assertRefused(register("[]"), 400, "MALFORMED_REQUEST");
        assertRefused(register(""), 400, "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-02-30")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, serial, HONSEKI, HITTOSHA, NAME, "1980-1-2")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(
                        body(
                                CITY,
                                serial,
                                HONSEKI,
                                HITTOSHA,
                                NAME,
                                LocalDate.now().plusDays(2).toString())),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, serial, HONSEKI, HITTOSHA, "  ", "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, serial, HONSEKI, "筆頭\t者", NAME, "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(
                        body(CITY, serial, PREFIX + "町".repeat(395), HITTOSHA, NAME, "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, serial, HONSEKI, "筆".repeat(101), NAME, "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body(CITY, "short", HONSEKI, HITTOSHA, NAME, "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(
                register(body("99005", serial, HONSEKI, HITTOSHA, NAME, "1980-01-02")),
                400,
                "MALFORMED_REQUEST");
        assertRefused(Http.post(url(), "text/plain", good), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertRefused(
                register(body(CITY, serial, HONSEKI, HITTOSHA, "名".repeat(1400), "1980-01-02")),
                413,
                "REQUEST_TOO_LARGE");

        assertRefused(
                register(body("999999", serial, HONSEKI, HITTOSHA, NAME, "1980-01-02")),
                404,
                "UNKNOWN_MUNICIPALITY");
        // 試験市 offers no 戸籍 kind at kiosks
        assertRefused(
                register(body("990002", serial, "北海道試験市登録町1番地", HITTOSHA, NAME, "1980-01-02")),
                422,
                "KIND_NOT_OFFERED");
        assertRefused(
                register(body(CITY, serial, "北海道札幌市中央区北一条西二丁目1番地", HITTOSHA, NAME, "1980-01-02")),
                422,
                "HONSEKI_NOT_IN_MUNICIPALITY");
        assertRefused(
                register(body(CITY, serial, "東京都本籍市登録町1番地", HITTOSHA, NAME, "1980-01-02")),
                422,
                "HONSEKI_NOT_IN_MUNICIPALITY");
        assertRefused(
                register(body(CITY, serial, PREFIX, HITTOSHA, NAME, "1980-01-02")),
                422,
                "HONSEKI_NOT_IN_MUNICIPALITY");

        assertThat(count("select count(*) from honseki_application where serial = ?", serial))
                .isZero();
        assertThat(
                        count(
                                "select count(*) from honseki_application where municipality_code in ('990002', '999999')"))
                .isZero();
    }

    // ---------------------------------------------------------------- the contract and the logs

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDescribesTheCall() throws Exception {
        HttpResponse<String> r = get("/api/v1/openapi.yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc =
                (Map<String, Object>)
                        new Yaml(new SafeConstructor(new LoaderOptions())).load(r.body());
        Map<String, Object> path =
                (Map<String, Object>)
                        ((Map<String, Object>) doc.get("paths")).get("/koseki-registrations");
        assertThat(path).containsOnlyKeys("post");
        assertThat(
                        ((Map<String, Object>)
                                        ((Map<String, Object>) path.get("post")).get("responses"))
                                .keySet())
                .contains("200", "202", "400", "404", "413", "415", "422", "500");
        Map<String, Object> schemas =
                (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("schemas");
        Map<String, Object> request =
                (Map<String, Object>) schemas.get("KosekiRegistrationRequest");
        assertThat(((Map<String, Object>) request.get("properties")).keySet())
                .isEqualTo(KosekiRegistrationRequest.FIELDS);
        Map<String, Object> person =
                (Map<String, Object>)
                        ((Map<String, Object>) request.get("properties")).get("person");
        assertThat(((Map<String, Object>) person.get("properties")).keySet())
                .isEqualTo(KosekiRegistrationRequest.PERSON_FIELDS);
        assertThat((List<String>) ((Map<String, Object>) schemas.get("Code")).get("enum"))
                .contains("HONSEKI_NOT_IN_MUNICIPALITY");
    }

    @Test
    @Order(8)
    void noNameBirthDateOrHonsekiReachesTheLogs() {
        List<String> lines = LOGS.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.startsWith("koseki registration " + CITY + " tx "));
        assertThat(lines)
                .anyMatch(
                        l ->
                                l.startsWith("koseki registration " + CITY + " HR-")
                                        && l.contains("by tanaka"));
        assertThat(lines)
                .noneMatch(
                        l ->
                                l.contains("登録町")
                                        || l.contains("筆頭")
                                        || l.contains("1980-01-02")
                                        || l.contains("確認子")
                                        || l.contains("照合済み")
                                        || l.contains("一致しない"));
    }

    // ---------------------------------------------------------------- helpers

    private String url() {
        return baseUrl() + "/api/v1/koseki-registrations";
    }

    private HttpResponse<byte[]> register(String json) throws Exception {
        return Http.post(url(), "application/json; charset=UTF-8", json);
    }

    static String body(
            String municipality,
            String serial,
            String honseki,
            String hittosha,
            String name,
            String birth) {
        ObjectNode n =
                JSON.createObjectNode()
                        .put("transaction", Http.newTransaction())
                        .put("municipality", municipality)
                        .put("serial", serial)
                        .put("honseki", honseki)
                        .put("hittosha", hittosha);
        n.putObject("person").put("name", name).put("birthDate", birth);
        return n.toString();
    }

    /** A new PENDING application; its id. */
    private String registered(String serial, String honseki) throws Exception {
        HttpResponse<byte[]> r =
                register(body(CITY, serial, honseki, HITTOSHA, NAME, "1980-01-02"));
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(202);
        return JSON.readTree(r.body()).path("registrationId").asText();
    }

    private static void assertRefused(HttpResponse<byte[]> r, int status, String code)
            throws Exception {
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(status);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.path("code").asText()).isEqualTo(code);
        assertThat(e.path("status").asText()).isEqualTo(status == 422 ? "REFUSED" : "ERROR");
        assertThat(e.path("message").asText())
                .isNotBlank()
                .doesNotContain("登録")
                .doesNotContain("確認子");
    }

    private HttpResponse<String> decide(Map<String, String> fields) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/kosekiregistrations"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        JSON.writeValueAsString(fields), StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode entry(String list, String id) throws Exception {
        for (JsonNode a : JSON.readTree(list).path("applications")) {
            if (id.equals(a.path("registrationId").asText())) {
                return a;
            }
        }
        throw new AssertionError(id + " not listed");
    }

    private static Object[] k(
            String op, String id, String serial, String honseki, String hittosha, String status) {
        return rec(
                RecordType.K,
                op,
                id,
                serial,
                honseki,
                hittosha,
                status,
                EraDate.format(LocalDate.of(2026, 11, 20)),
                "APPROVED".equals(status) || "PENDING".equals(status)
                        ? EraDate.format(LocalDate.of(2026, 11, 24))
                        : EraDate.format(LocalDate.of(2026, 11, 25)));
    }

    /** Writes a KOSEKI file through the real sync route and waits until it is applied. */
    private void write(long seq, Kind kind, Object[]... records) throws Exception {
        TestRecords.write(inbox, CITY, "KOSEKI", seq, kind, records);
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                count(
                                                "select count(*) from sync_file where municipality_code = ?"
                                                        + " and source_system = 'KOSEKI'",
                                                CITY)
                                        >= seq);
    }

    /** The command's exit code and what it printed. */
    private record Run(int exit, String out) {}

    private static synchronized Run command(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = KosekiRegistrationCommand.run(args);
        } finally {
            System.setOut(original);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }
}
