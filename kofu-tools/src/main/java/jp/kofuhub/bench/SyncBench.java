package jp.kofuhub.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.sync.RegistrySync;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code kofu bench-sync}: how long a FULL snapshot of a big city takes to apply, measured on the
 * real sync path without starting the hub.
 *
 * <p>It generates (or reuses, keyed by its arguments) a synthetic FULL export with {@link
 * CityGenerator}, migrates the database with Flyway, then
 *
 * <ol>
 *   <li>{@code read}: streams the file through {@link ExportReader} alone (decode, hash, split,
 *       normalise) — the floor any database path pays;
 *   <li>{@code hub}: applies it through {@link RegistrySync#apply} exactly as the {@code
 *       registry-sync} route does (one transaction, {@code ReplicaWriter});
 *   <li>{@code copy} (PostgreSQL only): {@code COPY … FROM STDIN} of the same rows, streamed from
 *       the same file and converted to COPY text, into scratch copies of household, resident,
 *       resident_history and card_serial ({@code LIKE … INCLUDING ALL}, so with the same keys and
 *       indexes), dropped afterwards;
 *   <li>{@code deltas} (default 20 files of 200 households each, {@code --deltas 0} skips it):
 *       after the FULL, DELTA files that move households of the snapshot within the city (H with a
 *       new 方書, the members' R with the next 履歴番号), applied one by one through {@link
 *       RegistrySync#apply}; per file the apply time (handed over until committed) and the time to
 *       issuable (until {@code ReplicaReader.findBySerial}, the issue route's read, shows the new
 *       方書). The hub's inbox poll ({@code delay=1000} ms) comes on top and is stated, not measured.
 * </ol>
 *
 * For each it measures wall time, records per second, the heap (sampled every 20 ms, and the
 * largest heap left after a GC) and the process's peak RSS ({@code VmHWM}, reset per phase where
 * the kernel allows). It prints one summary table on stdout; logs (progress with rate and ETA) go
 * to stderr. It prints counts, sizes and times only, never a record's content.
 */
public final class SyncBench {

    static final String USAGE =
            "usage: bench-sync --db-url JDBC_URL [--db-user U] [--db-password P]"
                    + " [--residents 3800000] [--seed 1] [--municipality 011002] [--today 2026-11-25] [--work /tmp/kofu-bench]"
                    + " [--label NAME] [--read yes|no] [--copy auto|yes|no] [--reset yes|no]"
                    + " [--municipalities-dir config/municipalities] [--deltas 20] [--delta-size 200]";

    private static final Set<String> OPTIONS =
            Set.of(
                    "db-url",
                    "db-user",
                    "db-password",
                    "residents",
                    "seed",
                    "municipality",
                    "today",
                    "work",
                    "label",
                    "read",
                    "copy",
                    "reset",
                    "municipalities-dir",
                    "deltas",
                    "delta-size");
    private static final String SOURCE = CityGenerator.SOURCE;

    /**
     * Outside the project: data/ is scratch that tests and demos wipe; a 3.8M-resident export is
     * 1.4 GB.
     */
    static final String DEFAULT_WORK =
            Path.of(System.getProperty("java.io.tmpdir"), "kofu-bench").toString();

    private SyncBench() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench-sync: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        logToStderr();
        try {
            return new SyncBench().bench(o, out, err);
        } catch (Exception e) {
            err.println("bench-sync: failed: " + e.getClass().getName() + ": " + e.getMessage());
            return 1;
        }
    }

    // ---- the run ----

    private final List<String[]> rows = new ArrayList<>();

    private int bench(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
        String municipality = o.getOrDefault("municipality", "011002");
        int residents = Integer.parseInt(o.getOrDefault("residents", "3800000"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        LocalDate today = LocalDate.parse(o.getOrDefault("today", "2026-11-25"));
        Path work = Path.of(o.getOrDefault("work", DEFAULT_WORK));
        String url = o.get("db-url");
        boolean postgres = url.startsWith("jdbc:postgresql:");
        String copy = o.getOrDefault("copy", "auto");
        boolean doCopy = copy.equals("yes") || (copy.equals("auto") && postgres);
        if (doCopy && !postgres) {
            throw new IllegalArgumentException("--copy yes needs a PostgreSQL --db-url");
        }

        // 1. the export file, generated once per (municipality, residents, seed, today)
        Path dir =
                work.resolve(municipality + "-r" + residents + "-s" + seed + "-" + today + "-utf8");
        String fileName = ExportFormat.fileName(municipality, SOURCE, 1, ExportHeader.Kind.FULL);
        Path file = dir.resolve("export").resolve(fileName);
        if (Files.exists(file)) {
            err.println("bench-sync: reusing " + file);
        } else {
            err.println("bench-sync: generating " + residents + " residents into " + dir + " …");
            long t0 = System.nanoTime();
            // JUKI only: the seal images of millions of residents would be gigabytes and are not
            // benchmarked here
            CityGenerator.generate(
                    dir.resolve("export"),
                    municipality,
                    residents,
                    seed,
                    StandardCharsets.UTF_8,
                    today,
                    dir.resolve("cards.csv"),
                    CityGenerator.DEFAULT_SEAL_FONT,
                    false);
            err.printf(
                    Locale.ROOT,
                    "bench-sync: generated in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
            // only the JUKI FULL is measured; the other sources' snapshots (seal images: gigabytes)
            // go
            try (var files = Files.list(file.getParent())) {
                for (Path other : files.filter(f -> !f.equals(file)).toList()) {
                    Files.delete(other);
                }
            }
        }
        ExportHeader header;
        try (InputStream in = Files.newInputStream(file)) {
            header = new ExportReader(in).header();
        }
        long records = header.totalRecords();
        Map<RecordType, Long> counts = header.recordCounts();
        long h = counts.getOrDefault(RecordType.H, 0L);
        long r = counts.getOrDefault(RecordType.R, 0L);
        long c = counts.getOrDefault(RecordType.C, 0L);

        String dbName;
        try (HikariDataSource ds = dataSource(o, url)) {
            try (Connection con = ds.getConnection()) {
                dbName =
                        con.getMetaData().getDatabaseProductName()
                                + " "
                                + con.getMetaData().getDatabaseProductVersion();
            }
            String label = o.getOrDefault("label", postgres ? "PostgreSQL" : dbName.split(" ")[0]);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

            // 2. read only: the parsing floor
            if (!"no".equals(o.get("read"))) {
                Phase p = Phase.start();
                try (ExportReader reader =
                        new ExportReader(
                                new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                    reader.readRecords((type, fields, line) -> {});
                    reader.finish();
                }
                p.stop(this, "read only (ExportReader)", "-", records, records);
            }

            // 3. the hub's own path
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            Integer applied =
                    jdbc.queryForObject(
                            "select count(*) from sync_file where municipality_code = ?"
                                    + " and source_system = ?",
                            Integer.class,
                            municipality,
                            SOURCE);
            if (applied != null && applied > 0) {
                if (!"yes".equals(o.get("reset"))) {
                    err.println(
                            "bench-sync: the database already holds files of "
                                    + municipality
                                    + " "
                                    + SOURCE
                                    + "; use a fresh database or --reset yes (forgets its sync state, the FULL then replaces its rows)");
                    return 2;
                }
                tx.executeWithoutResult(
                        s -> {
                            jdbc.update(
                                    "delete from sync_file where municipality_code = ? and source_system = ?",
                                    municipality,
                                    SOURCE);
                            jdbc.update(
                                    "delete from sync_source_state where municipality_code = ? and source_system = ?",
                                    municipality,
                                    SOURCE);
                        });
            }
            MunicipalityRegistry registry =
                    new MunicipalityRegistry(
                            Path.of(o.getOrDefault("municipalities-dir", "config/municipalities")));
            RegistrySync sync = new RegistrySync(jdbc, tx, registry, Set.of(SOURCE));
            Long loaded =
                    jdbc.queryForObject(
                            "select count(*) from resident where municipality_code = ?",
                            Long.class,
                            municipality);
            String phase =
                    loaded != null && loaded > 0
                            ? "hub FULL, replacing a loaded replica"
                            : "hub FULL into an empty replica";
            Phase p = Phase.start();
            RegistrySync.Outcome outcome;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                outcome = sync.apply(in, fileName);
            }
            p.stop(this, phase, label, records, h + 2 * r + c);
            if (outcome != RegistrySync.Outcome.APPLIED) {
                throw new IllegalStateException("the snapshot was not applied: " + outcome);
            }
            check(jdbc, municipality, "", h, r, c);

            // 3b. a stream of DELTAs after the FULL, through the same path, each read back as the
            // issue route reads
            int deltas = Integer.parseInt(o.getOrDefault("deltas", "20"));
            if (deltas > 0) {
                deltaStream(
                        jdbc,
                        sync,
                        file,
                        header,
                        work.resolve("deltas-" + municipality),
                        today,
                        deltas,
                        Integer.parseInt(o.getOrDefault("delta-size", "200")),
                        label);
            }

            // 4. PostgreSQL COPY of the same rows
            if (doCopy) {
                copy(ds, jdbc, file, header, label);
            }
        }

        // the summary
        out.printf(
                Locale.ROOT,
                "bench-sync: FULL snapshot %s, municipality %s, %d residents (seed %d, today %s), %.1f MB%n",
                fileName,
                municipality,
                residents,
                seed,
                today,
                Files.size(file) / 1e6);
        out.printf(
                Locale.ROOT,
                "records: H=%d R=%d C=%d, total %d; rows written per pass %d (R also fills resident_history)%n",
                h,
                r,
                c,
                records,
                h + 2 * r + c);
        out.printf(
                Locale.ROOT,
                "java %s, %d cpus, max heap %d MB; database %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                dbName);
        printTable(out);
        if (!deltaRows.isEmpty()) {
            out.println();
            out.println(
                    "DELTA stream after the FULL: each file handed to RegistrySync.apply (arrival), then read back with"
                            + " ReplicaReader.findBySerial until the changed value shows (issuable). In the hub add the inbox poll:"
                            + " a file waits up to kofu.sync.inbox-uri's delay (1000 ms, mean 500 ms) before it is picked up.");
            MarkdownTable.print(out, DELTA_COLUMNS, deltaRows, 2);
        }
        return 0;
    }

    // ---- DELTA stream ----

    private static final String[] DELTA_COLUMNS = {
        "phase",
        "database",
        "files",
        "records per file",
        "records/s (all files)",
        "apply ms p50",
        "apply ms p95",
        "apply ms max",
        "issuable ms p50",
        "issuable ms p95",
        "issuable ms max",
        "+ inbox poll ms (max, mean)"
    };
    private final List<String[]> deltaRows = new ArrayList<>();

    /**
     * A household picked from the FULL: its H record, its R records and one serial of a member (or
     * null).
     */
    private static final class Moved {
        final String[] household;
        final List<String[]> residents = new ArrayList<>();
        String serial;

        Moved(String[] household) {
            this.household = household;
        }
    }

    /**
     * Writes {@code deltas} DELTA files (sequence 2, 3, …), each moving {@code size} households of
     * the FULL within the city (転居: H with a new 方書, its residents' R with the next 履歴番号), then
     * applies them one by one and measures, per file, the apply (arrival until committed) and the
     * time until the issue route's read ({@link ReplicaReader#findBySerial}) of a moved member's
     * card shows the new 方書.
     */
    private void deltaStream(
            JdbcTemplate jdbc,
            RegistrySync sync,
            Path full,
            ExportHeader header,
            Path dir,
            LocalDate today,
            int deltas,
            int size,
            String label)
            throws Exception {
        String m = header.municipality();
        long households = header.recordCounts().getOrDefault(RecordType.H, 0L);
        int wanted = (int) Math.min((long) deltas * size, households);
        long stride = Math.max(1, households / Math.max(1, wanted));
        int hNo = RecordType.H.col("household_no");
        int rHousehold = RecordType.R.col("household_no");
        int rAtena = RecordType.R.col("atena_no");
        int cAtena = RecordType.C.col("atena_no");
        int cSerial = RecordType.C.col("serial");
        List<Moved> picked = new ArrayList<>();
        Map<String, Moved> byHousehold = new java.util.HashMap<>();
        Map<String, Moved> byAtena = new java.util.HashMap<>();
        long[] seen = {0};
        try (ExportReader reader =
                new ExportReader(new BufferedInputStream(Files.newInputStream(full), 1 << 16))) {
            reader.readRecords(
                    (type, fields, line) -> {
                        switch (type) {
                            case H -> {
                                if (seen[0]++ % stride == 0 && picked.size() < wanted) {
                                    Moved mv = new Moved(fields.clone());
                                    picked.add(mv);
                                    byHousehold.put(fields[hNo], mv);
                                }
                            }
                            case R -> {
                                Moved mv = byHousehold.get(fields[rHousehold]);
                                if (mv != null) {
                                    mv.residents.add(fields.clone());
                                    byAtena.put(fields[rAtena], mv);
                                }
                            }
                            case C -> {
                                Moved mv = byAtena.get(fields[cAtena]);
                                if (mv != null && mv.serial == null) {
                                    mv.serial = fields[cSerial];
                                }
                            }
                            default -> {}
                        }
                    });
            reader.finish();
        }
        // the files, written before the clock runs
        if (Files.exists(dir)) {
            try (var old = Files.list(dir)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        int per = Math.max(1, picked.size() / deltas);
        record Delta(Path file, long records, String serial, String katagaki) {}
        List<Delta> files = new ArrayList<>();
        int hKatagaki = RecordType.H.col("katagaki");
        int rHistory = RecordType.R.col("history_no");
        int rReason = RecordType.R.col("change_reason");
        for (int i = 0; i < deltas && (long) i * per < picked.size(); i++) {
            long seq = header.sequence() + 1 + i;
            String katagaki = "ベンチ転居" + seq;
            String serial = null;
            long n = 0;
            try (jp.kofuhub.registry.ExportWriter w =
                    new jp.kofuhub.registry.ExportWriter(
                            dir,
                            m,
                            header.source(),
                            seq,
                            ExportHeader.Kind.DELTA,
                            StandardCharsets.UTF_8,
                            header.createdAt().plusMinutes(seq))) {
                for (Moved mv : picked.subList(i * per, Math.min(picked.size(), (i + 1) * per))) {
                    String[] hf = mv.household.clone();
                    hf[hKatagaki] = katagaki;
                    w.write(RecordType.H, hf);
                    n++;
                    for (String[] rf0 : mv.residents) {
                        String[] rf = rf0.clone();
                        rf[rHistory] = Integer.toString(Integer.parseInt(rf[rHistory]) + 1);
                        rf[rReason] = "転居";
                        w.write(RecordType.R, rf);
                        n++;
                    }
                    if (mv.serial != null) {
                        serial = mv.serial;
                    }
                }
                files.add(new Delta(w.commit(), n, serial, katagaki));
            }
        }
        // the stream
        jp.kofuhub.replica.ReplicaReader reader = new jp.kofuhub.replica.ReplicaReader(jdbc);
        List<Long> applyNs = new ArrayList<>();
        List<Long> issuableNs = new ArrayList<>();
        long records = 0;
        for (Delta d : files) {
            long t0 = System.nanoTime();
            RegistrySync.Outcome outcome;
            try (InputStream in =
                    new BufferedInputStream(Files.newInputStream(d.file()), 1 << 16)) {
                outcome = sync.apply(in, d.file().getFileName().toString());
            }
            long t1 = System.nanoTime();
            if (outcome != RegistrySync.Outcome.APPLIED) {
                throw new IllegalStateException(
                        "DELTA " + d.file().getFileName() + " was not applied: " + outcome);
            }
            if (d.serial() != null) {
                while (true) {
                    var holder = reader.findBySerial(m, d.serial(), today);
                    if (holder.isPresent()
                            && d.katagaki().equals(holder.get().household().katagaki())) {
                        break;
                    }
                    if (System.nanoTime() - t1 > 10_000_000_000L) {
                        throw new IllegalStateException(
                                "the change of "
                                        + d.file().getFileName()
                                        + " is not readable after 10 s");
                    }
                    Thread.onSpinWait();
                }
            }
            long t2 = System.nanoTime();
            applyNs.add(t1 - t0);
            issuableNs.add(t2 - t0);
            records += d.records();
        }
        long applyTotal = applyNs.stream().mapToLong(Long::longValue).sum();
        deltaRows.add(
                new String[] {
                    "hub DELTA stream after the FULL",
                    label,
                    Integer.toString(files.size()),
                    Long.toString(files.isEmpty() ? 0 : records / files.size()),
                    String.format(
                            Locale.ROOT,
                            "%,d",
                            Math.round(records / Math.max(1e-9, applyTotal / 1e9))),
                    ms(pct(applyNs, 50)),
                    ms(pct(applyNs, 95)),
                    ms(pct(applyNs, 100)),
                    ms(pct(issuableNs, 50)),
                    ms(pct(issuableNs, 95)),
                    ms(pct(issuableNs, 100)),
                    "1000, 500"
                });
    }

    private static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String ms(long ns) {
        return String.format(Locale.ROOT, "%.0f", ns / 1e6);
    }

    /** Compares the replica's row counts for the municipality with the manifest. */
    private static void check(JdbcTemplate jdbc, String m, String prefix, long h, long r, long c) {
        long[] expected = {h, r, r, c};
        String[] tables = {"household", "resident", "resident_history", "card_serial"};
        for (int i = 0; i < tables.length; i++) {
            Long n =
                    jdbc.queryForObject(
                            "select count(*) from "
                                    + prefix
                                    + tables[i]
                                    + " where municipality_code = ?",
                            Long.class,
                            m);
            // a FULL keeps the stored history (the DELTAs' snapshots of an earlier pass stay when
            // the
            // same FULL replaces the loaded replica again): at least one row per resident there
            boolean history = tables[i].equals("resident_history") && prefix.isEmpty();
            if (n == null || (history ? n < expected[i] : n != expected[i])) {
                throw new IllegalStateException(
                        prefix
                                + tables[i]
                                + " has "
                                + n
                                + " rows, expected "
                                + (history ? "at least " : "")
                                + expected[i]);
            }
        }
    }

    private static HikariDataSource dataSource(Map<String, String> o, String url) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("bench");
        cfg.setJdbcUrl(url);
        cfg.setUsername(o.getOrDefault("db-user", url.startsWith("jdbc:h2:") ? "sa" : "kofu"));
        cfg.setPassword(o.getOrDefault("db-password", ""));
        cfg.setMaximumPoolSize(6);
        cfg.setMinimumIdle(0);
        return new HikariDataSource(cfg);
    }

    // ---- COPY baseline ----

    private static final String[] COPY_TABLES = {
        "household", "resident", "resident_history", "card_serial"
    };
    private static final Set<String> DATE_COLUMNS =
            Set.of(
                    "residence_period_end",
                    "birth_date",
                    "address_since",
                    "became_resident_date",
                    "notified_date",
                    "change_date",
                    "change_notified_date",
                    "processed_date",
                    "valid_until");
    private static final Set<String> FLAG_COLUMNS =
            Set.of("household_block", "kana_confirmed", "person_block", "adult_guardianship");
    private static final List<String> HISTORY_COLUMNS =
            List.of(
                    "atena_no",
                    "history_no",
                    "household_no",
                    "status",
                    "change_reason",
                    "change_date",
                    "change_notified_date",
                    "processed_date");

    private void copy(
            DataSource ds, JdbcTemplate jdbc, Path file, ExportHeader header, String label)
            throws Exception {
        for (String t : COPY_TABLES) {
            jdbc.execute("drop table if exists bench_copy_" + t);
            jdbc.execute("create table bench_copy_" + t + " (like " + t + " including all)");
        }
        List<String> hCols = RecordType.H.columns().subList(1, RecordType.H.columns().size());
        List<String> rCols = RecordType.R.columns().subList(1, RecordType.R.columns().size());
        List<String> cCols = RecordType.C.columns().subList(1, RecordType.C.columns().size());
        List<List<String>> columns = List.of(hCols, rCols, HISTORY_COLUMNS, cCols);
        int[] historyIndex = HISTORY_COLUMNS.stream().mapToInt(RecordType.R::col).toArray();
        String m = header.municipality();
        long seq = header.sequence();
        Phase p = Phase.start();
        List<Connection> cons = new ArrayList<>();
        try {
            OutputStream[] outs = new OutputStream[COPY_TABLES.length];
            for (int i = 0; i < COPY_TABLES.length; i++) {
                Connection con = ds.getConnection();
                cons.add(con);
                con.setAutoCommit(false);
                String sql =
                        "copy bench_copy_"
                                + COPY_TABLES[i]
                                + " (municipality_code, "
                                + String.join(", ", columns.get(i))
                                + ", source_sequence) from stdin";
                outs[i] = new PGCopyOutputStream(con.unwrap(PGConnection.class), sql, 1 << 16);
            }
            String[] kinds = {"H", "R", "C"};
            Map<RecordType, boolean[]> dates = new EnumMap<>(RecordType.class);
            Map<RecordType, boolean[]> flags = new EnumMap<>(RecordType.class);
            for (String k : kinds) {
                RecordType t = RecordType.valueOf(k);
                boolean[] d = new boolean[t.columns().size()];
                boolean[] f = new boolean[t.columns().size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = DATE_COLUMNS.contains(t.columns().get(i));
                    f[i] = FLAG_COLUMNS.contains(t.columns().get(i));
                }
                dates.put(t, d);
                flags.put(t, f);
            }
            StringBuilder sb = new StringBuilder(1024);
            try (ExportReader reader =
                    new ExportReader(
                            new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                reader.readRecords(
                        (type, fields, line) -> {
                            try {
                                boolean[] d = dates.get(type);
                                boolean[] f = flags.get(type);
                                switch (type) {
                                    case H ->
                                            writeCopyLine(outs[0], sb, m, seq, fields, null, d, f);
                                    case R -> {
                                        writeCopyLine(outs[1], sb, m, seq, fields, null, d, f);
                                        writeCopyLine(
                                                outs[2], sb, m, seq, fields, historyIndex, d, f);
                                    }
                                    case C ->
                                            writeCopyLine(outs[3], sb, m, seq, fields, null, d, f);
                                    default ->
                                            throw new IllegalStateException(
                                                    "the bench copies H, R and C records only");
                                }
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                reader.finish();
            }
            for (OutputStream os : outs) {
                os.close();
            }
            for (Connection con : cons) {
                con.commit();
            }
        } finally {
            for (Connection con : cons) {
                try {
                    con.setAutoCommit(true);
                    con.close();
                } catch (SQLException ignored) {
                    // reported by the failing step
                }
            }
        }
        long h = header.recordCounts().getOrDefault(RecordType.H, 0L);
        long r = header.recordCounts().getOrDefault(RecordType.R, 0L);
        long c = header.recordCounts().getOrDefault(RecordType.C, 0L);
        p.stop(this, "COPY FROM STDIN, 4 tables", label, header.totalRecords(), h + 2 * r + c);
        check(jdbc, m, "bench_copy_", h, r, c);
        for (String t : COPY_TABLES) {
            jdbc.execute("drop table bench_copy_" + t);
        }
    }

    /**
     * One COPY text line: municipality, the record's columns (op dropped, or those in {@code
     * pick}), sequence.
     */
    private static void writeCopyLine(
            OutputStream out,
            StringBuilder sb,
            String m,
            long seq,
            String[] fields,
            int[] pick,
            boolean[] dates,
            boolean[] flags)
            throws IOException {
        sb.setLength(0);
        sb.append(m);
        int n = pick == null ? fields.length - 1 : pick.length;
        for (int k = 0; k < n; k++) {
            int i = pick == null ? k + 1 : pick[k];
            String v = fields[i];
            sb.append('\t');
            if (flags[i]) {
                sb.append(v.equals("1") ? 't' : 'f');
            } else if (v.isEmpty()) {
                sb.append("\\N");
            } else if (dates[i]) {
                sb.append(EraDate.parse(v));
            } else {
                for (int j = 0; j < v.length(); j++) {
                    char ch = v.charAt(j);
                    if (ch == '\\') {
                        sb.append("\\\\");
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('\t').append(seq).append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---- measuring ----

    /** Wall time, heap and RSS of one phase. */
    private static final class Phase {
        private final long start = System.nanoTime();
        private final HeapWatch heap = new HeapWatch();

        static Phase start() {
            System.gc();
            resetPeakRss();
            return new Phase();
        }

        void stop(SyncBench bench, String name, String db, long records, long rows) {
            double seconds = (System.nanoTime() - start) / 1e9;
            heap.close();
            bench.rows.add(
                    new String[] {
                        name,
                        db,
                        Long.toString(records),
                        Long.toString(rows),
                        String.format(Locale.ROOT, "%.1f", seconds),
                        String.format(Locale.ROOT, "%,d", Math.round(records / seconds)),
                        Long.toString(heap.peakUsed() >> 20),
                        Long.toString(heap.peakAfterGc() >> 20),
                        Long.toString(heap.peakCommitted() >> 20),
                        Long.toString(peakRssKb() >> 10)
                    });
        }
    }

    /**
     * Resets VmHWM (Linux: "5" into clear_refs); if the kernel refuses, VmHWM stays the process's
     * peak.
     */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux or not allowed: the reported RSS is then the peak since the JVM started
        }
    }

    private static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    // ---- output ----

    private static final String[] COLUMNS = {
        "phase",
        "database",
        "records",
        "rows written",
        "wall s",
        "records/s",
        "peak heap MB",
        "heap after GC MB",
        "heap committed MB",
        "peak RSS MB"
    };

    private void printTable(PrintStream out) {
        MarkdownTable.print(out, COLUMNS, rows, 2);
    }

    // ---- arguments and logging ----

    private static Map<String, String> parse(String[] args) {
        Map<String, String> v = jp.kofuhub.cli.CommandOptions.parse(args, OPTIONS);
        if (!v.containsKey("db-url")) {
            throw new IllegalArgumentException("--db-url is required");
        }
        String url = v.get("db-url");
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db-url must be an H2 or PostgreSQL JDBC URL");
        }
        try {
            if (Integer.parseInt(v.getOrDefault("residents", "3800000"))
                    < CityGenerator.MIN_RESIDENTS) {
                throw new IllegalArgumentException(
                        "--residents must be at least " + CityGenerator.MIN_RESIDENTS);
            }
            Long.parseLong(v.getOrDefault("seed", "1"));
            if (Integer.parseInt(v.getOrDefault("deltas", "20")) < 0
                    || Integer.parseInt(v.getOrDefault("delta-size", "200")) < 1) {
                throw new IllegalArgumentException(
                        "--deltas must be 0 or more, --delta-size 1 or more");
            }
            LocalDate.parse(v.getOrDefault("today", "2026-11-25"));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--residents, --seed, --deltas and --delta-size must be numbers, --today yyyy-MM-dd");
        }
        if (!ExportFormat.MUNICIPALITY
                .matcher(v.getOrDefault("municipality", "011002"))
                .matches()) {
            throw new IllegalArgumentException("--municipality must be a 6-digit 団体コード");
        }
        for (String k : List.of("read", "reset")) {
            if (v.containsKey(k) && !Set.of("yes", "no").contains(v.get(k))) {
                throw new IllegalArgumentException("--" + k + " must be yes or no");
            }
        }
        if (v.containsKey("copy") && !Set.of("auto", "yes", "no").contains(v.get("copy"))) {
            throw new IllegalArgumentException("--copy must be auto, yes or no");
        }
        return v;
    }

    /** Logs at INFO to stderr, so stdout carries only the summary. */
    static void logToStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        ctx.getLogger("jp.kofuhub.sync.ReplicaWriter").setLevel(Level.DEBUG);
        ctx.getLogger("jp.kofuhub.sync.CopySink").setLevel(Level.DEBUG);
    }
}
