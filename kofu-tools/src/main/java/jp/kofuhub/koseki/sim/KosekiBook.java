package jp.kofuhub.koseki.sim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.registry.TextNormalizer;

/**
 * The synthetic 戸籍 book of one city, for the koseki certificate server simulator
 * (docs/interfaces/koseki-server.md, section "Simulator"). Immutable once {@linkplain #load
 * loaded}.
 *
 * <p><b>Residents.</b> Read from a JUKI FULL export ({@code .kexp}, hash and counts checked): for
 * each resident (宛名番号) the snapshot with the highest 履歴番号 counts. A Japanese resident ({@code J})
 * whose {@code honseki} is not empty and starts with the city prefix (e.g. {@code 北海道北広島市}) belongs
 * to the 戸籍 keyed by ({@code honseki}, {@code hittosha}); every other resident (本籍 elsewhere, none,
 * foreign residents) is not in the book. A member is recorded with the name the hub prints ({@code
 * family_name + "　" + given_name}, a full-width space), the birth date and the sex; a resident
 * removed with 異動事由 {@code 死亡} stays in the 戸籍, marked deceased. The 筆頭者 need not be a member (e.g.
 * a parent who does not live in the city).
 *
 * <p><b>Extra persons</b> (optional TSV, UTF-8): members living elsewhere, one per line,
 *
 * <pre>honseki&lt;TAB&gt;hittosha&lt;TAB&gt;name&lt;TAB&gt;birthDate&lt;TAB&gt;sex</pre>
 *
 * {@code name} as the hub sends it (氏 + full-width space + 名), {@code birthDate} {@code
 * yyyy-MM-dd}, {@code sex} {@code 1}/{@code 男} or {@code 2}/{@code 女}. The person joins the 戸籍 of
 * (honseki, hittosha), created if the residents have none; the 本籍 must start with the city prefix.
 *
 * <p><b>Overrides</b> (optional TSV, UTF-8, applied after the extra persons): the state of a 戸籍,
 *
 * <pre>honseki&lt;TAB&gt;hittosha&lt;TAB&gt;STATE</pre>
 *
 * {@code STATE} one of {@link State}: {@code ACTIVE} (the default of every 戸籍), {@code JOSEKI},
 * {@code KAISEI_GENKOSEKI}, {@code NOTIFICATION_PENDING}. The 戸籍 must exist in the book.
 *
 * <p>In both TSV files empty lines and lines starting with {@code #} are skipped; fields are
 * trimmed. A malformed line fails the load with {@link IllegalArgumentException} naming the file's
 * line, never its content.
 */
public final class KosekiBook {

    /**
     * The state of a 戸籍; anything but {@link #ACTIVE} is a refusal with the state's name as code.
     */
    public enum State {
        /** 現在戸籍: certificates are made. */
        ACTIVE,
        /** 除籍: the 戸籍 is closed. */
        JOSEKI,
        /** only a 改製原戸籍 holds it. */
        KAISEI_GENKOSEKI,
        /** a 届出 is received but not yet reflected. */
        NOTIFICATION_PENDING
    }

    /**
     * One person recorded in a 戸籍. {@code sex} is {@code 1} 男 or {@code 2} 女. {@code address} and
     * {@code addressSince} (住所を定めた年月日) are what the 附票 prints: from the resident's household in the
     * JUKI export, null for a person the export does not hold.
     */
    public record Member(
            String name,
            LocalDate birthDate,
            String sex,
            boolean deceased,
            String address,
            LocalDate addressSince) {

        public Member(String name, LocalDate birthDate, String sex, boolean deceased) {
            this(name, birthDate, sex, deceased, null, null);
        }

        /** 男 or 女. */
        public String sexLabel() {
            return "1".equals(sex) ? "男" : "女";
        }
    }

    /** One 戸籍: its key, state and members (the 筆頭者 first if a member, then by birth date). */
    public record Koseki(String honseki, String hittosha, State state, List<Member> members) {

        public Koseki {
            members = List.copyOf(members);
        }

        /** The member with exactly this name and birth date. */
        public Optional<Member> member(String name, LocalDate birthDate) {
            return members.stream()
                    .filter(m -> m.name().equals(name) && m.birthDate().equals(birthDate))
                    .findFirst();
        }
    }

    private record Key(String honseki, String hittosha) {}

    private final String municipality;
    private final String cityPrefix;
    private final Map<Key, Koseki> books;

    private KosekiBook(String municipality, String cityPrefix, Map<Key, Koseki> books) {
        this.municipality = municipality;
        this.cityPrefix = cityPrefix;
        this.books = Collections.unmodifiableMap(books);
    }

    /**
     * Builds the book from a JUKI FULL export; {@code extraPersons} and {@code overrides} may be
     * null.
     *
     * @throws IllegalArgumentException for a file that is not a JUKI FULL, or a bad TSV line
     * @throws jp.kofuhub.registry.ExportFileException for an export file that breaks its contract
     */
    public static KosekiBook load(
            Path jukiFull, String cityPrefix, Path overrides, Path extraPersons)
            throws IOException {
        if (cityPrefix == null || cityPrefix.isBlank()) {
            throw new IllegalArgumentException("the city prefix must not be empty");
        }
        String prefix = TextNormalizer.canonical(cityPrefix.strip());
        Map<Key, Map<String, Member>> members = new LinkedHashMap<>();
        String municipality = readResidents(jukiFull, prefix, members);
        if (extraPersons != null) {
            readExtraPersons(extraPersons, prefix, members);
        }
        Map<Key, State> states = new HashMap<>();
        if (overrides != null) {
            readOverrides(overrides, members, states);
        }
        Map<Key, Koseki> books = new LinkedHashMap<>();
        members.forEach(
                (key, byPerson) -> {
                    List<Member> ordered = new ArrayList<>(byPerson.values());
                    ordered.sort(
                            Comparator.comparing((Member m) -> !m.name().equals(key.hittosha()))
                                    .thenComparing(Member::birthDate)
                                    .thenComparing(Member::name));
                    books.put(
                            key,
                            new Koseki(
                                    key.honseki(),
                                    key.hittosha(),
                                    states.getOrDefault(key, State.ACTIVE),
                                    ordered));
                });
        return new KosekiBook(municipality, prefix, books);
    }

    /** The 全国地方公共団体コード of the JUKI export the book was built from. */
    public String municipality() {
        return municipality;
    }

    public String cityPrefix() {
        return cityPrefix;
    }

    /** How many 戸籍 the book holds. */
    public int size() {
        return books.size();
    }

    /** The 戸籍 of (honseki, hittosha), compared exactly (after the registry's canonical form). */
    public Optional<Koseki> find(String honseki, String hittosha) {
        return Optional.ofNullable(
                books.get(
                        new Key(
                                TextNormalizer.canonical(honseki),
                                TextNormalizer.canonical(hittosha))));
    }

    /** Every 戸籍, in the order first met. */
    public List<Koseki> all() {
        return List.copyOf(books.values());
    }

    // ---- JUKI FULL ----

    private record Snapshot(
            int historyNo, String honseki, String hittosha, Member member, String household) {}

    private static String readResidents(
            Path file, String prefix, Map<Key, Map<String, Member>> members) throws IOException {
        Map<String, Snapshot> latest = new LinkedHashMap<>();
        Map<String, String> addresses = new HashMap<>();
        String municipality;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                ExportReader reader = new ExportReader(in)) {
            ExportHeader h = reader.header();
            if (!"JUKI".equals(h.source()) || h.kind() != ExportHeader.Kind.FULL) {
                throw new IllegalArgumentException(
                        file.getFileName() + " is not a JUKI FULL export");
            }
            municipality = h.municipality();
            RecordType r = RecordType.R;
            reader.readRecords(
                    (type, f, line) -> {
                        if (type == RecordType.H) {
                            RecordType hh = RecordType.H;
                            String katagaki = f[hh.col("katagaki")];
                            addresses.put(
                                    f[hh.col("household_no")],
                                    f[hh.col("address")]
                                            + (katagaki.isEmpty() ? "" : "\u3000" + katagaki));
                            return;
                        }
                        if (type != RecordType.R) {
                            return;
                        }
                        int historyNo;
                        try {
                            historyNo = Integer.parseInt(f[r.col("history_no")]);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(
                                    "payload line " + line + " R.history_no: not a number");
                        }
                        String atena = f[r.col("atena_no")];
                        Snapshot before = latest.get(atena);
                        if (before != null && before.historyNo() > historyNo) {
                            return;
                        }
                        String honseki = f[r.col("honseki")];
                        if (!"J".equals(f[r.col("resident_type")])
                                || honseki.isEmpty()
                                || !honseki.startsWith(prefix)) {
                            latest.put(atena, new Snapshot(historyNo, null, null, null, null));
                            return;
                        }
                        LocalDate birth;
                        try {
                            birth = EraDate.parse(f[r.col("birth_date")]);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(
                                    "payload line " + line + " R.birth_date: " + e.getMessage());
                        }
                        boolean deceased =
                                "REMOVED".equals(f[r.col("status")])
                                        && "死亡".equals(f[r.col("change_reason")]);
                        Member m =
                                new Member(
                                        f[r.col("family_name")] + "\u3000" + f[r.col("given_name")],
                                        birth,
                                        "1".equals(f[r.col("sex")]) ? "1" : "2",
                                        deceased,
                                        null,
                                        since(f, r));
                        latest.put(
                                atena,
                                new Snapshot(
                                        historyNo,
                                        honseki,
                                        f[r.col("hittosha")],
                                        m,
                                        f[r.col("household_no")]));
                    });
            reader.finish();
        }
        for (Snapshot s : latest.values()) {
            if (s.member() != null) {
                Member m = s.member();
                add(
                        members,
                        new Key(s.honseki(), s.hittosha()),
                        new Member(
                                m.name(),
                                m.birthDate(),
                                m.sex(),
                                m.deceased(),
                                addresses.get(s.household()),
                                m.addressSince()));
            }
        }
        return municipality;
    }

    /** 住所を定めた年月日: address_since, else the day the person became a resident; null if neither. */
    private static LocalDate since(String[] f, RecordType r) {
        for (String col : new String[] {"address_since", "became_resident_date"}) {
            String v = f[r.col(col)];
            if (!v.isEmpty()) {
                try {
                    return EraDate.parse(v);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static void add(Map<Key, Map<String, Member>> members, Key key, Member m) {
        members.computeIfAbsent(key, k -> new LinkedHashMap<>())
                .putIfAbsent(m.name() + "\n" + m.birthDate(), m);
    }

    // ---- TSV files ----

    private static void readExtraPersons(
            Path file, String prefix, Map<Key, Map<String, Member>> members) throws IOException {
        forEachLine(
                file,
                5,
                (f, where) -> {
                    String honseki = f[0];
                    if (!honseki.startsWith(prefix)) {
                        throw new IllegalArgumentException(where + ": the 本籍 is not in the city");
                    }
                    if (f[1].isEmpty() || f[2].isEmpty()) {
                        throw new IllegalArgumentException(
                                where + ": hittosha and name must not be empty");
                    }
                    LocalDate birth;
                    try {
                        birth = LocalDate.parse(f[3]);
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException(where + ": birthDate is not yyyy-MM-dd");
                    }
                    String sex =
                            switch (f[4]) {
                                case "1", "男" -> "1";
                                case "2", "女" -> "2";
                                default ->
                                        throw new IllegalArgumentException(
                                                where + ": sex must be 1, 2, 男 or 女");
                            };
                    add(members, new Key(honseki, f[1]), new Member(f[2], birth, sex, false));
                });
    }

    private static void readOverrides(
            Path file, Map<Key, Map<String, Member>> members, Map<Key, State> states)
            throws IOException {
        forEachLine(
                file,
                3,
                (f, where) -> {
                    Key key = new Key(f[0], f[1]);
                    if (!members.containsKey(key)) {
                        throw new IllegalArgumentException(where + ": no such 戸籍 in the book");
                    }
                    try {
                        states.put(key, State.valueOf(f[2]));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(
                                where
                                        + ": STATE must be one of "
                                        + java.util.Arrays.toString(State.values()));
                    }
                });
    }

    private interface LineSink {
        void accept(String[] fields, String where);
    }

    private static void forEachLine(Path file, int columns, LineSink sink) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1);
            String[] f = line.split("\t", -1);
            if (f.length != columns) {
                throw new IllegalArgumentException(
                        where + ": needs " + columns + " tab-separated fields, has " + f.length);
            }
            for (int c = 0; c < f.length; c++) {
                f[c] = TextNormalizer.canonical(f[c].strip());
            }
            if (f[0].isEmpty()) {
                throw new IllegalArgumentException(where + ": honseki must not be empty");
            }
            sink.accept(f, where);
        }
    }
}
