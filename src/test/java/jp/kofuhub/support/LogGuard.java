package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;

/**
 * The log guard (issue #16): no line the hub logs may show a resident's name, address, 宛名番号, card
 * serial, 住民票コード or 個人番号. It knows
 *
 * <ol>
 *   <li>the values of every synthetic resident written during the run — every record any {@link
 *       ExportWriter} writes in the test JVM (the city generator, {@link TestRecords}) passes
 *       through its {@link ExportWriter.RecordTap};
 *   <li>the shapes of those identifiers: a valid 15-digit 宛名番号 standing alone, and any number or
 *       serial labelled {@code atena}, {@code serial}, {@code juminhyo code}/住民票コード or {@code my
 *       number}/個人番号.
 * </ol>
 *
 * Every formatted line (message and exception text, causes included) goes through {@link #check},
 * from {@link LogGuardAppender} (src/test/resources/logback-test.xml) and, for hubs run as
 * processes, from {@link #checkFile}. A hit is a {@link Violation}; {@link LogGuardExtension} fails
 * the test class it happened in and writes it to {@code target/log-guard/}, {@link LogGuardSession}
 * reports what was logged after the last class.
 */
public final class LogGuard {

    /** Where violations are written, one file per test class (and one for the end of the run). */
    public static final Path DIR = Path.of("target", "log-guard");

    /**
     * Beyond this many values only the patterns are checked (a city of 150,000 in a 512 MB test
     * JVM).
     */
    static final int MAX_VALUES = 400_000;

    /**
     * Japanese values: names, kana, addresses, 本籍; matched as substrings of runs of non-ASCII text.
     */
    private static final Set<String> TEXT = ConcurrentHashMap.newKeySet();

    /** Identifiers: 宛名番号, serials, 住民票コード, 個人番号, ASCII names; matched as whole tokens. */
    private static final Set<String> TOKENS = ConcurrentHashMap.newKeySet();

    private static volatile int minText = Integer.MAX_VALUE;
    private static volatile int maxText = 0;
    private static final List<Violation> VIOLATIONS = new ArrayList<>();

    static final Pattern LABELLED =
            Pattern.compile(
                    "(?i)(atena|宛名番号|serial|シリアル|juminhyo[ _-]?code|住民票コード|my[ _-]?number|個人番号)"
                            + "[^0-9A-Za-z\\r\\n]{0,3}[0-9A-F]{11,16}(?![0-9A-Za-z])");
    private static final Pattern DIGITS15 =
            Pattern.compile("(?<![0-9A-Za-z])[0-9]{15}(?![0-9A-Za-z])");
    private static final Pattern ASCII_TOKEN = Pattern.compile("[0-9A-Za-z]+");

    /**
     * A line that showed a value it must not: what, where, the line itself (synthetic data only).
     */
    public record Violation(String what, String source, String line) {
        @Override
        public String toString() {
            return what + " in " + source + ": " + line;
        }
    }

    static {
        ExportWriter.tap(LogGuard::written);
    }

    private LogGuard() {}

    /** Makes sure the tap is set (loading this class sets it). */
    public static void install() {
        // the static initializer did it
    }

    static void written(RecordType type, String[] f) {
        switch (type) {
            case R -> {
                token(get(type, f, "atena_no"));
                token(get(type, f, "juminhyo_code"));
                token(get(type, f, "residence_card_no"));
                String family = get(type, f, "family_name");
                String given = get(type, f, "given_name");
                // a part alone only from three characters: two-character parts are too often words
                // the
                // hub's own lines use (a test's 筆頭者 "戸籍"); the whole name is always registered
                part(family);
                part(given);
                text(join(family, given));
                text(join(get(type, f, "family_name_kana"), get(type, f, "given_name_kana")));
                text(get(type, f, "kyu_uji"));
                text(get(type, f, "tsusho"));
                text(get(type, f, "honseki"));
                text(get(type, f, "previous_address"));
                name(get(type, f, "alpha_name"));
            }
            case H -> {
                token(get(type, f, "head_atena_no"));
                text(get(type, f, "address"));
                text(get(type, f, "katagaki"));
            }
            case C -> {
                token(get(type, f, "serial"));
                token(get(type, f, "atena_no"));
            }
            case K -> {
                token(get(type, f, "serial"));
                text(get(type, f, "honseki"));
                text(get(type, f, "hittosha"));
            }
            case N -> token(get(type, f, "my_number"));
            case S, T, B -> token(get(type, f, "atena_no"));
            default -> {}
        }
    }

    private static String get(RecordType type, String[] f, String column) {
        int i = type.col(column);
        return i < f.length ? f[i] : null;
    }

    private static String join(String a, String b) {
        return a == null || b == null || a.isBlank() || b.isBlank() ? null : a + b;
    }

    private static boolean full() {
        return TEXT.size() + TOKENS.size() >= MAX_VALUES;
    }

    /** Registers an identifier (digits, serial). */
    public static void token(String v) {
        if (v != null && v.length() >= 8 && !full()) {
            TOKENS.add(v);
        }
    }

    /** Words of the hub's own log lines, never taken for a resident's value. */
    private static final Set<String> WORDS =
            Set.of("戸籍", "本籍", "住民票", "世帯", "世帯主", "印鑑", "市長", "除籍", "筆頭者", "北広島市", "証明書");

    private static void part(String v) {
        if (v != null && v.strip().length() >= 3) {
            text(v);
        }
    }

    /** Registers a Japanese value (a name of two characters or more, an address). */
    public static void text(String v) {
        if (v == null) {
            return;
        }
        String s = v.strip().replace(" ", "").replace("\u3000", "");
        if (s.length() < 2 || WORDS.contains(s) || full()) {
            return;
        }
        TEXT.add(s);
        minText = Math.min(minText, s.length());
        maxText = Math.max(maxText, s.length());
    }

    /** Registers an ASCII name: each word of five letters or more. */
    public static void name(String v) {
        if (v == null) {
            return;
        }
        for (String w : v.split("[^A-Za-z]+")) {
            if (w.length() >= 5 && !full()) {
                TOKENS.add(w.toUpperCase());
            }
        }
    }

    /** The first thing {@code line} must not show, or null. */
    public static String find(String line) {
        if (line == null || line.isEmpty()) {
            return null;
        }
        Matcher m = LABELLED.matcher(line);
        if (m.find()) {
            return "labelled identifier '" + m.group() + "'";
        }
        m = DIGITS15.matcher(line);
        while (m.find()) {
            if (AtenaNumber.isValid(m.group())) {
                return "宛名番号 " + m.group();
            }
        }
        m = ASCII_TOKEN.matcher(line);
        while (m.find()) {
            String t = m.group();
            if (t.length() >= 5 && (TOKENS.contains(t) || TOKENS.contains(t.toUpperCase()))) {
                return "resident identifier or name " + t;
            }
        }
        if (!TEXT.isEmpty()) {
            String hit = findText(line);
            if (hit != null) {
                return "resident name or address " + hit;
            }
        }
        return null;
    }

    /** Every substring of each run of non-ASCII characters, of a length some value has. */
    private static String findText(String line) {
        int n = line.length();
        int lo = minText;
        int hi = maxText;
        int i = 0;
        while (i < n) {
            if (line.charAt(i) < 0x80) {
                i++;
                continue;
            }
            int j = i;
            // a value may hold digits and ASCII punctuation (an address's 1-2-3): the run goes on
            // through them as long as it is not a space-separated ASCII word
            while (j < n
                    && (line.charAt(j) >= 0x80
                            || Character.isDigit(line.charAt(j))
                            || "-－ー・".indexOf(line.charAt(j)) >= 0)) {
                j++;
            }
            String run = line.substring(i, j).replace("\u3000", "");
            for (int a = 0; a < run.length(); a++) {
                for (int len = lo; len <= hi && a + len <= run.length(); len++) {
                    String s = run.substring(a, a + len);
                    if (TEXT.contains(s)) {
                        return s;
                    }
                }
            }
            i = j;
        }
        return null;
    }

    /** Checks one formatted line; a hit is recorded as a {@link Violation}. */
    public static void check(String line, String source) {
        String what = find(line);
        if (what != null) {
            synchronized (VIOLATIONS) {
                VIOLATIONS.add(
                        new Violation(
                                what,
                                source,
                                line.length() > 2000 ? line.substring(0, 2000) + "…" : line));
            }
        }
    }

    /**
     * Checks every line of a log file (a hub run as a process); returns the violations found in it.
     */
    public static List<Violation> checkFile(Path log, String source) {
        int before = count();
        try {
            if (Files.exists(log)) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    lines.forEach(l -> check(l, source));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            check("log file " + log + " unreadable: " + e, source);
        }
        return since(before);
    }

    public static int count() {
        synchronized (VIOLATIONS) {
            return VIOLATIONS.size();
        }
    }

    /** The violations recorded since {@code mark} (a {@link #count()} taken earlier). */
    public static List<Violation> since(int mark) {
        synchronized (VIOLATIONS) {
            return VIOLATIONS.subList(Math.min(mark, VIOLATIONS.size()), VIOLATIONS.size()).stream()
                    .filter(v -> v != FORGIVEN)
                    .toList();
        }
    }

    /** Stands in the list for a forgiven violation, so that marks ({@link #count()}) stay valid. */
    private static final Violation FORGIVEN = new Violation("", "", "");

    /**
     * Forgets the violations that contain {@code planted}: for {@code LogGuardTest}, which logs a
     * planted value on purpose. Returns how many were forgotten.
     */
    public static int forgive(String planted) {
        synchronized (VIOLATIONS) {
            int n = 0;
            for (int i = 0; i < VIOLATIONS.size(); i++) {
                if (VIOLATIONS.get(i) != FORGIVEN && VIOLATIONS.get(i).line().contains(planted)) {
                    VIOLATIONS.set(i, FORGIVEN);
                    n++;
                }
            }
            return n;
        }
    }

    private static boolean cleared;

    /**
     * Deletes the reports of an earlier run, once per JVM (a test JVM's first launcher session).
     */
    static synchronized void clearReports() {
        if (cleared) {
            return;
        }
        cleared = true;
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // no reports yet
        }
    }

    /** Writes violations to {@code target/log-guard/<name>.txt} (appends). */
    public static Path report(String name, List<Violation> found) {
        Path f = DIR.resolve(name.replaceAll("[^A-Za-z0-9._$-]", "_") + ".txt");
        try {
            Files.createDirectories(DIR);
            StringBuilder sb = new StringBuilder();
            found.forEach(v -> sb.append(v).append('\n'));
            Files.writeString(
                    f,
                    sb,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }
}
