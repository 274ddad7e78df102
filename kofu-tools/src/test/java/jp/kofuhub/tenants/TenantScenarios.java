package jp.kofuhub.tenants;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.tenants.TenantHub.A;
import static jp.kofuhub.tenants.TenantHub.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.ops.CouplingCommand;
import jp.kofuhub.ops.CouplingSwitch;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.settlement.DailySettlement;
import jp.kofuhub.settlement.Settlement;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.apache.camel.CamelContext;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Municipalities are tenants (issue #10): two municipalities on one hub ({@link TenantHub}) whose
 * replicas use the same 宛名番号, household number and card serial. A request naming one never reads,
 * prints, lists, records or settles the other's rows; each signs with its own key and lays out with
 * its own template when it has one; one's suspension, quarantined file or sequence gap stops only
 * that one — the other keeps syncing and issuing from the same inbox. Every test leaves both
 * coupled and in sequence.
 */
abstract class TenantScenarios extends HubTestBase {

    /** The same ids in both municipalities. */
    static final String HEAD = atena(9801);

    static final String SHARED_CARD = "TN00000000000001";

    /** Only in B: B's second member. */
    static final String B_ONLY_CARD = "TN00000000000002";

    static final String B_MEMBER = atena(9802);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Per database (H2 and PostgreSQL contexts of one run): the last JUKI sequence written per
     * municipality.
     */
    private static final Map<String, Map<String, AtomicLong>> SEQ = new ConcurrentHashMap<>();

    @Autowired CouplingSwitch coupling;

    @Autowired CamelContext camel;

    @Autowired IssuanceHistory history;

    @Autowired Settlement settlement;

    @Autowired DailySettlement dailySettlement;

    @Autowired TransactionTemplate tx;

    private AtomicLong seq(String city) {
        return SEQ.computeIfAbsent(getClass().getName(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(city, k -> new AtomicLong());
    }

    private static Object[][] records(String city) {
        if (city.equals(A)) {
            return new Object[][] {
                rec(RecordType.H, household("1", HEAD, "北海道テナントA市一条一丁目1番地")),
                rec(
                        RecordType.R,
                        resident(
                                HEAD,
                                1,
                                "1",
                                "甲野",
                                "一郎",
                                "世帯主",
                                LocalDate.of(1970, 4, 1),
                                "RESIDENT")),
                rec(RecordType.C, card(SHARED_CARD, HEAD)),
            };
        }
        return new Object[][] {
            rec(RecordType.H, household("1", HEAD, "北海道テナントB市二条二丁目2番地")),
            rec(
                    RecordType.R,
                    resident(
                            HEAD, 1, "1", "乙川", "二郎", "世帯主", LocalDate.of(1960, 5, 2), "RESIDENT")),
            rec(
                    RecordType.R,
                    resident(
                            B_MEMBER,
                            1,
                            "1",
                            "乙川",
                            "花子",
                            "妻",
                            LocalDate.of(1962, 6, 3),
                            "RESIDENT")),
            rec(RecordType.C, card(SHARED_CARD, HEAD)),
            rec(RecordType.C, card(B_ONLY_CARD, B_MEMBER)),
        };
    }

    /**
     * A FULL snapshot of the city at its next sequence (also what ends a sequence gap); waits until
     * applied.
     */
    private void full(String city) throws Exception {
        long before = appliedFiles(city);
        TestRecords.write(
                inbox, city, "JUKI", seq(city).incrementAndGet(), Kind.FULL, records(city));
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(city) > before);
    }

    private Path delta(String city, long sequence) throws Exception {
        return TestRecords.write(inbox, city, "JUKI", sequence, Kind.DELTA, new Object[0][]);
    }

    @BeforeEach
    void bothLoaded() throws Exception {
        for (String city : List.of(A, B)) {
            if (seq(city).get() == 0) {
                full(city);
            }
        }
    }

    @AfterEach
    void bothCoupled() {
        for (String city : List.of(A, B)) {
            if (coupling.suspendedNow(city)) {
                coupling.resumeMunicipality(city, "test-cleanup", "end of test");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<byte[]> post(String phase, String json) throws Exception {
        return Http.post(baseUrl() + "/api/v1/" + phase, "application/json", json);
    }

    private HttpResponse<byte[]> issue(String city, String serial, String tx) throws Exception {
        return post(
                "certificates",
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + city
                        + "\",\"serial\":\""
                        + serial
                        + "\",\"kind\":\"JUMINHYO\",\"options\":{\"members\":\"ALL\"}}");
    }

    private HttpResponse<byte[]> availability(String city, String serial, String tx)
            throws Exception {
        return post(
                "availability",
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + city
                        + "\",\"serial\":\""
                        + serial
                        + "\",\"kind\":\"JUMINHYO\"}");
    }

    private HttpResponse<byte[]> printed(String tx) throws Exception {
        return post("completions", "{\"transaction\":\"" + tx + "\",\"outcome\":\"PRINTED\"}");
    }

    private static String code(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body()).path("code").asText();
    }

    private long transactionRows(String tx) {
        return count("select count(*) from issuance_transaction where transaction_id = ?", tx);
    }

    private static String run(String... args) {
        return jp.kofuhub.support.Commands.run(CouplingCommand::run, args);
    }

    private String get(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .body();
    }

    /** SHA-256 of the certificate that signed the PDF (its PAdES CMS signer). */
    private static String signer(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = doc.getSignatureDictionaries().get(0);
            CMSSignedData cms =
                    new CMSSignedData(
                            new CMSProcessableByteArray(sig.getSignedContent(pdf)),
                            sig.getContents(pdf));
            SignerInformation si = cms.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            X509CertificateHolder cert =
                    (X509CertificateHolder)
                            cms.getCertificates().getMatches(si.getSID()).iterator().next();
            return sha256(cert.getEncoded());
        }
    }

    private static String keystoreCertificate(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("hub.p12"))) {
            ks.load(in, DemoKeys.DEFAULT_PASSWORD.toCharArray());
        }
        return sha256(ks.getCertificate("hub").getEncoded());
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---------------------------------------------------------------- isolation of rows

    @Test
    void aRequestReadsPrintsListsAndRecordsOnlyTheMunicipalityItNames() throws Exception {
        // availability: A's household only, though B has the same 宛名番号, household number and serial
        HttpResponse<byte[]> a = availability(A, SHARED_CARD, Http.newTransaction());
        assertThat(a.statusCode()).as(Http.body(a)).isEqualTo(200);
        JsonNode members = JSON.readTree(a.body()).path("household").path("members");
        assertThat(members).hasSize(1);
        assertThat(members.get(0).path("name").asText()).contains("甲野");
        assertThat(Http.body(a)).doesNotContain("乙川").doesNotContain("花子");
        HttpResponse<byte[]> b = availability(B, SHARED_CARD, Http.newTransaction());
        assertThat(JSON.readTree(b.body()).path("household").path("members")).hasSize(2);
        assertThat(Http.body(b)).doesNotContain("甲野");

        // B's card named with A: unknown in A, nothing of B answered, no transaction left behind
        String unknownTx = Http.newTransaction();
        HttpResponse<byte[]> unknown = availability(A, B_ONLY_CARD, unknownTx);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(code(unknown)).isEqualTo("UNKNOWN_CARD");
        assertThat(Http.body(unknown)).doesNotContain("乙川").doesNotContain("花子");
        String refusedTx = Http.newTransaction();
        HttpResponse<byte[]> refused = issue(A, B_ONLY_CARD, refusedTx);
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(code(refused)).isEqualTo("UNKNOWN_CARD");
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).doesNotContain("pdf"));

        // the same serial in each: each prints its own resident, and only that
        String txA = Http.newTransaction();
        HttpResponse<byte[]> pdfA = issue(A, SHARED_CARD, txA);
        assertThat(pdfA.statusCode()).as(Http.body(pdfA)).isEqualTo(200);
        String textA = Pdfs.compact(Pdfs.text(pdfA.body()));
        assertThat(textA)
                .contains("甲野")
                .contains("テナントA市")
                .doesNotContain("乙川")
                .doesNotContain("テナントB市");
        String txB = Http.newTransaction();
        HttpResponse<byte[]> pdfB = issue(B, SHARED_CARD, txB);
        assertThat(pdfB.statusCode()).as(Http.body(pdfB)).isEqualTo(200);
        String textB = Pdfs.compact(Pdfs.text(pdfB.body()));
        assertThat(textB)
                .contains("乙川")
                .contains("テナントB市")
                .doesNotContain("甲野")
                .doesNotContain("テナントA市");
        assertThat(printed(txA).statusCode()).isEqualTo(200);
        assertThat(printed(txB).statusCode()).isEqualTo(200);

        // a transaction of A completed: its history row in A's chain only; settlement per
        // municipality
        assertThat(
                        jdbc.queryForList(
                                "select municipality_code from issuance_history where transaction_id = ?",
                                String.class,
                                txA))
                .map(String::trim)
                .containsExactly(A);
        assertThat(
                        jdbc.queryForList(
                                "select municipality_code from issuance_history where transaction_id = ?",
                                String.class,
                                txB))
                .map(String::trim)
                .containsExactly(B);
        assertThat(
                        jdbc.queryForList(
                                "select municipality_code from issuance_history where transaction_id = ?",
                                String.class,
                                refusedTx))
                .map(String::trim)
                .doesNotContain(B);
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
        // today's rows only (Asia/Tokyo), as the settlement counts them: the database may hold
        // other days'
        java.time.OffsetDateTime from =
                today.atStartOfDay(ZoneId.of("Asia/Tokyo")).toOffsetDateTime();
        long printedA =
                jdbc.queryForObject(
                        "select count(*) from issuance_history where municipality_code = ?"
                                + " and outcome = 'PRINTED' and kind = 'JUMINHYO' and recorded_at >= ? and recorded_at < ?",
                        Long.class,
                        A,
                        from.withOffsetSameInstant(java.time.ZoneOffset.UTC),
                        from.plusDays(1).withOffsetSameInstant(java.time.ZoneOffset.UTC));
        assertThat(settlement.lines(A, today))
                .filteredOn(l -> l.kind().equals("JUMINHYO") && l.outcome().equals("PRINTED"))
                .singleElement()
                .satisfies(l -> assertThat(l.count()).isEqualTo(printedA));
        assertThat(settlement.csv(A, today)).contains("," + A + ",").doesNotContain(B);
        assertThat(settlement.csv(B, today)).contains("," + B + ",").doesNotContain(A);
        assertThat(history.verify(A).ok()).isTrue();
        assertThat(history.verify(B).ok()).isTrue();
    }

    // ---------------------------------------------------------------- keys and templates

    @Test
    void eachMunicipalitySignsWithItsOwnKeyAndLaysOutWithItsOwnTemplate() throws Exception {
        String txA = Http.newTransaction();
        HttpResponse<byte[]> pdfA = issue(A, SHARED_CARD, txA);
        String txB = Http.newTransaction();
        HttpResponse<byte[]> pdfB = issue(B, SHARED_CARD, txB);
        assertThat(pdfA.statusCode()).as(Http.body(pdfA)).isEqualTo(200);
        assertThat(pdfB.statusCode()).as(Http.body(pdfB)).isEqualTo(200);
        // A has no key of its own: the hub's; B: its own (another key set, another CA)
        assertThat(signer(pdfA.body())).isEqualTo(keystoreCertificate(TestHub.KEYS));
        assertThat(signer(pdfB.body()))
                .isEqualTo(keystoreCertificate(TenantHub.OTHER_KEYS))
                .isNotEqualTo(signer(pdfA.body()));
        // B's own shell (tenant-templates/990012/juminhyo.xsl) titles it differently; A keeps the
        // shared one
        assertThat(Pdfs.compact(Pdfs.text(pdfB.body())))
                .contains("住民票の写し")
                .doesNotContain("住民票（写し）");
        assertThat(Pdfs.compact(Pdfs.text(pdfA.body())))
                .contains("住民票（写し）")
                .doesNotContain("住民票の写し");
        // the answer's metadata is signed by the hub's key for both (the centre's contract is
        // unchanged)
        assertThat(pdfB.headers().firstValue("X-Kofu-Signature")).isPresent();
        printed(txA);
        printed(txB);
    }

    // ---------------------------------------------------------------- suspension of one
    // municipality

    /**
     * The stop switch records the authenticated caller (issue #16), never the typed --operator: no
     * TLS here.
     */
    private static final String CALLER = "anonymous:no-tls";

    @Test
    void suspendingOneMunicipalityStopsOnlyIt() throws Exception {
        List<String> boundary =
                List.of(
                        "post-availability",
                        "post-certificate",
                        "post-completion",
                        "registry-sync",
                        "daily-settlement");
        long hubRowsBefore = count("select count(*) from issuance_history where kind = 'COUPLING'");
        String answer =
                run(
                        "suspend",
                        "--municipality",
                        A,
                        "--operator",
                        "ops-ito",
                        "--why",
                        "leak suspected at A",
                        "--url",
                        baseUrl());
        assertThat(answer).startsWith("0\n").contains("SUSPENDED " + A).contains("by " + CALLER);
        assertThat(coupling.suspended(A)).isTrue();
        assertThat(coupling.suspended(B)).isFalse();
        assertThat(coupling.suspended()).as("not the whole hub").isFalse();
        assertThat(boundary)
                .allSatisfy(
                        r ->
                                assertThat(camel.getRouteController().getRouteStatus(r).isStarted())
                                        .as(r)
                                        .isTrue());
        // one COUPLING row, in A's chain only
        assertThat(count("select count(*) from issuance_history where kind = 'COUPLING'"))
                .isEqualTo(hubRowsBefore + 1);
        assertThat(
                        jdbc.queryForList(
                                "select municipality_code from issuance_history where kind = 'COUPLING' and seq ="
                                        + " (select max(seq) from issuance_history h where h.municipality_code = issuance_history.municipality_code)"
                                        + " and operator = '"
                                        + CALLER
                                        + "'",
                                String.class))
                .map(String::trim)
                .containsExactly(A);
        assertThat(history.verify(A).ok()).isTrue();

        // A's requests: 503 COUPLING_SUSPENDED, no transaction row; a sealed one too
        for (String phase : List.of("availability", "certificates")) {
            String t = Http.newTransaction();
            HttpResponse<byte[]> r =
                    phase.equals("availability")
                            ? availability(A, SHARED_CARD, t)
                            : issue(A, SHARED_CARD, t);
            assertThat(r.statusCode()).as(phase).isEqualTo(503);
            assertThat(code(r)).isEqualTo("COUPLING_SUSPENDED");
            assertThat(transactionRows(t)).isZero();
        }
        // B issues and completes as usual
        String txB = Http.newTransaction();
        HttpResponse<byte[]> b = issue(B, SHARED_CARD, txB);
        assertThat(b.statusCode()).as(Http.body(b)).isEqualTo(200);
        assertThat(printed(txB).statusCode()).isEqualTo(200);

        // A's export file waits in the inbox (neither applied nor quarantined); B's, behind it, is
        // applied
        long appliedA = appliedFiles(A);
        long appliedB = appliedFiles(B);
        Path heldA = delta(A, seq(A).incrementAndGet());
        delta(B, seq(B).incrementAndGet());
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(B) == appliedB + 1);
        assertThat(heldA).exists();
        assertThat(appliedFiles(A)).isEqualTo(appliedA);
        try (var q = Files.list(quarantine)) {
            assertThat(q.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(heldA.getFileName().toString()));
        }

        // its settlement is not written while suspended; B's is
        LocalDate yesterday =
                LocalDate.now(ZoneId.of("Asia/Tokyo")).minusDays(2); // finished whatever the hour
        assertThat(dailySettlement.pending()).noneMatch(d -> d.municipality().equals(A));
        assertThatThrownBy(
                        () ->
                                tx.executeWithoutResult(
                                        s -> dailySettlement.claim(A, yesterday.toString())))
                .hasMessageContaining("COUPLING_SUSPENDED");
        tx.executeWithoutResult(
                s -> {
                    dailySettlement.claim(B, yesterday.toString());
                    s.setRollbackOnly(); // only asked whether B may settle: nothing kept
                });

        // the operator sees it: the endpoint, the command, health (issuing lists A and stays UP)
        JsonNode one = JSON.readTree(get("/actuator/coupling?municipality=" + A));
        assertThat(one.path("suspended").asBoolean()).isTrue();
        assertThat(one.path("effective").asText()).isEqualTo("SUSPENDED");
        assertThat(one.path("operator").asText()).isEqualTo(CALLER);
        assertThat(
                        JSON.readTree(get("/actuator/coupling?municipality=" + B))
                                .path("effective")
                                .asText())
                .isEqualTo("ACTIVE");
        JsonNode all = JSON.readTree(get("/actuator/coupling"));
        assertThat(all.path("suspended").asBoolean()).isFalse();
        assertThat(all.path("municipalities").has(A)).isTrue();
        assertThat(all.path("municipalities").has(B)).isFalse();
        assertThat(run("status", "--municipality", A, "--url", baseUrl()))
                .startsWith("0\n")
                .contains("coupling of " + A + " SUSPENDED")
                .contains("by " + CALLER);
        JsonNode issuing =
                JSON.readTree(get("/actuator/health")).path("components").path("issuing");
        assertThat(issuing.path("details").path("suspendedMunicipalities").has(A))
                .as(issuing.toString())
                .isTrue();
        HttpResponse<String> readiness =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as("the hub stays ready: B issues").isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).path("status").asText()).isEqualTo("UP");

        // a municipality this hub does not serve is refused, nothing recorded
        assertThat(
                        run(
                                "suspend",
                                "--municipality",
                                "999999",
                                "--operator",
                                "ops",
                                "--why",
                                "x",
                                "--url",
                                baseUrl()))
                .startsWith("3\n");
        assertThatThrownBy(() -> coupling.suspendMunicipality("99", "ops", "x"))
                .isInstanceOf(IllegalArgumentException.class);

        // resumed: A's waiting file is applied, A issues again; RESUMED in A's chain
        assertThat(
                        run(
                                "resume",
                                "--municipality",
                                A,
                                "--operator",
                                "ops-ito",
                                "--why",
                                "no leak",
                                "--url",
                                baseUrl()))
                .startsWith("0\n")
                .contains("RESUMED " + A);
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(A) == appliedA + 1);
        assertThat(heldA).doesNotExist();
        String txA = Http.newTransaction();
        HttpResponse<byte[]> a = issue(A, SHARED_CARD, txA);
        assertThat(a.statusCode()).as(Http.body(a)).isEqualTo(200);
        printed(txA);
        assertThat(
                        jdbc.queryForList(
                                "select outcome from issuance_history where kind = 'COUPLING' and operator = ?"
                                        + " and municipality_code = ? order by recorded_at, seq",
                                String.class,
                                CALLER,
                                A))
                .containsExactly("SUSPENDED", "RESUMED");
        assertThat(history.verify(A).ok()).isTrue();
    }

    // ---------------------------------------------------------------- quarantine and gaps

    @Test
    void aQuarantinedFileOrASequenceGapOfOneMunicipalityHoldsBackNoOther() throws Exception {
        long appliedB = appliedFiles(B);
        // A: a DELTA that skips a sequence (waits: A's JUKI stops) and a broken file (quarantined),
        // both
        // sorted before B's file in the same inbox
        long last = seq(A).get();
        Path gap = delta(A, last + 2);
        String broken = ExportFormat.fileName(A, "JUKI", last + 3, Kind.DELTA);
        Files.writeString(inbox.resolve(broken + ".part"), "not an export file\n");
        Files.move(inbox.resolve(broken + ".part"), inbox.resolve(broken));
        delta(B, seq(B).incrementAndGet());
        delta(B, seq(B).incrementAndGet());
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(B) == appliedB + 2);
        awaitReasonFile(broken);
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                count(
                                                "select count(*) from sync_source_state where municipality_code = ?"
                                                        + " and source_system = 'JUKI' and waiting_sequence is not null",
                                                A)
                                        == 1);
        assertThat(gap).exists();
        // A is stale (stopped by the gap): refused; B keeps issuing
        HttpResponse<byte[]> a = issue(A, SHARED_CARD, Http.newTransaction());
        assertThat(a.statusCode()).isEqualTo(422);
        assertThat(code(a)).isEqualTo("REPLICA_STALE");
        String txB = Http.newTransaction();
        HttpResponse<byte[]> b = issue(B, SHARED_CARD, txB);
        assertThat(b.statusCode()).as(Http.body(b)).isEqualTo(200);
        printed(txB);
        // B's source is not stopped
        assertThat(
                        count(
                                "select count(*) from sync_source_state where municipality_code = ? and waiting_sequence is not null",
                                B))
                .isZero();

        // end the gap with a FULL snapshot after it: the waiting file is then older, and
        // quarantined
        seq(A).set(last + 3);
        full(A);
        awaitReasonFile(gap.getFileName().toString());
        String txA = Http.newTransaction();
        HttpResponse<byte[]> again = issue(A, SHARED_CARD, txA);
        assertThat(again.statusCode()).as(Http.body(again)).isEqualTo(200);
        printed(txA);
    }
}
