package jp.kofuhub;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.InkanKind;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.TaxKind;
import jp.kofuhub.issuance.DocumentStore;
import jp.kofuhub.issuance.ErrorResponses;
import jp.kofuhub.issuance.HubClock;
import jp.kofuhub.issuance.IssuanceRules;
import jp.kofuhub.issuance.IssueNumbers;
import jp.kofuhub.issuance.OpenApiDocument;
import jp.kofuhub.issuance.Transactions;
import jp.kofuhub.koseki.KosekiKind;
import jp.kofuhub.koseki.KosekiRegistrations;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.replica.ReplicaFreshness;
import jp.kofuhub.replica.ReplicaReader;
import jp.kofuhub.sync.Quarantine;
import jp.kofuhub.sync.RegistrySync;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The beans the routes call, by name. Plain classes wired here, so each is tested without Spring or
 * Camel; the routes in routes/ only orchestrate them.
 */
// Paths are bound as strings: Spring's Path conversion resolves "." against the servlet context.
@Configuration(proxyBeanMethods = false)
public class HubBeans {

    /**
     * The hub's clock: the instance's own, corrected to the database's by every heartbeat ({@link
     * HubClock}, issue #22). {@code kofu.faults.clock-offset} (test only: a clock stepped on one
     * instance) shifts the instance's own clock; zero in every profile.
     */
    @Bean
    HubClock clock(
            @Value("${kofu.time-zone}") String zone,
            @Value("${kofu.faults.clock-offset:0s}") java.time.Duration offset) {
        Clock system = Clock.system(ZoneId.of(zone));
        return new HubClock(offset.isZero() ? system : Clock.offset(system, offset));
    }

    @Bean
    MunicipalityRegistry municipalityRegistry(@Value("${kofu.municipalities.dir}") String dir) {
        return new MunicipalityRegistry(Path.of(dir));
    }

    /**
     * The fonts, and the boxes printed values must fit, read from the templates' own settings.xsl.
     */
    @Bean
    FontChain fontChain(
            @Value("${kofu.render.fop-config}") String xconf,
            @Value("${kofu.home}") String home,
            @Value("${kofu.render.font-chain}") List<String> order,
            @Value("${kofu.templates.dir}") String templates) {
        return FontChain.load(
                Path.of(xconf), Path.of(home), order, Path.of(templates, "settings.xsl"));
    }

    /**
     * The XSLT shell of each municipality's certificates: its own override, else the shared one.
     */
    @Bean
    jp.kofuhub.render.CertificateTemplates certificateTemplates(
            @Value("${kofu.templates.dir}") String templates) {
        return new jp.kofuhub.render.CertificateTemplates(Path.of(templates));
    }

    /** The signed 2D code on every page (issue #21): the printout keys and the per-page codes. */
    @Bean
    jp.kofuhub.printout.PrintoutCodes printoutCodes(
            @Value("${kofu.printout.keys-dir}") String dir,
            @Value("${kofu.keys.password}") String password,
            Clock clock) {
        return new jp.kofuhub.printout.PrintoutCodes(Path.of(dir), password, clock);
    }

    /** The printout key sets and the verification page (route printout-publication, issue #21). */
    @Bean
    jp.kofuhub.printout.PrintoutPublication printoutPublication(
            jp.kofuhub.printout.PrintoutCodes codes, MunicipalityRegistry municipalities) {
        return new jp.kofuhub.printout.PrintoutPublication(
                codes, code -> municipalities.find(code).map(p -> p.name()).orElse(null));
    }

    @Bean
    PdfRenderer pdfRenderer(
            FontChain fonts,
            @Value("${kofu.home}") String home,
            @Value("${kofu.render.fallback-font-concurrency:1}") int fallbackConcurrency) {
        return new PdfRenderer(fonts, Path.of(home), fallbackConcurrency);
    }

    /** The sheets a certificate takes, counted by laying it out (phase 1 announces them). */
    @Bean
    jp.kofuhub.render.LayoutPages layoutPages(
            @Value("${kofu.templates.dir}") String templates,
            jp.kofuhub.render.CertificateTemplates certificateTemplates,
            PdfRenderer renderer) {
        return new jp.kofuhub.render.LayoutPages(
                Path.of(templates), certificateTemplates, renderer);
    }

    @Bean
    RegistrySync registrySync(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            MunicipalityRegistry municipalities,
            @Value("${kofu.sync.sources}") List<String> sources,
            jp.kofuhub.metrics.HubMetrics metrics) {
        return new RegistrySync(jdbc, tx, municipalities, new HashSet<>(sources), metrics);
    }

    /**
     * The at-rest cipher (quarantined files, held certificate documents), its key file read now: a
     * missing or bad key file stops the start-up (the demo writes one first).
     */
    @Bean
    jp.kofuhub.keys.AtRestCipher atRestCipher(
            @Value("${kofu.at-rest.key-file}") String keyFile,
            org.springframework.beans.factory.ObjectProvider<jp.kofuhub.keys.KeysOnFirstRun>
                    keysFirst) {
        keysFirst.ifAvailable(jp.kofuhub.keys.KeysOnFirstRun::ensure);
        return jp.kofuhub.keys.AtRestCipher.load(Path.of(keyFile));
    }

    @Bean
    Quarantine quarantine(
            @Value("${kofu.sync.quarantine-dir}") String dir, jp.kofuhub.keys.AtRestCipher atRest) {
        return new Quarantine(Path.of(dir), atRest);
    }

    @Bean
    ReplicaReader replicaReader(JdbcTemplate jdbc) {
        return new ReplicaReader(jdbc);
    }

    @Bean
    IssueNumbers issueNumbers(JdbcTemplate jdbc, TransactionTemplate tx) {
        return new IssueNumbers(jdbc, tx);
    }

    @Bean
    ReplicaFreshness replicaFreshness(
            JdbcTemplate jdbc,
            Clock clock,
            @Value("${kofu.sync.max-age}") java.time.Duration maxAge) {
        return new ReplicaFreshness(jdbc, clock, maxAge);
    }

    @Bean
    OpenApiDocument openApiDocument(
            @Value("${kofu.home}") String home,
            @Value("${kofu.issuance.openapi-file}") String file) {
        return new OpenApiDocument(Path.of(home).resolve(file));
    }

    /**
     * The city's signature on every certificate PDF (PAdES), from {@code kofu.signing.keystore}
     * (the demo: the hub's key of the demo key set, `./kofu keys`). Without a keystore the hub
     * still runs, unsigned, and says so at start-up.
     */
    @Bean
    PdfSignerHolder pdfSigner(
            @Value("${kofu.signing.keystore}") String keystore,
            @Value("${kofu.keys.password}") String password,
            Clock clock,
            org.springframework.beans.factory.ObjectProvider<jp.kofuhub.keys.KeysOnFirstRun>
                    keysFirst) {
        keysFirst.ifAvailable(jp.kofuhub.keys.KeysOnFirstRun::ensure);
        Path p12 = Path.of(keystore);
        if (!java.nio.file.Files.isRegularFile(p12)) {
            org.slf4j.LoggerFactory.getLogger(HubBeans.class)
                    .warn(
                            "no signing keystore at {}: certificates are NOT signed (run ./kofu keys, or set KOFU_SIGNING_KEYSTORE)",
                            p12);
            return new PdfSignerHolder(null);
        }
        return new PdfSignerHolder(
                new jp.kofuhub.render.PdfSigner(
                        p12, password.toCharArray(), null, "Kofu Hub", clock));
    }

    /** The signer, or none (a bean cannot be null). */
    public record PdfSignerHolder(jp.kofuhub.render.PdfSigner signer) {}

    /**
     * One municipality's own signing key: {@code
     * kofu.signing.municipalities.<code>.keystore|password|alias}.
     */
    public record MunicipalitySigningKey(String keystore, String password, String alias) {}

    /**
     * The signer of each municipality's certificates: its own keystore when {@code
     * kofu.signing.municipalities.<団体コード>.keystore} is set (password: {@code .password}, else
     * {@code kofu.keys.password}; key entry: {@code .alias}, else the only one), else the hub's. A
     * configured keystore that is missing or unreadable, or a code this hub does not serve, stops
     * the start: a city must not silently sign with another's key.
     */
    @Bean
    jp.kofuhub.render.PdfSigners pdfSigners(
            PdfSignerHolder hub,
            org.springframework.core.env.Environment env,
            @Value("${kofu.keys.password}") String password,
            Clock clock,
            MunicipalityRegistry municipalities) {
        java.util.Map<String, MunicipalitySigningKey> keys =
                org.springframework.boot.context.properties.bind.Binder.get(env)
                        .bind(
                                "kofu.signing.municipalities",
                                org.springframework.boot.context.properties.bind.Bindable.mapOf(
                                        String.class, MunicipalitySigningKey.class))
                        .orElse(java.util.Map.of());
        java.util.Map<String, jp.kofuhub.render.PdfSigner> own = new java.util.TreeMap<>();
        keys.forEach(
                (code, k) -> {
                    if (k.keystore() == null || k.keystore().isBlank()) {
                        return;
                    }
                    jp.kofuhub.municipality.MunicipalityProfile city =
                            municipalities
                                    .find(code)
                                    .orElseThrow(
                                            () ->
                                                    new IllegalStateException(
                                                            "kofu.signing.municipalities."
                                                                    + code
                                                                    + ": this hub does not serve "
                                                                    + code));
                    String pw =
                            k.password() == null || k.password().isEmpty()
                                    ? password
                                    : k.password();
                    own.put(
                            code,
                            new jp.kofuhub.render.PdfSigner(
                                    Path.of(k.keystore()),
                                    pw.toCharArray(),
                                    k.alias() == null || k.alias().isBlank() ? null : k.alias(),
                                    city.name(),
                                    clock));
                    org.slf4j.LoggerFactory.getLogger(HubBeans.class)
                            .info(
                                    "municipality {} signs its certificates with its own key ({})",
                                    code,
                                    Path.of(k.keystore()).getFileName());
                });
        return new jp.kofuhub.render.PdfSigners(hub.signer(), own);
    }

    @Bean
    DocumentStore documentStore(
            Clock clock,
            @Value("${kofu.documents.ttl}") Duration documentTtl,
            jp.kofuhub.keys.AtRestCipher atRest) {
        return new DocumentStore(clock, documentTtl, atRest);
    }

    @Bean
    Transactions transactions(JdbcTemplate jdbc, DocumentStore documents) {
        return new Transactions(jdbc, documents.instanceId());
    }

    /** The detached signature of certificate answers' metadata (route sign-answer, crypto:sign). */
    @Bean
    jp.kofuhub.issuance.AnswerSignature answerSignature(PdfSignerHolder signer) {
        return new jp.kofuhub.issuance.AnswerSignature(signer.signer());
    }

    @Bean
    jp.kofuhub.issuance.ReplayGuard replayGuard(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            Clock clock,
            @Value("${kofu.issuance.replay-window:PT5M}") Duration window) {
        return new jp.kofuhub.issuance.ReplayGuard(jdbc, tx, clock, window);
    }

    @Bean
    jp.kofuhub.issuance.CentreMessages centreMessages(
            jp.kofuhub.keys.PgpMessages pgpMessages,
            @Value("${kofu.issuance.pgp.required:true}") boolean required,
            jp.kofuhub.issuance.ReplayGuard replayGuard,
            @Value("${kofu.inflation.centre.max-bytes:65536}") long maxBytes,
            @Value("${kofu.inflation.centre.max-ratio:100}") long maxRatio) {
        if (!required) {
            org.slf4j.LoggerFactory.getLogger(HubBeans.class)
                    .warn(
                            "plain JSON requests of the issuance centre are accepted (kofu.issuance.pgp.required=false)");
        }
        return new jp.kofuhub.issuance.CentreMessages(
                pgpMessages,
                required,
                replayGuard,
                new jp.kofuhub.keys.InflationLimit(maxBytes, maxRatio));
    }

    @Bean
    ErrorResponses errorResponses() {
        return new ErrorResponses();
    }

    /**
     * The issuance rules with every certificate kind (here, not in IssuanceBeans: 戸籍 kinds live in
     * koseki/).
     */
    @Bean
    IssuanceRules issuanceRules(
            MunicipalityRegistry municipalities,
            ReplicaReader replica,
            FontChain fonts,
            ReplicaFreshness freshness,
            Clock clock,
            JdbcTemplate jdbc,
            ObjectProvider<KosekiRegistrations> registrations,
            jp.kofuhub.issuance.KosekiServers kosekiServers,
            @Value("${kofu.calendar.ignore-hours:false}") boolean ignoreHours) {
        KosekiRegistrations koseki =
                registrations.getIfAvailable(() -> new KosekiRegistrations(jdbc, clock));
        List<CertificateKind> kinds =
                List.of(
                        new JuminhyoKind(replica, fonts),
                        new JuminhyoKind(JuminhyoKind.KISAI, replica, fonts),
                        new InkanKind(replica, fonts),
                        new TaxKind("SHOTOKU", replica, fonts),
                        new TaxKind("KAZEI", replica, fonts),
                        new TaxKind("SHOTOKU_KAZEI", replica, fonts),
                        new KosekiKind("KOSEKI_ZENBU", replica, koseki),
                        new KosekiKind("KOSEKI_KOJIN", replica, koseki),
                        new KosekiKind("KOSEKI_FUHYO", replica, koseki));
        return new IssuanceRules(
                municipalities, kinds, freshness, clock, ignoreHours, kosekiServers::down);
    }
}
