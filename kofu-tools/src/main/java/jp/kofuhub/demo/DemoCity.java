package jp.kofuhub.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import jp.kofuhub.generator.CityGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * With {@code kofu.demo.enabled=true} (the default profile) a fresh hub loads a synthetic demo
 * city: when the replica has never received a file for the demo municipality, the generator writes
 * its export files into the sync inbox and the real {@code registry-sync} route applies them. The
 * serials of the demo card holders are listed in {@code kofu.demo.cards-file}. It also plays the
 * registry's heartbeat (route {@code demo-registry-heartbeat}): an empty DELTA now and then, as a
 * real registry sends, so the demo replica never counts as stale. And it runs the koseki
 * certificate server simulator ({@code kofu.demo.koseki-port}) on a 戸籍 book made from the same
 * generated city, so the demo can issue the 戸籍 kinds.
 *
 * <p>Every file it puts into the inbox crosses the boundary as a real source system's would
 * (registry-export.md §2.1): {@code <name>.kexp.pgp}, signed with the source's key of the demo key
 * set ({@code juki}, {@code inkan}, {@code zei}, {@code koseki-registry}) and encrypted to the
 * hub's, so the demo runs with {@code kofu.sync.pgp.required: true}. The key set is written first
 * when missing ({@link jp.kofuhub.keys.KeysOnFirstRun#ensure()}). Plain files are made in a staging
 * folder beside the inbox and deleted once sealed.
 */
@Component("demoCity")
public class DemoCity
        implements ApplicationRunner, org.springframework.beans.factory.DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCity.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Path inbox;
    private final Path cards;
    private final String municipality;
    private final int residents;
    private final long seed;
    private final boolean enabled;
    private final int kosekiPort;
    private final jp.kofuhub.municipality.MunicipalityRegistry municipalities;
    private jp.kofuhub.koseki.sim.KosekiServer koseki;
    private final jp.kofuhub.keys.KeysOnFirstRun keys;
    private final Path keysDir;
    private final char[] keysPassword;

    /** The simulator as the hub calls it: https with client certificates, OpenPGP bodies. */
    private final boolean kosekiTls;

    private final boolean kosekiPgp;

    /** The hub's listen address (server.address, env SERVER_ADDRESS): the simulator's too. */
    private final String address;

    public DemoCity(
            JdbcTemplate jdbc,
            Clock clock,
            jp.kofuhub.municipality.MunicipalityRegistry municipalities,
            @Value("${kofu.demo.koseki-port:8091}") int kosekiPort,
            @Value("${kofu.demo.inbox-dir}") String inbox,
            @Value("${kofu.demo.cards-file}") String cards,
            @Value("${kofu.demo.municipality}") String municipality,
            @Value("${kofu.demo.residents}") int residents,
            @Value("${kofu.demo.seed}") long seed,
            @Value("${kofu.demo.enabled}") boolean enabled,
            jp.kofuhub.keys.KeysOnFirstRun keys,
            @Value("${kofu.keys.dir:" + jp.kofuhub.demo.DemoKeys.DEFAULT_DIR + "}") String keysDir,
            @Value("${kofu.keys.password:" + jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD + "}")
                    String keysPassword,
            @Value("${kofu.koseki.url:https://localhost:${kofu.demo.koseki-port}/koseki/v1}")
                    String kosekiUrl,
            @Value("${kofu.koseki.pgp:true}") boolean kosekiPgp,
            @Value("${server.address:}") String address) {
        this.address = address;
        this.kosekiTls = kosekiUrl.regionMatches(true, 0, "https:", 0, 6);
        this.kosekiPgp = kosekiPgp;
        this.keys = keys;
        this.keysDir = Path.of(keysDir);
        this.keysPassword = keysPassword.toCharArray();
        this.jdbc = jdbc;
        this.clock = clock;
        this.inbox = Path.of(inbox);
        this.cards = Path.of(cards);
        this.municipality = municipality;
        this.residents = residents;
        this.seed = seed;
        this.enabled = enabled;
        this.municipalities = municipalities;
        this.kosekiPort = kosekiPort;
    }

    /** The JUKI FULL of the demo city, kept for the koseki simulator's 戸籍 book. */
    private Path kosekiBook() {
        return cards.resolveSibling("koseki-book-" + municipality + ".kexp");
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!enabled) {
            return;
        }
        Integer applied =
                jdbc.queryForObject(
                        "select count(*) from sync_file where municipality_code = ?",
                        Integer.class,
                        municipality);
        boolean waiting;
        try (var files = Files.list(Files.createDirectories(inbox))) {
            waiting =
                    files.anyMatch(p -> p.getFileName().toString().startsWith(municipality + "_"));
        }
        if ((applied != null && applied > 0) || waiting) {
            LOG.info("demo city {} already loaded or waiting in the inbox", municipality);
            startKoseki();
            heartbeat();
            announceReady();
            return;
        }
        // generated beside the inbox first, so the JUKI FULL can be kept for the koseki simulator
        // before the sync route takes the files
        Path staging = Files.createDirectories(cards.resolveSibling("staging"));
        CityGenerator.Result r =
                CityGenerator.generate(
                        staging,
                        municipality,
                        residents,
                        seed,
                        StandardCharsets.UTF_8,
                        LocalDate.now(clock),
                        cards);
        try (var files = Files.list(staging)) {
            for (Path f :
                    files.filter(p -> p.getFileName().toString().endsWith(".kexp"))
                            .sorted()
                            .toList()) {
                if (f.getFileName().toString().equals(municipality + "_JUKI_000000001_FULL.kexp")) {
                    Files.copy(f, kosekiBook(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                sealIntoInbox(f);
            }
        }
        LOG.info(
                "demo city {}: {} residents in {} households written to the inbox as {} files; card serials in {}",
                municipality,
                r.residentCount(),
                r.householdCount(),
                r.files().size(),
                cards);
        startKoseki();
        heartbeat();
        announceReady();
    }

    /**
     * Logs {@code demo city <code> ready (JUKI seq N applied)} once the JUKI files written so far
     * (this start's, or those of an earlier start still waiting in the inbox) are applied: the
     * README's ready line, on the first start and on every restart (issue #18). Waits on a daemon
     * thread, at most ten minutes.
     */
    private void announceReady() throws java.io.IOException {
        long target = appliedJuki();
        try (var files = Files.list(inbox)) {
            for (Path p : files.toList()) {
                String[] parts = p.getFileName().toString().split("_");
                if (parts.length == 4 && parts[0].equals(municipality) && parts[1].equals("JUKI")) {
                    target = Math.max(target, Long.parseLong(parts[2]));
                }
            }
        }
        if (target == 0) {
            return;
        }
        long wanted = target;
        Thread t =
                new Thread(
                        () -> {
                            long deadline = System.nanoTime() + 600_000_000_000L;
                            try {
                                while (appliedJuki() < wanted) {
                                    if (System.nanoTime() > deadline) {
                                        LOG.warn(
                                                "demo city {} not ready after 10 minutes: see the"
                                                        + " quarantine",
                                                municipality);
                                        return;
                                    }
                                    Thread.sleep(500);
                                }
                                LOG.info(
                                        "demo city {} ready (JUKI seq {} applied)",
                                        municipality,
                                        appliedJuki());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                LOG.warn(
                                        "demo city {} readiness not known: {}",
                                        municipality,
                                        e.getClass().getSimpleName());
                            }
                        },
                        "demo-city-ready");
        t.setDaemon(true);
        t.start();
    }

    private long appliedJuki() {
        Long n =
                jdbc.queryForObject(
                        "select coalesce(max(last_sequence), 0) from sync_source_state"
                                + " where municipality_code = ? and source_system = 'JUKI'",
                        Long.class,
                        municipality);
        return n == null ? 0 : n;
    }

    /**
     * The koseki server simulator on {@code kofu.demo.koseki-port}, when the demo city's book
     * exists.
     */
    private void startKoseki() {
        if (kosekiPort <= 0 || koseki != null || !Files.isRegularFile(kosekiBook())) {
            return;
        }
        try {
            var city = municipalities.find(municipality).orElseThrow();
            String prefix = city.prefecture() + city.name();
            var book = jp.kofuhub.koseki.sim.KosekiBook.load(kosekiBook(), prefix, null, null);
            // the PDFs are PAdES-signed with the demo 戸籍 key (koseki-server.p12), whose certificate
            // the hub checks (kofu.koseki.signing-certificate); https + client certificates when
            // kofu.koseki.url is https, OpenPGP bodies when kofu.koseki.pgp; the demo key set
            keys.ensure();
            koseki =
                    new jp.kofuhub.koseki.sim.KosekiServer(
                            book,
                            new jp.kofuhub.koseki.sim.KosekiCertificates(
                                    Path.of("fonts/ipaexm.ttf"),
                                    prefix,
                                    jp.kofuhub.koseki.sim.KosekiCertificates.demoSigner(
                                            keysDir, keysPassword, prefix)),
                            jp.kofuhub.koseki.sim.KosekiServer.listenAddress(address, kosekiPort),
                            8);
            if (kosekiTls) {
                koseki.tls(jp.kofuhub.keys.Tls.context(keysDir, "koseki-server", keysPassword));
            }
            if (kosekiPgp) {
                koseki.pgp(
                        jp.kofuhub.keys.PgpMessages.ofParty(
                                keysDir,
                                "koseki-server",
                                keysPassword,
                                java.util.List.of(jp.kofuhub.koseki.sim.KosekiServer.HUB)));
            }
            koseki.start();
            LOG.info(
                    "demo koseki server simulator on {}:{} with {} 戸籍 ({}, {})",
                    address.isBlank() ? "*" : address,
                    kosekiPort,
                    book.size(),
                    kosekiTls ? "https + client certificates" : "plain http",
                    kosekiPgp ? "OpenPGP" : "plain bodies");
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("demo koseki server simulator not started: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void destroy() {
        if (koseki != null) {
            koseki.stop();
        }
    }

    /**
     * Writes an empty DELTA with the next sequence into the inbox for every source the demo city
     * has (applied or waiting in the inbox), as the in-house systems do when nothing changed.
     */
    public synchronized void heartbeat() throws java.io.IOException {
        if (!enabled) {
            return;
        }
        java.util.Map<String, Long> next = new java.util.TreeMap<>();
        jdbc.query(
                "select source_system, last_sequence from sync_source_state where municipality_code = ?",
                rs -> {
                    next.merge(rs.getString(1), rs.getLong(2) + 1, Math::max);
                },
                municipality);
        try (var files = Files.list(inbox)) {
            for (Path p : files.toList()) {
                String[] parts = p.getFileName().toString().split("_");
                String n = p.getFileName().toString();
                if (parts.length == 4
                        && parts[0].equals(municipality)
                        && (n.endsWith(".kexp") || n.endsWith(".kexp.pgp"))) {
                    next.merge(parts[1], Long.parseLong(parts[2]) + 1, Math::max);
                }
            }
        }
        Path staging = Files.createDirectories(cards.resolveSibling("staging"));
        for (var e : next.entrySet()) {
            Path plain;
            try (var w =
                    new jp.kofuhub.registry.ExportWriter(
                            staging,
                            municipality,
                            e.getKey(),
                            e.getValue(),
                            jp.kofuhub.registry.ExportHeader.Kind.DELTA,
                            StandardCharsets.UTF_8,
                            java.time.OffsetDateTime.now(clock))) {
                plain = w.commit();
            }
            sealIntoInbox(plain);
        }
    }

    /**
     * Signs {@code plain} with its source's demo key, encrypts it to the hub, renames it into the
     * inbox as {@code <name>.kexp.pgp} and deletes the plain file.
     */
    private void sealIntoInbox(Path plain) throws java.io.IOException {
        keys.ensure();
        String name = plain.getFileName().toString();
        String source = name.split("_")[1];
        try {
            jp.kofuhub.keys.PgpFiles.sealForHub(
                    plain,
                    inbox.resolve(name + jp.kofuhub.keys.PgpFiles.SUFFIX),
                    keysDir,
                    source,
                    keysPassword);
        } finally {
            Files.deleteIfExists(plain);
        }
    }
}
