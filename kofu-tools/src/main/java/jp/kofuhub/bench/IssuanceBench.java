package jp.kofuhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.CertificateOptions;
import jp.kofuhub.certificate.InkanKind;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.TaxKind;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.Tls;
import jp.kofuhub.kiosk.CentreClient;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigner;
import jp.kofuhub.replica.ReplicaReader;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code kofu bench-issuance}: certificates per second and latency of the real issuance route, end
 * to end, against a generated city, next to bare rendering of the same documents (issue 9).
 *
 * <p>It generates (or reuses) a synthetic city, makes a demo key set in its run folder, and for
 * each mode starts a hub of its own as a separate process ({@code java -Xmx512m -jar
 * target/kofu-hub.jar serve}, its own data folders, ports and database; {@code KOFU_DEMO=false},
 * {@code KOFU_IGNORE_HOURS=true}, {@code KOFU_SYNC_MAX_AGE=PT0S}) with the city's export files in
 * its inbox, and waits until the health endpoint shows every file applied. Modes: {@code plain}
 * (the dev profile: HTTP, plain JSON) and {@code secure} (the production hop: mutual TLS with the
 * centre's certificate, every request sealed with the centre's OpenPGP key and every answer opened
 * and its signatures verified; the export files sealed for the hub as the source systems send
 * them).
 *
 * <p>Then {@code --clients} virtual centres (a fixed thread pool) each run conversations back to
 * back — availability → issue → completion (PRINTED), one new transaction each — for {@code
 * --warmup} seconds, then {@code --duration} measured seconds. The serials are drawn from the cards
 * of the generated city (not the scenario samples) that the hub's availability answer showed
 * eligible for each kind of {@code --kinds} (a screening pass before the warm-up). It records each
 * conversation's time and the issue call's, and errors by phase and code. Every PDF received
 * (warm-up included) is written to an owner-only spool folder and checked after the run, outside
 * the measured time, by {@link HolderCheck} against the export files: holder's name, the announced
 * 発行番号, nobody of another household. 発行番号 must be unique. The spool is deleted as it is checked.
 *
 * <p>Memory of the hub: its GC log ({@code -Xlog:gc}, wall-clock decorated) parsed for the measured
 * window (peak heap before a collection, largest heap after one), and its {@code VmHWM} reset at
 * the window's start ({@code /proc/<pid>/clear_refs}).
 *
 * <p>Bare rendering: the same (serial, kind) documents drafted with the hub's own certificate kinds
 * from the replica the hub filled (outside the timing), then rendered in this process with the same
 * number of threads — data XML → XSLT (Saxon, the templates of xslt-templates/) → FO → {@link
 * PdfRenderer} (same FOP configuration and fonts), and once more with the city's PAdES signature
 * ({@link PdfSigner}) as the hub adds it. Memory: this process's heap (sampled) and {@code VmHWM}.
 *
 * <p>Prints one table on stdout; logs to stderr. Exit 0 when every conversation succeeded and every
 * document passed; 1 when any did not (ids and codes are printed, never a name); 2 on bad
 * arguments.
 */
public final class IssuanceBench {

    static final String USAGE =
            "usage: bench-issuance [--mode plain|secure|both] [--clients 32] [--warmup 30]"
                    + " [--duration 60] [--residents 20000] [--seed 1] [--municipality 012343] [--kinds JUMINHYO[,INKAN,SHOTOKU_KAZEI]]"
                    + " [--pool 1000] [--db h2|postgres] [--db-url JDBC_URL ({mode} → plain|secure)] [--db-user U] [--db-password P]"
                    + " [--port 18080] [--secure-port 18443] [--hub-java-opts '-Xmx512m'] [--jar target/kofu-hub.jar]"
                    + " [--work /tmp/kofu-bench-issuance] [--bare both|fop|signed|no] [--check-threads 2]"
                    + " [--load closed|open|both] [--rates 10,20 (open loop: Poisson arrivals/s)]"
                    + " [--delta-every 5 (s between JUKI DELTAs in the open loop, 0: none)] [--delta-size 100]"
                    + " [--client-steps 4,8,16 (closed loop: also measured at these client counts, before --clients)]"
                    + " [--printout-code off|bottom-left|bottom-right[:SIZE] (the municipality's signed 2D code, issue #21)]";

    private static final Set<String> OPTIONS =
            Set.of(
                    "mode",
                    "clients",
                    "warmup",
                    "duration",
                    "residents",
                    "seed",
                    "municipality",
                    "kinds",
                    "pool",
                    "db",
                    "db-url",
                    "db-user",
                    "db-password",
                    "port",
                    "secure-port",
                    "hub-java-opts",
                    "jar",
                    "work",
                    "bare",
                    "check-threads",
                    "load",
                    "rates",
                    "delta-every",
                    "delta-size",
                    "client-steps",
                    "printout-code");
    static final Set<String> KINDS =
            Set.of("JUMINHYO", "INKAN", "SHOTOKU", "KAZEI", "SHOTOKU_KAZEI");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final String PASSWORD = DemoKeys.DEFAULT_PASSWORD;

    private final Map<String, String> o;
    private final PrintStream err;
    private final String municipality;
    private final int clients;
    private final List<String> kinds;
    private final LocalDate today = LocalDate.now(TOKYO);
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Double> throughput = new LinkedHashMap<>();
    private Path run;
    private Path keys;
    private Path exportDir;
    private Map<String, String> atenaBySerial;
    private HolderCheck holders;

    /** (serial, kind) pairs the hub offered in the screening pass. */
    private List<String[]> pool;

    IssuanceBench(Map<String, String> o, PrintStream err) {
        this.o = o;
        this.err = err;
        this.municipality = o.getOrDefault("municipality", "012343");
        this.clients = Integer.parseInt(o.getOrDefault("clients", "32"));
        this.kinds = List.of(o.getOrDefault("kinds", "JUMINHYO").split(","));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench-issuance: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        SyncBench.logToStderr();
        IssuanceBench bench = new IssuanceBench(o, err);
        try {
            return bench.bench(out);
        } catch (Exception e) {
            err.println(
                    "bench-issuance: failed: " + e.getClass().getName() + ": " + e.getMessage());
            return 1;
        } finally {
            bench.cleanUp();
        }
    }

    // ---- the run ----

    private int bench(PrintStream out) throws Exception {
        Path work =
                Path.of(
                        o.getOrDefault(
                                "work",
                                Path.of(System.getProperty("java.io.tmpdir"), "kofu-bench-issuance")
                                        .toString()));
        Files.createDirectories(work);
        run = Files.createTempDirectory(work, "run-");
        keys = run.resolve("keys");
        err.println("bench-issuance: key set in " + keys);
        DemoKeys.generate(keys, PASSWORD.toCharArray(), false);
        city(work);

        String modes = o.getOrDefault("mode", "plain");
        List<String> list = modes.equals("both") ? List.of("plain", "secure") : List.of(modes);
        String lastDbUrl = null;
        for (String mode : list) {
            lastDbUrl = mode(mode);
        }
        String bare = o.getOrDefault("bare", "both");
        if (!bare.equals("no")) {
            try {
                bare(lastDbUrl, bare);
            } catch (Exception | OutOfMemoryError e) {
                // the hub's figures are still printed; the bare pass's failure is one of the
                // problems
                failures.add(
                        "bare rendering: "
                                + e.getClass().getSimpleName()
                                + (e.getCause() != null
                                        ? " (" + e.getCause().getClass().getSimpleName() + ")"
                                        : ""));
            }
        }

        int residents = Integer.parseInt(o.getOrDefault("residents", "20000"));
        out.printf(
                Locale.ROOT,
                "bench-issuance: municipality %s, %d residents (seed %s, today %s), kinds %s, %d clients,"
                        + " warm-up %s s, measured %s s, pool %d (serial, kind) pairs%n",
                municipality,
                residents,
                o.getOrDefault("seed", "1"),
                today,
                String.join(",", kinds),
                clients,
                o.getOrDefault("warmup", "30"),
                o.getOrDefault("duration", "60"),
                pool.size());
        out.printf(
                Locale.ROOT,
                "java %s, %d cpus; hub: %s, database %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                o.getOrDefault("hub-java-opts", "-Xmx512m"),
                o.getOrDefault("db", "h2"));
        printTable(out);
        Double fop = throughput.get("bare");
        if (fop != null) {
            for (String mode : list) {
                Double e2e = throughput.get(mode);
                if (e2e != null && fop > 0) {
                    out.printf(
                            Locale.ROOT,
                            "end-to-end / bare XSLT+FOP (%s): %.2f%n",
                            mode,
                            e2e / fop);
                }
            }
        }
        notes.forEach(out::println);
        if (!failures.isEmpty()) {
            out.println("FAILED: " + failures.size() + " problem(s):");
            failures.stream().limit(50).forEach(f -> out.println("  " + f));
            if (failures.size() > 50) {
                out.println("  … " + (failures.size() - 50) + " more");
            }
            return 1;
        }
        out.println(
                "correctness: every conversation succeeded; every document names the card holder asked for");
        return 0;
    }

    /**
     * Generates the city once per (municipality, residents, seed, today, kinds needing seals/tax),
     * reads what the check needs.
     */
    private void city(Path work) throws IOException {
        int residents = Integer.parseInt(o.getOrDefault("residents", "20000"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        boolean sealsAndTax = kinds.stream().anyMatch(k -> !k.equals("JUMINHYO"));
        Path dir =
                work.resolve(
                        municipality
                                + "-r"
                                + residents
                                + "-s"
                                + seed
                                + "-"
                                + today
                                + (sealsAndTax ? "-all" : "-juki"));
        exportDir = dir.resolve("export");
        Path cards = dir.resolve("cards.csv");
        if (Files.isRegularFile(cards) && Files.isDirectory(exportDir)) {
            err.println("bench-issuance: reusing the city in " + dir);
        } else {
            err.println(
                    "bench-issuance: generating " + residents + " residents into " + dir + " …");
            long t0 = System.nanoTime();
            CityGenerator.generate(
                    exportDir,
                    municipality,
                    residents,
                    seed,
                    StandardCharsets.UTF_8,
                    today,
                    cards,
                    CityGenerator.DEFAULT_SEAL_FONT,
                    sealsAndTax);
            err.printf(
                    Locale.ROOT,
                    "bench-issuance: generated in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
        }
        atenaBySerial = new HashMap<>();
        List<String> candidates = new ArrayList<>();
        List<String> lines = Files.readAllLines(cards, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            atenaBySerial.put(f[0], f[2]);
            if (f[4].isEmpty()) {
                candidates.add(f[0]); // the scenario samples (roles) are refused on purpose
            }
        }
        Collections.shuffle(candidates, new Random(seed));
        int n = Math.min(candidates.size(), Integer.parseInt(o.getOrDefault("pool", "1000")));
        candidates = new ArrayList<>(candidates.subList(0, n));
        pool = new ArrayList<>();
        for (String serial : candidates) {
            pool.add(new String[] {serial, null}); // kinds filled by the screening pass
        }
        MunicipalityProfile city =
                new MunicipalityRegistry(Path.of("config/municipalities"))
                        .find(municipality)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "no profile for municipality " + municipality));
        holders = HolderCheck.fromExports(jukiFiles(), List.of(city.mayorName()));
        err.println(
                "bench-issuance: "
                        + atenaBySerial.size()
                        + " cards, "
                        + holders.residents()
                        + " residents read for the check");
    }

    private List<Path> jukiFiles() throws IOException {
        try (Stream<Path> s = Files.list(exportDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(municipality + "_JUKI_"))
                    .sorted()
                    .toList();
        }
    }

    // ---- one mode: a hub, screening, warm-up, measurement, check ----

    private String mode(String mode) throws Exception {
        boolean secure = mode.equals("secure");
        Path dir = Files.createDirectories(run.resolve(mode));
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Map<String, Long> expected = new TreeMap<>();
        try (Stream<Path> s = Files.list(exportDir)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                String[] parts = name.split("_");
                expected.merge(parts[1], Long.parseLong(parts[2]), Math::max);
                if (secure) {
                    PgpFiles.sealForHub(
                            f,
                            inbox.resolve(name + PgpFiles.SUFFIX),
                            keys,
                            parts[1],
                            PASSWORD.toCharArray());
                } else {
                    Files.copy(f, inbox.resolve(name));
                }
            }
        }
        String dbUrl = dbUrl(mode, dir);
        int port =
                Integer.parseInt(
                        secure
                                ? o.getOrDefault("secure-port", "18443")
                                : o.getOrDefault("port", "18080"));
        String base = (secure ? "https://localhost:" : "http://127.0.0.1:") + port;
        Hub hub = Hub.start(this, mode, dir, dbUrl, port, secure);
        try {
            hub.awaitApplied(base, expected);
            HttpClient http = client(secure, "centre");
            CentreClient centre =
                    new CentreClient(
                            http,
                            secure
                                    ? PgpMessages.ofParty(
                                            keys, "centre", PASSWORD.toCharArray(), List.of("hub"))
                                    : null,
                            secure
                                    ? CentreClient.certificateOrNull(keys.resolve("hub.crt"))
                                    : null);
            Load load =
                    new Load(
                            mode,
                            centre,
                            base + "/api/v1",
                            Files.createDirectories(dir.resolve("spool")));
            if (pool.stream().anyMatch(p -> p[1] == null)) {
                screen(load);
            }
            int warmup = Integer.parseInt(o.getOrDefault("warmup", "30"));
            int duration = Integer.parseInt(o.getOrDefault("duration", "60"));
            err.println(
                    "bench-issuance: "
                            + mode
                            + ": warm-up "
                            + warmup
                            + " s with "
                            + clients
                            + " clients …");
            load.drive(warmup, false);
            String loads = o.getOrDefault("load", "closed");
            record Window(
                    String phase,
                    String clients,
                    Load.Stats stats,
                    OffsetDateTime from,
                    OffsetDateTime to,
                    long rssKb) {}
            List<Window> windows = new ArrayList<>();
            if (!loads.equals("open")) {
                for (String step : o.getOrDefault("client-steps", "").split(",")) {
                    if (step.isBlank()) {
                        continue;
                    }
                    int n = Integer.parseInt(step.trim());
                    hub.resetPeakRss();
                    OffsetDateTime from = OffsetDateTime.now();
                    err.println(
                            "bench-issuance: "
                                    + mode
                                    + ": measuring "
                                    + duration
                                    + " s with "
                                    + n
                                    + " clients …");
                    Load.Stats stats = load.drive(duration, true, n);
                    windows.add(
                            new Window(
                                    mode + " end to end",
                                    Integer.toString(n),
                                    stats,
                                    from,
                                    OffsetDateTime.now(),
                                    hub.peakRssKb()));
                }
                hub.resetPeakRss();
                OffsetDateTime from = OffsetDateTime.now();
                err.println("bench-issuance: " + mode + ": measuring " + duration + " s …");
                Load.Stats stats = load.drive(duration, true);
                windows.add(
                        new Window(
                                mode + " end to end",
                                Integer.toString(clients),
                                stats,
                                from,
                                OffsetDateTime.now(),
                                hub.peakRssKb()));
                throughput.put(mode, stats.perSecond());
            }
            if (!loads.equals("closed")) {
                int every = Integer.parseInt(o.getOrDefault("delta-every", "5"));
                DeltaFeed feed = null;
                if (every > 0) {
                    Set<String> busyAtena = new java.util.HashSet<>();
                    pool.forEach(pr -> busyAtena.add(atenaBySerial.get(pr[0])));
                    int files = 0;
                    for (String r : o.getOrDefault("rates", "10,20").split(",")) {
                        files += duration / every + 1;
                    }
                    feed =
                            new DeltaFeed(
                                    jukiFiles(),
                                    busyAtena,
                                    Files.createDirectories(dir.resolve("deltas")),
                                    files,
                                    Integer.parseInt(o.getOrDefault("delta-size", "100")));
                }
                for (String r : o.getOrDefault("rates", "10,20").split(",")) {
                    double rate = Double.parseDouble(r);
                    hub.resetPeakRss();
                    OffsetDateTime from = OffsetDateTime.now();
                    err.println(
                            "bench-issuance: "
                                    + mode
                                    + ": open loop, "
                                    + r
                                    + " arrivals/s for "
                                    + duration
                                    + " s …");
                    Load.Stats stats = load.open(rate, duration, feed, every, inbox, secure);
                    windows.add(
                            new Window(
                                    mode + " open loop",
                                    r + "/s",
                                    stats,
                                    from,
                                    OffsetDateTime.now(),
                                    hub.peakRssKb()));
                }
                if (feed != null) {
                    Map<String, Long> after = new TreeMap<>(expected);
                    after.merge(feed.source(), feed.lastSequence(), Math::max);
                    hub.awaitApplied(base, after);
                    notes.add(
                            deltaNote(
                                    mode,
                                    dir.resolve("hub.log"),
                                    expected.getOrDefault(feed.source(), 0L),
                                    load.deltas.get(),
                                    every));
                }
            }
            hub.stop();
            for (Window w : windows) {
                long[] heap = hub.heapFromGcLog(w.from(), w.to());
                Load.Stats stats = w.stats();
                rows.add(
                        new String[] {
                            w.phase(),
                            w.clients(),
                            Long.toString(stats.count()),
                            String.format(Locale.ROOT, "%.1f", stats.perSecond()),
                            ms(stats.total(), 50),
                            ms(stats.total(), 95),
                            ms(stats.total(), 99),
                            ms(stats.total(), 100),
                            ms(stats.issue(), 50),
                            ms(stats.issue(), 95),
                            ms(stats.issue(), 99),
                            ms(stats.issue(), 100),
                            Long.toString(stats.errors()),
                            Long.toString(stats.busy()),
                            heap[0] < 0 ? "-" : Long.toString(heap[0]),
                            heap[1] < 0 ? "-" : Long.toString(heap[1]),
                            w.rssKb() < 0 ? "-" : Long.toString(w.rssKb() >> 10)
                        });
            }
            if (!load.errors.isEmpty()) {
                notes.add(mode + " errors by phase and code: " + new TreeMap<>(load.errorCounts()));
            }
            load.checkAll(Integer.parseInt(o.getOrDefault("check-threads", "2")));
            return dbUrl;
        } finally {
            hub.stop();
        }
    }

    /** The DELTAs of the open loop as the hub's log reports them applied (records, ms). */
    private static String deltaNote(String mode, Path hubLog, long after, int delivered, int every)
            throws IOException {
        Pattern applied =
                Pattern.compile("seq (\\d+) DELTA: APPLIED \\((\\d+) records, (\\d+) ms\\)");
        List<Long> ms = new ArrayList<>();
        long records = 0;
        for (String line : Files.readAllLines(hubLog, StandardCharsets.UTF_8)) {
            Matcher m = applied.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) > after) {
                records += Long.parseLong(m.group(2));
                ms.add(Long.parseLong(m.group(3)));
            }
        }
        long[] sorted = ms.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(
                Locale.ROOT,
                "%s: open loop: %d JUKI DELTAs delivered (one every %d s), %d applied (%d records),"
                        + " apply ms p50 %s, max %s",
                mode,
                delivered,
                every,
                sorted.length,
                records,
                sorted.length == 0 ? "-" : Long.toString(sorted[sorted.length / 2]),
                sorted.length == 0 ? "-" : Long.toString(sorted[sorted.length - 1]));
    }

    private String dbUrl(String mode, Path dir) {
        if ("postgres".equals(o.getOrDefault("db", "h2"))) {
            return o.getOrDefault(
                            "db-url",
                            "jdbc:postgresql://127.0.0.1:55432/kofu_{mode}?reWriteBatchedInserts=true")
                    .replace("{mode}", mode);
        }
        return "jdbc:h2:file:"
                + dir.toAbsolutePath().resolve("replica/kofu")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /**
     * An HTTP/1.1 client; for https with {@code party}'s client certificate from the run's key set.
     */
    HttpClient client(boolean secure, String party) {
        HttpClient.Builder b =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5));
        if (secure) {
            b.sslContext(Tls.context(keys, party, PASSWORD.toCharArray()));
        }
        return b.build();
    }

    /**
     * Asks availability (all kinds) once per candidate serial; keeps the (serial, kind) pairs
     * offered.
     */
    private void screen(Load load) throws Exception {
        err.println("bench-issuance: screening " + pool.size() + " serials (availability) …");
        List<String[]> offered = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        ExecutorService ex = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (String[] p : pool) {
                fs.add(
                        ex.submit(
                                () -> {
                                    ObjectNode body =
                                            JSON.createObjectNode()
                                                    .put(
                                                            "transaction",
                                                            "S"
                                                                    + load.mode.charAt(0)
                                                                    + load.txBase
                                                                    + load.seq.incrementAndGet())
                                                    .put("municipality", municipality)
                                                    .put("serial", p[0])
                                                    .put("store", "S0001");
                                    CentreClient.Answer a =
                                            load.centre.post(load.api + "/availability", body);
                                    if (a.status() != 200) {
                                        refused.computeIfAbsent(
                                                        "HTTP " + a.status() + " " + code(a),
                                                        k -> new AtomicInteger())
                                                .incrementAndGet();
                                        return null;
                                    }
                                    for (JsonNode k : JSON.readTree(a.body()).get("kinds")) {
                                        String kind = k.get("kind").asText();
                                        if (kinds.contains(kind)) {
                                            if (k.path("available").asBoolean()) {
                                                offered.add(new String[] {p[0], kind});
                                            } else {
                                                refused.computeIfAbsent(
                                                                kind
                                                                        + " "
                                                                        + k.path("code").asText(),
                                                                x -> new AtomicInteger())
                                                        .incrementAndGet();
                                            }
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdownNow();
        }
        offered.sort((a, b) -> (a[0] + a[1]).compareTo(b[0] + b[1]));
        Collections.shuffle(offered, new Random(Long.parseLong(o.getOrDefault("seed", "1"))));
        pool = new ArrayList<>(offered);
        err.println(
                "bench-issuance: "
                        + pool.size()
                        + " (serial, kind) pairs offered; not offered: "
                        + new TreeMap<>(refused));
        if (pool.isEmpty()) {
            throw new IllegalStateException(
                    "the hub offered none of the kinds " + kinds + " to the screened serials");
        }
    }

    static String code(CentreClient.Answer a) {
        try {
            JsonNode n = JSON.readTree(a.body());
            return n.path("code").asText("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String ms(long[] sortedNanos, int percentile) {
        if (sortedNanos.length == 0) {
            return "-";
        }
        int i =
                percentile >= 100
                        ? sortedNanos.length - 1
                        : Math.max(0, (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1);
        return String.format(Locale.ROOT, "%.0f", sortedNanos[i] / 1e6);
    }

    // ---- the virtual centres ----

    /** Conversations against one hub: timings, errors, and the documents to check. */
    private final class Load {
        final String mode;
        final CentreClient centre;
        final String api;
        final Path spool;
        final String txBase = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + "x";
        final AtomicLong seq = new AtomicLong();
        final AtomicInteger next = new AtomicInteger();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
        final AtomicLong busy = new AtomicLong();
        final AtomicInteger deltas = new AtomicInteger();

        Load(String mode, CentreClient centre, String api, Path spool) {
            this.mode = mode;
            this.centre = centre;
            this.api = api;
            this.spool = spool;
        }

        record Pending(String tx, String serial, String kind, String number, Path file) {}

        record Stats(
                long count, double perSecond, long[] total, long[] issue, long errors, long busy) {}

        Map<String, Integer> errorCounts() {
            Map<String, Integer> m = new HashMap<>();
            errors.forEach(e -> m.merge(e, 1, Integer::sum));
            return m;
        }

        /**
         * Runs the clients for {@code seconds}; conversations that end inside the window are
         * counted.
         */
        Stats drive(int seconds, boolean measured) throws Exception {
            return drive(seconds, measured, clients);
        }

        Stats drive(int seconds, boolean measured, int clients) throws Exception {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            int errorsBefore = errors.size();
            long busyBefore = busy.get();
            ExecutorService ex = Executors.newFixedThreadPool(clients);
            List<Future<long[][]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(
                        ex.submit(
                                () -> {
                                    List<long[]> mine = new ArrayList<>();
                                    while (System.nanoTime() < end) {
                                        long[] t = conversation();
                                        if (t != null && t[2] <= end) {
                                            mine.add(t);
                                        }
                                    }
                                    return mine.toArray(new long[0][]);
                                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[][]> f : fs) {
                all.addAll(Arrays.asList(f.get()));
            }
            ex.shutdownNow();
            long[] total = all.stream().mapToLong(t -> t[2] - t[0]).sorted().toArray();
            long[] issue = all.stream().mapToLong(t -> t[1]).sorted().toArray();
            double wall = (Math.min(System.nanoTime(), end) - start) / 1e9;
            long errs = errors.size() - errorsBefore;
            if (measured) {
                err.printf(
                        Locale.ROOT,
                        "bench-issuance: %s: %d conversations in %.1f s, %d errors%n",
                        mode,
                        all.size(),
                        wall,
                        errs);
            }
            return new Stats(
                    all.size(), all.size() / wall, total, issue, errs, busy.get() - busyBefore);
        }

        /**
         * Open loop (issue #20 item 5): conversations start at Poisson arrivals of {@code rate} per
         * second for {@code seconds}, whatever the hub's speed (no coordinated omission: a
         * conversation's time runs from its planned arrival); with {@code feed}, a JUKI DELTA goes
         * into the hub's inbox every {@code every} seconds meanwhile. Conversations planned inside
         * the window are counted, however late they end.
         */
        Stats open(double rate, int seconds, DeltaFeed feed, int every, Path inbox, boolean secure)
                throws Exception {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            int errorsBefore = errors.size();
            long busyBefore = busy.get();
            java.util.concurrent.ThreadPoolExecutor ex =
                    new java.util.concurrent.ThreadPoolExecutor(
                            0,
                            1024,
                            30,
                            TimeUnit.SECONDS,
                            new java.util.concurrent.SynchronousQueue<>());
            java.util.concurrent.ScheduledExecutorService deltaTimer =
                    Executors.newSingleThreadScheduledExecutor();
            if (feed != null && every > 0) {
                deltaTimer.scheduleAtFixedRate(
                        () -> {
                            try {
                                if (feed.deliver(
                                        inbox,
                                        secure
                                                ? (plain, target) ->
                                                        PgpFiles.sealForHub(
                                                                plain,
                                                                target,
                                                                keys,
                                                                feed.source(),
                                                                PASSWORD.toCharArray())
                                                : null)) {
                                    deltas.incrementAndGet();
                                }
                            } catch (Exception e) {
                                errors.add("delta: " + e.getClass().getSimpleName());
                                failures.add(
                                        mode + " delta delivery: " + e.getClass().getSimpleName());
                            }
                        },
                        0,
                        every,
                        TimeUnit.SECONDS);
            }
            Random arrivals =
                    new Random(Long.parseLong(o.getOrDefault("seed", "1")) * 31 + (long) rate);
            List<Future<long[]>> fs = new ArrayList<>();
            long at = start;
            while (true) {
                at += (long) (-Math.log(1 - arrivals.nextDouble()) / rate * 1e9);
                if (at >= end) {
                    break;
                }
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long planned = at;
                fs.add(
                        ex.submit(
                                () -> {
                                    long[] t = conversation();
                                    return t == null ? null : new long[] {planned, t[1], t[2]};
                                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : fs) {
                long[] t = f.get();
                if (t != null) {
                    all.add(t);
                }
            }
            deltaTimer.shutdownNow();
            ex.shutdown();
            long[] total = all.stream().mapToLong(t -> t[2] - t[0]).sorted().toArray();
            long[] issue = all.stream().mapToLong(t -> t[1]).sorted().toArray();
            double wall = (System.nanoTime() - start) / 1e9;
            long errs = errors.size() - errorsBefore;
            err.printf(
                    Locale.ROOT,
                    "bench-issuance: %s: open loop %.0f/s: %d arrivals, %d conversations in %.1f s, %d errors, %d busy%n",
                    mode,
                    rate,
                    fs.size(),
                    all.size(),
                    wall,
                    errs,
                    busy.get() - busyBefore);
            return new Stats(
                    all.size(),
                    all.size() / (double) seconds,
                    total,
                    issue,
                    errs,
                    busy.get() - busyBefore);
        }

        /**
         * One resident at the kiosk: {start, issue call nanos, end}, or null when it failed
         * (recorded).
         */
        long[] conversation() {
            String[] pair = pool.get(Math.floorMod(next.getAndIncrement(), pool.size()));
            String tx = "B" + mode.charAt(0) + txBase + seq.incrementAndGet();
            ObjectNode body =
                    JSON.createObjectNode()
                            .put("transaction", tx)
                            .put("municipality", municipality)
                            .put("serial", pair[0])
                            .put("kind", pair[1])
                            .put("store", "S0001");
            String phase = "availability";
            try {
                long t0 = System.nanoTime();
                CentreClient.Answer a = centre.post(api + "/availability", body);
                if (a.status() != 200) {
                    return failed(tx, pair, phase, "HTTP " + a.status() + " " + code(a));
                }
                JsonNode k = JSON.readTree(a.body()).path("kinds").path(0);
                if (!k.path("available").asBoolean()) {
                    return failed(tx, pair, phase, "not available " + k.path("code").asText());
                }
                phase = "issue";
                long t1 = System.nanoTime();
                CentreClient.Answer issued = centre.post(api + "/certificates", body);
                // 503 BUSY (issue #20): nothing was numbered; the same transaction asks again after
                // Retry-After, as the centre would (counted apart from errors)
                for (int tries = 0;
                        issued.status() == 503 && "BUSY".equals(code(issued)) && tries < 20;
                        tries++) {
                    busy.incrementAndGet();
                    long after =
                            issued.headers()
                                    .firstValue("Retry-After")
                                    .map(Long::parseLong)
                                    .orElse(1L);
                    TimeUnit.SECONDS.sleep(Math.min(after, 5));
                    issued = centre.post(api + "/certificates", body);
                }
                long t2 = System.nanoTime();
                if (issued.status() != 200) {
                    return failed(tx, pair, phase, "HTTP " + issued.status() + " " + code(issued));
                }
                String number = issued.headers().firstValue("X-Kofu-Issue-Number").orElse("");
                if (centre.sealed() && !issued.signed()) {
                    return failed(tx, pair, phase, "answer signature missing");
                }
                Path file = spool.resolve(tx + ".pdf");
                Files.write(file, issued.body());
                pending.add(new Pending(tx, pair[0], pair[1], number, file));
                phase = "completion";
                CentreClient.Answer done =
                        centre.post(
                                api + "/completions",
                                JSON.createObjectNode()
                                        .put("transaction", tx)
                                        .put("outcome", "PRINTED"));
                if (done.status() != 200) {
                    return failed(tx, pair, phase, "HTTP " + done.status() + " " + code(done));
                }
                return new long[] {t0, t2 - t1, System.nanoTime()};
            } catch (IOException | RuntimeException e) {
                return failed(tx, pair, phase, e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private long[] failed(String tx, String[] pair, String phase, String code) {
            errors.add(phase + ": " + code);
            failures.add(
                    mode
                            + " transaction "
                            + tx
                            + " serial "
                            + pair[0]
                            + " "
                            + pair[1]
                            + ": "
                            + phase
                            + " "
                            + code);
            return null;
        }

        /** Checks every spooled document (after the measurement), deleting each once checked. */
        void checkAll(int threads) throws Exception {
            List<Pending> docs = new ArrayList<>(pending);
            pending.clear();
            err.println("bench-issuance: " + mode + ": checking " + docs.size() + " documents …");
            Set<String> numbers = ConcurrentHashMap.newKeySet();
            AtomicInteger bad = new AtomicInteger();
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (Pending p : docs) {
                    fs.add(
                            ex.submit(
                                    () -> {
                                        byte[] pdf = Files.readAllBytes(p.file());
                                        Optional<String> why =
                                                holders.check(
                                                        pdf,
                                                        atenaBySerial.get(p.serial()),
                                                        p.number());
                                        if (why.isPresent()
                                                && !why.get().equals("DUPLICATE_ISSUE_NUMBER")) {
                                            // kept for inspection (synthetic data, in the bench's
                                            // own folder)
                                            Files.move(
                                                    p.file(),
                                                    p.file()
                                                            .resolveSibling(
                                                                    "FAILED-"
                                                                            + p.file()
                                                                                    .getFileName()));
                                        } else {
                                            Files.delete(p.file());
                                        }
                                        if (why.isEmpty() && !numbers.add(p.number())) {
                                            why = Optional.of("DUPLICATE_ISSUE_NUMBER");
                                        }
                                        if (why.isPresent()) {
                                            bad.incrementAndGet();
                                            failures.add(
                                                    mode
                                                            + " transaction "
                                                            + p.tx()
                                                            + " serial "
                                                            + p.serial()
                                                            + " "
                                                            + p.kind()
                                                            + " 発行番号 "
                                                            + p.number()
                                                            + ": document check "
                                                            + why.get());
                                        }
                                        return null;
                                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                ex.shutdownNow();
            }
            notes.add(
                    String.format(
                            Locale.ROOT,
                            "%s: %d documents checked (warm-up included), %d failed",
                            mode,
                            docs.size(),
                            bad.get()));
        }
    }

    // ---- bare rendering ----

    private void bare(String dbUrl, String which) throws Exception {
        err.println(
                "bench-issuance: bare rendering: drafting "
                        + pool.size()
                        + " documents from the replica …");
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("bench-bare");
        cfg.setJdbcUrl(dbUrl);
        cfg.setUsername(o.getOrDefault("db-user", dbUrl.startsWith("jdbc:h2:") ? "sa" : "kofu"));
        cfg.setPassword(o.getOrDefault("db-password", ""));
        cfg.setMaximumPoolSize(2);
        List<String[]> docs = new ArrayList<>(); // template, data XML
        FontChain fonts =
                FontChain.load(
                        Path.of("config/fop.xconf"),
                        Path.of("."),
                        List.of("IPAexMincho", "IPAmjMincho"),
                        Path.of("xslt-templates/settings.xsl"));
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            ReplicaReader replica = new ReplicaReader(new JdbcTemplate(ds));
            MunicipalityRegistry registry =
                    new MunicipalityRegistry(Path.of("config/municipalities"));
            MunicipalityProfile city = registry.find(municipality).orElseThrow();
            String seal = registry.sealImage(city).toUri().toString();
            Map<String, CertificateKind> byCode = new HashMap<>();
            for (String k : kinds) {
                byCode.put(
                        k,
                        switch (k) {
                            case "JUMINHYO" -> new JuminhyoKind(replica, fonts);
                            case "INKAN" -> new InkanKind(replica, fonts);
                            default -> new TaxKind(k, replica, fonts);
                        });
            }
            for (String[] p : pool) {
                CertificateKind kind = byCode.get(p[1]);
                kind.draft(city, p[0], CertificateOptions.NONE, seal, today)
                        .ifPresent(d -> docs.add(new String[] {kind.template(), d.dataXml()}));
            }
        }
        net.sf.saxon.TransformerFactoryImpl tf = new net.sf.saxon.TransformerFactoryImpl();
        Map<String, Templates> templates = new HashMap<>();
        for (String[] d : docs) {
            if (!templates.containsKey(d[0])) {
                templates.put(
                        d[0],
                        tf.newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", d[0] + ".xsl").toFile())));
            }
        }
        PdfRenderer renderer = new PdfRenderer(fonts, Path.of("."), 1);
        PdfSigner signer =
                new PdfSigner(
                        keys.resolve("hub.p12"),
                        PASSWORD.toCharArray(),
                        null,
                        "Kofu Hub",
                        Clock.system(TOKYO));
        if (which.equals("both") || which.equals("fop")) {
            renderPass("bare XSLT+FOP", docs, templates, renderer, null, "bare");
        }
        if (which.equals("both") || which.equals("signed")) {
            renderPass("bare XSLT+FOP+PAdES", docs, templates, renderer, signer, "bare signed");
        }
    }

    private void renderPass(
            String label,
            List<String[]> docs,
            Map<String, Templates> templates,
            PdfRenderer renderer,
            PdfSigner signer,
            String key)
            throws Exception {
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "30"));
        int duration = Integer.parseInt(o.getOrDefault("duration", "60"));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        err.println(
                "bench-issuance: "
                        + label
                        + ": warm-up "
                        + warmup
                        + " s, measuring "
                        + duration
                        + " s with "
                        + clients
                        + " threads …");
        long[][] phases = new long[2][];
        double wall = 0;
        HeapWatch heap = null;
        for (int phase = 0; phase < 2; phase++) {
            if (phase == 1) {
                System.gc();
                resetPeakRss(ProcessHandle.current().pid());
                heap = new HeapWatch();
            }
            long start = System.nanoTime();
            long end = start + (phase == 0 ? warmup : duration) * 1_000_000_000L;
            ExecutorService ex = Executors.newFixedThreadPool(clients);
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(
                        ex.submit(
                                () -> {
                                    List<Long> mine = new ArrayList<>();
                                    while (System.nanoTime() < end) {
                                        int i = next.getAndIncrement();
                                        String[] d = docs.get(Math.floorMod(i, docs.size()));
                                        long t0 = System.nanoTime();
                                        try {
                                            Transformer t = templates.get(d[0]).newTransformer();
                                            t.setParameter(
                                                    "X-Kofu-Issue-Number",
                                                    String.format(Locale.ROOT, "B%09d", i));
                                            StringWriter fo = new StringWriter();
                                            t.transform(
                                                    new StreamSource(new StringReader(d[1])),
                                                    new StreamResult(fo));
                                            byte[] pdf = renderer.render(fo.toString()).getBytes();
                                            if (signer != null) {
                                                signer.sign(pdf, "証明書コンビニ交付 B" + i);
                                            }
                                        } catch (TransformerException | RuntimeException e) {
                                            failed.incrementAndGet();
                                            continue;
                                        }
                                        long t1 = System.nanoTime();
                                        if (t1 <= end) {
                                            mine.add(t1 - t0);
                                        }
                                    }
                                    return mine.stream().mapToLong(Long::longValue).toArray();
                                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<long[]> f : fs) {
                for (long v : f.get()) {
                    all.add(v);
                }
            }
            ex.shutdownNow();
            phases[phase] = all.stream().mapToLong(Long::longValue).sorted().toArray();
            wall = (Math.min(System.nanoTime(), end) - start) / 1e9;
        }
        heap.close();
        long rss = peakRssKb(ProcessHandle.current().pid());
        long[] lat = phases[1];
        double perSecond = lat.length / wall;
        throughput.put(key, perSecond);
        rows.add(
                new String[] {
                    label,
                    Integer.toString(clients),
                    Integer.toString(lat.length),
                    String.format(Locale.ROOT, "%.1f", perSecond),
                    ms(lat, 50),
                    ms(lat, 95),
                    ms(lat, 99),
                    ms(lat, 100),
                    "-",
                    "-",
                    "-",
                    "-",
                    Integer.toString(failed.get()),
                    "-",
                    Long.toString(heap.peakUsed() >> 20),
                    Long.toString(heap.peakAfterGc() >> 20),
                    rss < 0 ? "-" : Long.toString(rss >> 10)
                });
        if (failed.get() > 0) {
            failures.add(label + ": " + failed.get() + " documents failed to render");
        }
    }

    /**
     * With {@code --printout-code POSITION[:SIZE]} (issue #21): a copy of the shipped municipality
     * profiles in {@code dir/municipalities} where the bench's municipality has the signed 2D code
     * on (the seal images stay where they are), for the hub's {@code KOFU_MUNICIPALITIES_DIR}; null
     * when the code stays as shipped ({@code off}, the default). The key set made by {@link
     * DemoKeys} already holds every shipped municipality's printout key.
     */
    Path printoutProfiles(Path dir) throws IOException {
        String code = o.getOrDefault("printout-code", "off");
        if (code.equals("off")) {
            return null;
        }
        String[] ps = code.split(":", 2);
        Path shipped = Path.of("config/municipalities").toAbsolutePath();
        Path copy = dir.resolve("municipalities");
        Files.createDirectories(copy);
        boolean found = false;
        try (var files = Files.list(shipped)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml =
                        Files.readString(f, StandardCharsets.UTF_8)
                                .replaceAll(
                                        "(?m)^sealImage: *(\\S+)", "sealImage: " + shipped + "/$1")
                                .replaceAll("(?m)^printoutCode:.*$", "");
                if (yaml.matches("(?s).*(?m:^code: *\"?" + municipality + "\"?\\s*$).*")) {
                    yaml +=
                            "\nprintoutCode: {enabled: true, position: "
                                    + ps[0]
                                    + (ps.length > 1 ? ", size: " + ps[1] : "")
                                    + "}\n";
                    found = true;
                }
                Files.writeString(copy.resolve(f.getFileName()), yaml, StandardCharsets.UTF_8);
            }
        }
        if (!found) {
            throw new IllegalStateException("no shipped profile for municipality " + municipality);
        }
        return copy;
    }

    // ---- the hub process ----

    /** A hub started as its own process, with its own folders, port, database and GC log. */
    private static final class Hub {
        private final IssuanceBench bench;
        private final Process process;
        private final Path dir;
        private final Path gcLog;
        private final boolean secure;
        private boolean stopped;

        private Hub(IssuanceBench bench, Process process, Path dir, Path gcLog, boolean secure) {
            this.bench = bench;
            this.process = process;
            this.dir = dir;
            this.gcLog = gcLog;
            this.secure = secure;
        }

        static Hub start(
                IssuanceBench bench, String mode, Path dir, String dbUrl, int port, boolean secure)
                throws IOException {
            Path abs = dir.toAbsolutePath();
            Path gcLog = abs.resolve("gc.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(
                    Arrays.asList(
                            bench.o
                                    .getOrDefault("hub-java-opts", "-Xmx512m")
                                    .trim()
                                    .split("\\s+")));
            cmd.add("-Xlog:gc:file=" + gcLog + ":time");
            cmd.add("-Djava.awt.headless=true");
            cmd.add("-Dserver.tomcat.basedir=" + abs.resolve("tomcat"));
            cmd.add("-jar");
            cmd.add(bench.o.getOrDefault("jar", "target/kofu-hub.jar"));
            cmd.add("serve");
            ProcessBuilder pb = new ProcessBuilder(cmd);
            boolean postgres = dbUrl.startsWith("jdbc:postgresql:");
            Map<String, String> env = pb.environment();
            List<String> profiles = new ArrayList<>();
            if (postgres) {
                profiles.add("postgres");
            }
            if (!secure) {
                profiles.add("dev");
            }
            env.put("SPRING_PROFILES_ACTIVE", String.join(",", profiles));
            env.put("KOFU_DB_URL", dbUrl);
            env.put("KOFU_DB_USER", bench.o.getOrDefault("db-user", postgres ? "kofu" : "sa"));
            env.put("KOFU_DB_PASSWORD", bench.o.getOrDefault("db-password", ""));
            env.put("KOFU_PORT", Integer.toString(port));
            env.put("KOFU_DEMO", "false");
            env.put("KOFU_DEMO_KOSEKI_PORT", "0");
            env.put("KOFU_IGNORE_HOURS", "true");
            env.put("KOFU_SYNC_MAX_AGE", "PT0S");
            env.put("KOFU_KEYS_DIR", bench.keys.toAbsolutePath().toString());
            env.put("KOFU_KEYS_PASSWORD", PASSWORD);
            env.put("KOFU_KEYS_GENERATE", "false");
            env.put("KOFU_SYNC_PGP_REQUIRED", Boolean.toString(secure));
            env.put(
                    "KOFU_SYNC_INBOX_URI",
                    "file:"
                            + abs.resolve("inbox")
                            + "?include=.*\\.kexp(\\.pgp)?&sortBy=file:name&delete=true&readLock=none&delay=500");
            env.put("KOFU_QUARANTINE_DIR", abs.resolve("quarantine").toString());
            env.put("KOFU_SYNC_PGP_WORK_DIR", abs.resolve("sync-work").toString());
            env.put("KOFU_SETTLEMENT_OUTBOX_URI", "file:" + abs.resolve("settlement"));
            // its own lock folder for the singleton routes: a demo running from the same folder
            // keeps data/cluster
            env.put("KOFU_CLUSTER_FILE_ROOT", abs.resolve("cluster").toString());
            Path profiles2 = bench.printoutProfiles(abs);
            if (profiles2 != null) {
                env.put("KOFU_MUNICIPALITIES_DIR", profiles2.toString());
            }
            pb.redirectErrorStream(true);
            pb.redirectOutput(abs.resolve("hub.log").toFile());
            bench.err.println(
                    "bench-issuance: "
                            + mode
                            + ": starting the hub on port "
                            + port
                            + " (log "
                            + abs.resolve("hub.log")
                            + ", profiles "
                            + String.join(",", profiles)
                            + ", "
                            + (postgres ? "PostgreSQL" : "H2")
                            + ") …");
            return new Hub(bench, pb.start(), abs, gcLog, secure);
        }

        /** Waits (at most 10 minutes) until the health endpoint shows every export file applied. */
        void awaitApplied(String base, Map<String, Long> expected) throws Exception {
            HttpClient http = bench.client(secure, "operator");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long t0 = System.nanoTime();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the hub stopped (exit "
                                    + process.exitValue()
                                    + "); see "
                                    + dir.resolve("hub.log"));
                }
                try (Stream<Path> q =
                        Files.exists(dir.resolve("quarantine"))
                                ? Files.list(dir.resolve("quarantine"))
                                : Stream.empty()) {
                    if (q.findAny().isPresent()) {
                        throw new IllegalStateException(
                                "an export file was quarantined; see " + dir.resolve("hub.log"));
                    }
                }
                try {
                    HttpResponse<String> r =
                            http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                            .timeout(Duration.ofSeconds(10))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    JsonNode sources =
                            JSON.readTree(r.body())
                                    .path("components")
                                    .path("replica")
                                    .path("details")
                                    .path("sources");
                    boolean all = true;
                    for (Map.Entry<String, Long> e : expected.entrySet()) {
                        JsonNode s = sources.path(bench.municipality + "/" + e.getKey());
                        all &= s.path("lastSequence").asLong(-1) >= e.getValue();
                    }
                    if (all) {
                        bench.err.printf(
                                Locale.ROOT,
                                "bench-issuance: hub up, %d export files applied after %.1f s%n",
                                expected.values().stream().mapToLong(Long::longValue).sum(),
                                (System.nanoTime() - t0) / 1e9);
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException(
                    "the export files were not applied within 10 minutes; see "
                            + dir.resolve("hub.log"));
        }

        void resetPeakRss() {
            IssuanceBench.resetPeakRss(process.pid());
        }

        long peakRssKb() {
            return IssuanceBench.peakRssKb(process.pid());
        }

        void stop() throws InterruptedException {
            if (stopped) {
                return;
            }
            stopped = true;
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        private static final Pattern GC =
                Pattern.compile(
                        "^\\[([^\\]]+)\\].*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

        /**
         * {peak heap before a GC, largest heap after a GC} in MB within the window, or -1 when
         * there was no GC.
         */
        long[] heapFromGcLog(OffsetDateTime from, OffsetDateTime to) throws IOException {
            long before = -1;
            long after = -1;
            if (!Files.isReadable(gcLog)) {
                return new long[] {-1, -1};
            }
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC.matcher(line);
                if (!m.find()) {
                    continue;
                }
                OffsetDateTime t;
                try {
                    t = OffsetDateTime.parse(m.group(1), TIME);
                } catch (RuntimeException e) {
                    continue;
                }
                if (t.isBefore(from) || t.isAfter(to)) {
                    continue;
                }
                before = Math.max(before, mb(m.group(2), m.group(3)));
                after = Math.max(after, mb(m.group(4), m.group(5)));
            }
            return new long[] {before, after};
        }

        private static long mb(String n, String unit) {
            long v = Long.parseLong(n);
            return switch (unit) {
                case "K" -> v >> 10;
                case "G" -> v << 10;
                default -> v;
            };
        }
    }

    /**
     * Resets VmHWM of a process (Linux: "5" into clear_refs); if refused, VmHWM stays the peak
     * since it started.
     */
    static void resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux or not allowed
        }
    }

    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or gone
        }
        return -1;
    }

    private void cleanUp() {
        if (run == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(run)) {
            for (Path p : s.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            err.println("bench-issuance: could not remove " + run + ": " + e.getMessage());
        }
    }

    // ---- output ----

    private static final String[] COLUMNS = {
        "phase",
        "clients",
        "certificates",
        "per s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "issue p50",
        "issue p95",
        "issue p99",
        "issue max",
        "errors",
        "busy",
        "peak heap MB",
        "heap after GC MB",
        "peak RSS MB"
    };

    private void printTable(PrintStream out) {
        MarkdownTable.print(out, COLUMNS, rows, 1);
    }

    // ---- arguments ----

    static Map<String, String> parse(String[] args) {
        Map<String, String> v = jp.kofuhub.cli.CommandOptions.parse(args, OPTIONS);
        if (!Set.of("plain", "secure", "both").contains(v.getOrDefault("mode", "plain"))) {
            throw new IllegalArgumentException("--mode must be plain, secure or both");
        }
        if (!Set.of("h2", "postgres").contains(v.getOrDefault("db", "h2"))) {
            throw new IllegalArgumentException("--db must be h2 or postgres");
        }
        if (!Set.of("closed", "open", "both").contains(v.getOrDefault("load", "closed"))) {
            throw new IllegalArgumentException("--load must be closed, open or both");
        }
        try {
            for (String r : v.getOrDefault("rates", "10,20").split(",")) {
                if (!(Double.parseDouble(r) > 0)) {
                    throw new NumberFormatException(r);
                }
            }
            if (Integer.parseInt(v.getOrDefault("delta-every", "5")) < 0
                    || Integer.parseInt(v.getOrDefault("delta-size", "100")) < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--rates: positive numbers (arrivals/s); --delta-every ≥ 0, --delta-size ≥ 1");
        }
        if (!Set.of("both", "fop", "signed", "no").contains(v.getOrDefault("bare", "both"))) {
            throw new IllegalArgumentException("--bare must be both, fop, signed or no");
        }
        for (String k : v.getOrDefault("kinds", "JUMINHYO").split(",")) {
            if (!KINDS.contains(k)) {
                throw new IllegalArgumentException(
                        "--kinds: one or more of " + new java.util.TreeSet<>(KINDS));
            }
        }
        try {
            for (String k :
                    List.of(
                            "clients",
                            "warmup",
                            "duration",
                            "pool",
                            "port",
                            "secure-port",
                            "check-threads")) {
                if (v.containsKey(k) && Integer.parseInt(v.get(k)) < (k.equals("warmup") ? 0 : 1)) {
                    throw new IllegalArgumentException("--" + k + " is too small");
                }
            }
            if (Integer.parseInt(v.getOrDefault("residents", "20000"))
                    < CityGenerator.MIN_RESIDENTS) {
                throw new IllegalArgumentException(
                        "--residents must be at least " + CityGenerator.MIN_RESIDENTS);
            }
            Long.parseLong(v.getOrDefault("seed", "1"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "numbers expected for --clients, --warmup, --duration, --pool, --residents, --seed, ports");
        }
        if (!v.getOrDefault("printout-code", "off")
                .matches("off|(bottom-left|bottom-right)(:[0-9]{2}mm)?")) {
            throw new IllegalArgumentException(
                    "--printout-code must be off, bottom-left or bottom-right, with :SIZE (e.g."
                            + " bottom-left:44mm) if not the default");
        }
        if (!ExportFormat.MUNICIPALITY
                .matcher(v.getOrDefault("municipality", "012343"))
                .matches()) {
            throw new IllegalArgumentException("--municipality must be a 6-digit 団体コード");
        }
        return v;
    }
}
