package jp.kofuhub.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.ops.IssueBlocker;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * Health and metrics of a whole test hub over HTTP: municipality 990041 (計測市, a copy of 990004) is
 * generated into the inbox, one 住民票 is issued and printed and one refused, and then {@code
 * /actuator/prometheus} must show the kofu.* meters with their tags and counts, and {@code
 * /actuator/health} its components. A test {@link IssueBlocker} takes readiness down. Own context
 * (the blocker bean) with its own folders, so its meters count only this class's requests.
 */
@ContextConfiguration(initializers = HealthAndMetricsOnH2Test.MetricsHub.class)
// Spring Boot tests turn metrics export off unless asked: this one reads /actuator/prometheus
@AutoConfigureObservability(tracing = false)
@Import(HealthAndMetricsOnH2Test.Blocker.class)
class HealthAndMetricsOnH2Test extends HubTestBase {

    static final String CITY = "990041";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static CityGenerator.Result city;

    /** The shared in-memory H2, with folders of its own. */
    static class MetricsHub extends TestHub {
        MetricsHub() {
            super(hub("h2-metrics"));
        }
    }

    /** A blocker the test switches: a reason, or null. */
    @TestConfiguration
    static class Blocker {
        static final AtomicReference<String> REASON = new AtomicReference<>();

        @Bean
        IssueBlocker testBlocker() {
            return () -> Optional.ofNullable(REASON.get());
        }
    }

    @BeforeEach
    void cityLoaded() throws Exception {
        if (city == null) {
            city =
                    CityGenerator.generate(
                            inbox,
                            CITY,
                            200,
                            41L,
                            StandardCharsets.UTF_8,
                            LocalDate.now(java.time.ZoneId.of("Asia/Tokyo")),
                            inbox.resolveSibling("cards-" + CITY + ".csv"));
            await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == city.files().size());
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String scrape, String series) {
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElse(-1.0);
    }

    @Test
    void issuancesRefusalsLatenciesAndSyncAppearInPrometheus() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        "{\"transaction\":\""
                                + tx
                                + "\",\"municipality\":\""
                                + CITY
                                + "\",\"serial\":\""
                                + city.showcaseSerial()
                                + "\",\"kind\":\"JUMINHYO\"}");
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        HttpResponse<byte[]> printed =
                Http.post(
                        baseUrl() + "/api/v1/completions",
                        "application/json",
                        "{\"transaction\":\"" + tx + "\",\"outcome\":\"PRINTED\"}");
        assertThat(printed.statusCode()).as(Http.body(printed)).isEqualTo(200);
        HttpResponse<byte[]> refused =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson(CITY, city.deceasedSerial(), "JUMINHYO"));
        assertThat(refused.statusCode()).as(Http.body(refused)).isEqualTo(422);

        // the sync gauges are registered at the first scrape that sees the sources: wait for them
        String[] scrape = new String[1];
        await().atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            HttpResponse<String> r = get("/actuator/prometheus");
                            scrape[0] = r.body();
                            assertThat(r.statusCode()).isEqualTo(200);
                            assertThat(
                                            r.body()
                                                    .lines()
                                                    .filter(
                                                            l ->
                                                                    l.startsWith("kofu_")
                                                                            && !l.contains(
                                                                                    "_bucket"))
                                                    .toList())
                                    .anyMatch(
                                            l ->
                                                    l.startsWith(
                                                            "kofu_sync_lag_seconds{municipality=\""
                                                                    + CITY
                                                                    + "\""));
                        });
        String p = scrape[0];
        String city = "municipality=\"" + CITY + "\"";
        assertThat(
                        value(
                                p,
                                "kofu_issuances_total{kind=\"JUMINHYO\","
                                        + city
                                        + ",outcome=\"ISSUED\"}"))
                .isEqualTo(1.0);
        assertThat(
                        value(
                                p,
                                "kofu_issuances_total{kind=\"JUMINHYO\","
                                        + city
                                        + ",outcome=\"PRINTED\"}"))
                .isEqualTo(1.0);
        assertThat(
                        value(
                                p,
                                "kofu_issuances_total{kind=\"JUMINHYO\","
                                        + city
                                        + ",outcome=\"REFUSED\"}"))
                .isEqualTo(1.0);
        assertThat(
                        value(
                                p,
                                "kofu_refusals_total{code=\"DECEASED\",kind=\"JUMINHYO\","
                                        + city
                                        + "}"))
                .isEqualTo(1.0);
        assertThat(value(p, "kofu_issuance_render_seconds_count{kind=\"JUMINHYO\"}"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(p).contains("kofu_issuance_render_seconds_bucket{kind=\"JUMINHYO\",le=");
        assertThat(
                        value(
                                p,
                                "kofu_issuance_request_seconds_count{kind=\"JUMINHYO\",outcome=\"ISSUED\"}"))
                .as(
                        String.join(
                                "\n",
                                p.lines()
                                        .filter(
                                                l ->
                                                        l.startsWith("kofu_")
                                                                && !l.contains("_bucket"))
                                        .toList()))
                .isEqualTo(1.0);
        assertThat(
                        value(
                                p,
                                "kofu_issuance_request_seconds_count{kind=\"JUMINHYO\",outcome=\"REFUSED\"}"))
                .isEqualTo(1.0);
        assertThat(p)
                .contains(
                        "kofu_issuance_request_seconds_bucket{kind=\"JUMINHYO\",outcome=\"ISSUED\",le=");
        assertThat(value(p, "kofu_sync_files_total{kind=\"FULL\"," + city + ",source=\"JUKI\"}"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(value(p, "kofu_sync_records_total{kind=\"FULL\"," + city + ",source=\"JUKI\"}"))
                .isGreaterThan(100.0);
        assertThat(value(p, "kofu_sync_lag_seconds{" + city + ",source=\"JUKI\"}"))
                .isGreaterThanOrEqualTo(0.0);
        assertThat(value(p, "kofu_sync_gap{" + city + ",source=\"JUKI\"}")).isEqualTo(0.0);
        assertThat(value(p, "kofu_koseki_breaker_state{state=\"CLOSED\"}")).isEqualTo(1.0);
        assertThat(value(p, "kofu_koseki_breaker_state{state=\"OPEN\"}")).isEqualTo(0.0);
        // no serial, no transaction id, no name in any series
        assertThat(p).doesNotContain(city().showcaseSerial()).doesNotContain(tx);
    }

    private static CityGenerator.Result city() {
        return city;
    }

    @Test
    void healthShowsReplicaKosekiKeysAndIssuing() throws Exception {
        HttpResponse<String> r = get("/actuator/health");
        JsonNode components = JSON.readTree(r.body()).path("components");
        assertThat(components.fieldNames())
                .toIterable()
                .contains("replica", "koseki", "keys", "issuing", "db", "diskSpace", "clock");
        // issue #22: the instance's clock against the database's (H2 in this JVM: the same)
        await().atMost(java.time.Duration.ofSeconds(10))
                .until(
                        () ->
                                JSON.readTree(get("/actuator/health").body())
                                        .path("components")
                                        .path("clock")
                                        .path("status")
                                        .asText()
                                        .equals("UP"));
        assertThat(components.path("replica").path("details").path("sources").has(CITY + "/JUKI"))
                .isTrue();
        assertThat(components.path("replica").path("details").path("gaps").isArray()).isTrue();
        // the test hub speaks neither TLS nor OpenPGP: only the signing keystore is in use, and
        // valid
        assertThat(components.path("keys").path("status").asText()).isEqualTo("UP");
        assertThat(
                        components
                                .path("keys")
                                .path("details")
                                .path("files")
                                .path("signing")
                                .path("status")
                                .asText())
                .isEqualTo("OK");
        assertThat(components.path("koseki").path("details").path("municipalities").toString())
                .contains("990006");
        assertThat(components.path("koseki").path("details").path("breaker").asText())
                .isEqualTo("CLOSED");
        assertThat(r.body()).doesNotContain("PRIVATE").doesNotContain("changeit");
        HttpResponse<String> live = get("/actuator/health/liveness");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void readinessGoesDownWhileAnIssueBlockerObjects() throws Exception {
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("components").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("readinessState", "db", "keys", "issuing", "routes");
        Blocker.REASON.set("TEST_STOP: stopped by the test");
        try {
            HttpResponse<String> blocked = get("/actuator/health/readiness");
            assertThat(blocked.statusCode()).isEqualTo(503);
            JsonNode issuing = JSON.readTree(blocked.body()).path("components").path("issuing");
            assertThat(issuing.path("status").asText()).isEqualTo("DOWN");
            assertThat(issuing.path("details").path("blockedBecause").toString())
                    .contains("TEST_STOP");
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        } finally {
            Blocker.REASON.set(null);
        }
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }
}
