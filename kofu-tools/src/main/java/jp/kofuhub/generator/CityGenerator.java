package jp.kofuhub.generator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.MyNumber;
import jp.kofuhub.registry.RecordType;

/**
 * Writes a synthetic 住民基本台帳 export of a fictional version of a city: one FULL snapshot and five
 * DELTA files (birth, move-in, 転出予定, completed move-out, death), plus a {@code cards.csv} that
 * names the certificate serials a demo or a test can present at a kiosk. It also writes the other
 * in-house systems' exports of the same people: the 印鑑登録システム's ({@link InkanExport}: a FULL of seal
 * registrations and a DELTA cancelling one seal) and the 税務システム's ({@link ZeiExport}: a FULL of the
 * current 年度's tax records).
 *
 * <p>Why it exists: the hub must never see real personal data outside production, yet its tests and
 * demos need data that looks and misbehaves like a real registry — variant and non-BMP kanji, CP932
 * trouble characters, foreign residents, suppressed persons, half-finished moves. Everything here
 * is invented; only place names are real-sounding.
 *
 * <p>Design constraints: output is byte-identical for the same arguments (one seeded {@link
 * SplittableRandom}, {@code created-at} derived from {@code today}), and generation streams
 * household by household so that a city of four million residents runs in a small heap. The deltas
 * refer only to the handful of people remembered from the fixed scenario households written first.
 * The seal and tax snapshots are written alongside the 住民記録 snapshot, household by household, each
 * from its own random stream, so the 住民記録 files do not depend on them; seal images are drawn once
 * per distinct engraved word ({@link SealImages}).
 */
public final class CityGenerator {

    /** The fixed scenario households alone hold this many residents. */
    public static final int MIN_RESIDENTS = 18;

    public static final String SOURCE = "JUKI";

    /**
     * The font seal images are drawn with, relative to the working directory (the project root).
     */
    public static final Path DEFAULT_SEAL_FONT = Path.of("fonts/ipaexm.ttf");

    /**
     * What was written. {@code files} in apply order within each source: JUKI 1–6, INKAN 1–2, ZEI
     * 1. Counts refer to the FULL snapshots. Serials are empty strings when the sample does not
     * exist in this output ({@code rareGlyphSerial} under CP932, where 𠮷 becomes 吉). The showcase
     * holder has a valid seal, the showcase spouse ({@code showcaseSpouseSerial}) none; {@code
     * cancelledSealSerial} is the card of the person whose only valid seal INKAN DELTA 2 cancels.
     */
    public record Result(
            List<Path> files,
            Path cardsCsv,
            String showcaseSerial,
            String showcasePhoneSerial,
            String moveOutPlannedSerial,
            String movedOutSerial,
            String deceasedSerial,
            String childSerial,
            String householdMemberOfMoveOutPlannedSerial,
            String rareGlyphSerial,
            String foreignSerial,
            String showcaseSpouseSerial,
            String cancelledSealSerial,
            int residentCount,
            int householdCount,
            long sealRecordCount,
            long taxRecordCount,
            int taxFiscalYear) {

        public Result {
            files = List.copyOf(files);
        }
    }

    /** Writes into {@code outDir} and {@code cards.csv} next to it ({@code outDir.getParent()}). */
    public static Result generate(
            Path outDir,
            String municipality,
            int residents,
            long seed,
            Charset charset,
            LocalDate today)
            throws IOException {
        Path parent =
                outDir.getParent() != null
                        ? outDir.getParent()
                        : outDir.toAbsolutePath().getParent();
        return generate(
                outDir, municipality, residents, seed, charset, today, parent.resolve("cards.csv"));
    }

    /**
     * Writes into {@code outDir} and the card list to {@code cardsCsv}; seals drawn with {@link
     * #DEFAULT_SEAL_FONT}.
     */
    public static Result generate(
            Path outDir,
            String municipality,
            int residents,
            long seed,
            Charset charset,
            LocalDate today,
            Path cardsCsv)
            throws IOException {
        return generate(
                outDir, municipality, residents, seed, charset, today, cardsCsv, DEFAULT_SEAL_FONT);
    }

    /**
     * Writes into {@code outDir} and the card list to {@code cardsCsv}; seal images are drawn with
     * the TrueType font {@code sealFont} (a relative path is resolved against the working
     * directory).
     */
    public static Result generate(
            Path outDir,
            String municipality,
            int residents,
            long seed,
            Charset charset,
            LocalDate today,
            Path cardsCsv,
            Path sealFont)
            throws IOException {
        return generate(
                outDir, municipality, residents, seed, charset, today, cardsCsv, sealFont, true);
    }

    /**
     * As above; with {@code sealsAndTax} false only the resident registry's (JUKI) files are
     * written — for scale runs, where the seal images alone would be gigabytes.
     */
    public static Result generate(
            Path outDir,
            String municipality,
            int residents,
            long seed,
            Charset charset,
            LocalDate today,
            Path cardsCsv,
            Path sealFont,
            boolean sealsAndTax)
            throws IOException {
        return generate(
                outDir,
                municipality,
                residents,
                seed,
                charset,
                today,
                cardsCsv,
                sealFont,
                sealsAndTax,
                false);
    }

    /**
     * As above; with {@code myNumbers} the JUKI files also carry an {@code N} record (個人番号,
     * contract 1.2) for every resident: the FULL one per resident after the household's serials,
     * DELTAs 2 and 3 one per newcomer. The numbers are invented (a seeded bijection of the 宛名番号
     * with a valid check digit) and drawn from no random stream, so every other line stays as
     * without the option. Off by default: only a municipality whose profile prints 個人番号 accepts
     * them.
     */
    public static Result generate(
            Path outDir,
            String municipality,
            int residents,
            long seed,
            Charset charset,
            LocalDate today,
            Path cardsCsv,
            Path sealFont,
            boolean sealsAndTax,
            boolean myNumbers)
            throws IOException {
        if (municipality == null || !ExportFormat.MUNICIPALITY.matcher(municipality).matches()) {
            throw new IllegalArgumentException("municipality must be a 6-digit 団体コード");
        }
        if (residents < MIN_RESIDENTS) {
            throw new IllegalArgumentException("residents must be at least " + MIN_RESIDENTS);
        }
        if (!charset.equals(StandardCharsets.UTF_8) && !charset.equals(ExportFormat.CP932)) {
            throw new IllegalArgumentException("charset must be UTF-8 or windows-31j");
        }
        SealImages.check(sealFont);
        CityGenerator g = new CityGenerator(municipality, seed, charset, today);
        g.sealsAndTax = sealsAndTax;
        g.myNumbers = myNumbers;
        return g.run(outDir, residents, cardsCsv, sealFont);
    }

    // ---- vocabulary ----

    private static final String HEAD = "世帯主";
    private static final String WIFE = "妻";
    private static final String HUSBAND = "夫";
    private static final String CHILD = "子";
    private static final String CHILDS_WIFE = "子の妻";
    private static final String GRANDCHILD = "孫";
    private static final String MOTHER = "母";
    private static final String FATHER = "父";

    private static final String RESIDENT = "RESIDENT";
    private static final String MOVE_OUT_PLANNED = "MOVE_OUT_PLANNED";
    private static final String REMOVED = "REMOVED";

    private static final String BIRTH = "出生";
    private static final String MOVE_IN = "転入";
    private static final String MOVE_WITHIN = "転居";
    private static final String SPLIT = "世帯分離";
    private static final String HEAD_CHANGE = "世帯主変更";

    private static final String PERMANENT = "永住者";
    private static final String DEPENDENT = "家族滞在";
    private static final String ENGINEER = "技術・人文知識・国際業務";

    private static final String IDEOGRAPHIC_SPACE = "\u3000";

    /** 𠮷 U+20BB7, outside the BMP and outside CP932. */
    private static final String RARE_YOSHI = new String(Character.toChars(0x20BB7));

    /** 〜 U+301C and − U+2212 in their canonical JIS forms; CP932 output converts them. */
    private static final String WAVE_DASH = "\u301C";

    private static final String MINUS = "\u2212";

    /** Which 戸籍 a member belongs to, to derive 本籍 and 筆頭者. */
    enum Koseki {
        COUPLE,
        SON,
        PARENTS,
        OWN
    }

    private record Spec(String relationship, int age, boolean male, Koseki koseki) {}

    private record Event(String reason, LocalDate date) {}

    // ---- state ----

    private final String municipality;
    private final long seed;
    private final LocalDate today;
    private final Charset charset;
    private final City city;
    private final SplittableRandom rng;
    private final TextAdapter text;
    private final MessageDigest sha256;

    private long atenaBase = 1_000_000L;
    private long householdSeq = 100_000L;
    private long personOrdinal;
    private int residentCount;
    private int householdCount;
    private int randomHouseholds;
    private int provisionalLeft = 1;
    private int guardianshipLeft = 2;
    private CardsCsv cards;
    private InkanExport seals;
    private boolean sealsAndTax = true;

    /** Write N records (個人番号) for every resident; off unless asked for. */
    private boolean myNumbers;

    private ZeiExport taxes;

    /** Role → serial of the sample cards (also the role column of cards.csv). */
    private final Map<String, String> samples = new HashMap<>();

    private Person moveOutPlanned;
    private Person movedOut;
    private Person deceased;
    private Household birthHousehold;

    private CityGenerator(String municipality, long seed, Charset charset, LocalDate today) {
        this.municipality = municipality;
        this.seed = seed;
        this.today = today;
        this.charset = charset;
        this.city = City.of(municipality);
        this.rng = new SplittableRandom(seed);
        this.text = new TextAdapter(charset);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Result run(Path outDir, int residents, Path cardsCsv, Path sealFont)
            throws IOException {
        List<Path> files = new ArrayList<>();
        String cancelledSeal;
        try (CardsCsv csv = new CardsCsv(cardsCsv);
                InkanExport inkan =
                        new InkanExport(
                                outDir,
                                municipality,
                                charset,
                                today,
                                createdAt(1),
                                seed,
                                sealFont,
                                text::apply);
                ZeiExport zei =
                        new ZeiExport(
                                outDir,
                                municipality,
                                charset,
                                today,
                                createdAt(1),
                                seed,
                                text::apply)) {
            this.cards = csv;
            this.seals = inkan;
            this.taxes = zei;
            files.add(writeSnapshot(outDir, residents));
            files.add(writeDelta(outDir, 2, this::writeBirth));
            files.add(writeDelta(outDir, 3, this::writeMoveIn));
            files.add(writeDelta(outDir, 4, this::writeMoveOutPlanned));
            files.add(writeDelta(outDir, 5, this::writeMovedOut));
            files.add(writeDelta(outDir, 6, this::writeDeath));
            if (sealsAndTax) {
                files.add(inkan.commitFull());
                files.add(inkan.writeCancellation(createdAt(2)));
                files.add(zei.commit());
                Person cancelled = inkan.cancelled();
                cancelledSeal = cancelled == null ? "" : serial(cancelled.atenaNo, "CARD");
                if (cancelled != null && cancelled.cardRole.isEmpty()) {
                    csv.role(cancelled.atenaNo, "sealCancelledToday");
                }
            } else {
                cancelledSeal = "";
            }
        }
        return new Result(
                files,
                cardsCsv,
                sample("showcase"),
                sample("showcasePhone"),
                sample("moveOutPlanned"),
                sample("movedOut"),
                sample("deceased"),
                sample("child"),
                sample("householdMemberOfMoveOutPlanned"),
                sample("rareGlyph"),
                sample("foreign"),
                sample("showcaseSpouse"),
                cancelledSeal,
                residentCount,
                householdCount,
                seals.records(),
                taxes.records(),
                taxes.fiscalYear());
    }

    private String sample(String role) {
        return samples.getOrDefault(role, "");
    }

    private OffsetDateTime createdAt(long sequence) {
        return OffsetDateTime.of(today, LocalTime.of(9, 0), ZoneOffset.ofHours(9))
                .plusMinutes(sequence);
    }

    // ---- FULL snapshot ----

    private Path writeSnapshot(Path outDir, int residents) throws IOException {
        try (ExportWriter w =
                new ExportWriter(
                        outDir,
                        municipality,
                        SOURCE,
                        1,
                        ExportHeader.Kind.FULL,
                        charset,
                        createdAt(1))) {
            writeScenarioHouseholds(w);
            int remaining = residents - residentCount;
            while (remaining > 0) {
                Household h = randomHousehold(remaining);
                writeHousehold(w, h);
                remaining -= h.members.size();
            }
            return w.commit();
        }
    }

    /**
     * The fixed households the tests and the demo rely on; always the first seven, always clean.
     */
    private void writeScenarioHouseholds(ExportWriter w) throws IOException {
        writeHousehold(w, showcaseHousehold());
        writeHousehold(w, moveOutPlannedHousehold());
        writeHousehold(w, movedOutHousehold());
        writeHousehold(w, deceasedHousehold());
        writeHousehold(w, childHousehold());
        writeHousehold(w, rareGlyphHousehold());
        writeHousehold(w, foreignHousehold());
    }

    private Household showcaseHousehold() {
        Household h =
                cleanJapanese(
                        List.of(
                                new Spec(HEAD, 45, true, Koseki.COUPLE),
                                new Spec(WIFE, 43, false, Koseki.COUPLE),
                                new Spec(CHILD, 16, rng.nextBoolean(), Koseki.COUPLE),
                                new Spec(CHILD, 12, rng.nextBoolean(), Koseki.COUPLE)),
                        null);
        giveKyuUji(h.members.get(1), true);
        plan(h.members.get(0), "showcase", "showcasePhone");
        plan(h.members.get(1), "showcaseSpouse", null);
        return h;
    }

    private Household moveOutPlannedHousehold() {
        Household h =
                cleanJapanese(
                        List.of(
                                new Spec(HEAD, 52, true, Koseki.COUPLE),
                                new Spec(WIFE, 50, false, Koseki.COUPLE),
                                new Spec(CHILD, 23, rng.nextBoolean(), Koseki.COUPLE)),
                        null);
        plan(h.members.get(0), "householdMemberOfMoveOutPlanned", null);
        randomCards(h.members.get(1));
        plan(h.members.get(2), "moveOutPlanned", null);
        moveOutPlanned = h.members.get(2);
        return h;
    }

    private Household movedOutHousehold() {
        Household h =
                cleanJapanese(
                        List.of(
                                new Spec(HEAD, 61, true, Koseki.COUPLE),
                                new Spec(WIFE, 59, false, Koseki.COUPLE),
                                new Spec(CHILD, 28, rng.nextBoolean(), Koseki.COUPLE)),
                        null);
        randomCards(h.members.get(0));
        randomCards(h.members.get(1));
        plan(h.members.get(2), "movedOut", null);
        movedOut = h.members.get(2);
        return h;
    }

    private Household deceasedHousehold() {
        Household h =
                cleanJapanese(
                        List.of(
                                new Spec(HEAD, 63, true, Koseki.COUPLE),
                                new Spec(WIFE, 61, false, Koseki.COUPLE),
                                new Spec(MOTHER, 89, false, Koseki.PARENTS)),
                        null);
        randomCards(h.members.get(0));
        randomCards(h.members.get(1));
        plan(h.members.get(2), "deceased", null);
        deceased = h.members.get(2);
        return h;
    }

    private Household childHousehold() {
        Household h =
                cleanJapanese(
                        List.of(
                                new Spec(HEAD, 38, true, Koseki.COUPLE),
                                new Spec(WIFE, 36, false, Koseki.COUPLE),
                                new Spec(CHILD, 10, rng.nextBoolean(), Koseki.COUPLE)),
                        null);
        randomCards(h.members.get(0));
        randomCards(h.members.get(1));
        plan(h.members.get(2), "child", null);
        birthHousehold = h;
        return h;
    }

    private Household rareGlyphHousehold() {
        Household h =
                cleanJapanese(
                        List.of(new Spec(HEAD, 34, rng.nextBoolean(), Koseki.COUPLE)),
                        new String[] {RARE_YOSHI + "田", "ヨシダ"});
        // Under CP932 the name is written as 吉田: the sample does not exist there.
        plan(h.members.get(0), text.canEncode(RARE_YOSHI) ? "rareGlyph" : "", null);
        return h;
    }

    private Household foreignHousehold() {
        Household h = newHousehold(true);
        populateForeign(
                h,
                List.of(new Spec(HEAD, 29, rng.nextBoolean(), Koseki.OWN)),
                Nationality.VIETNAM,
                ENGINEER,
                true);
        plan(h.members.get(0), "foreign", null);
        return h;
    }

    private Household cleanJapanese(List<Spec> specs, String[] surname) {
        Household h = newHousehold(true);
        populateJapanese(h, specs, true, surname);
        settleJapaneseHistory(h);
        return h;
    }

    private Household randomHousehold(int remaining) {
        randomHouseholds++;
        boolean foreign = rng.nextDouble() < 0.04;
        int size = Math.min(foreign ? foreignSize() : householdSize(), remaining);
        Household h = newHousehold(false);
        if (foreign) {
            populateForeign(h, composeForeign(size), Nationality.pick(rng), null, false);
        } else {
            populateJapanese(h, composeJapanese(size), false, null);
            settleJapaneseHistory(h);
        }
        for (Person p : h.members) {
            assignFlags(p);
            randomCards(p);
        }
        return h;
    }

    private void writeHousehold(ExportWriter w, Household h) throws IOException {
        write(w, RecordType.H, h.row());
        for (Person p : h.members) {
            write(w, RecordType.R, p.row());
        }
        for (Person p : h.members) {
            writeCards(w, p);
        }
        for (Person p : h.members) {
            writeMyNumber(w, p);
        }
        residentCount += h.members.size();
        householdCount++;
        // the same people in the seal and tax snapshots (own random streams: the lines above are
        // unaffected)
        if (sealsAndTax) {
            seals.household(h, randomHouseholds > 0);
            taxes.household(h);
            sealRoles(w, h);
        }
    }

    private void write(ExportWriter w, RecordType type, String[] fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            fields[i] = text.apply(fields[i]);
        }
        w.write(type, fields);
    }

    // ---- DELTA files ----

    @FunctionalInterface
    private interface DeltaBody {
        void write(ExportWriter w) throws IOException;
    }

    private Path writeDelta(Path outDir, long sequence, DeltaBody body) throws IOException {
        try (ExportWriter w =
                new ExportWriter(
                        outDir,
                        municipality,
                        SOURCE,
                        sequence,
                        ExportHeader.Kind.DELTA,
                        charset,
                        createdAt(sequence))) {
            body.write(w);
            return w.commit();
        }
    }

    /** 2: a baby born six days ago into the child household; the household itself is unchanged. */
    private void writeBirth(ExportWriter w) throws IOException {
        Household h = birthHousehold;
        Person head = h.head();
        Person baby = newPerson(h, new Spec(CHILD, 0, rng.nextBoolean(), Koseki.COUPLE));
        baby.birth = today.minusDays(6);
        String[] given = givenName(baby.male, baby.birth, true);
        baby.familyName = h.familyName;
        baby.givenName = given[0];
        baby.familyKana = h.familyKana;
        baby.givenKana = given[1];
        baby.kanaConfirmed = true;
        baby.honseki = head.honseki;
        baby.hittosha = head.hittosha;
        baby.becameResident = baby.birth;
        baby.notifiedDate = today.minusDays(1);
        setChange(baby, BIRTH, baby.birth, today.minusDays(1));
        write(w, RecordType.R, baby.row());
        writeMyNumber(w, baby);
    }

    /** 3: a couple moving in from another prefecture, with CP932 trouble characters in the 方書. */
    private void writeMoveIn(ExportWriter w) throws IOException {
        Household h = newHousehold(true);
        h.katagaki = "コーポ" + WAVE_DASH + city.shortName() + "２" + MINUS + "１０１";
        populateJapanese(
                h,
                List.of(
                        new Spec(HEAD, 34, true, Koseki.COUPLE),
                        new Spec(WIFE, 32, false, Koseki.COUPLE)),
                true,
                null);
        String previous = previousAddress(false);
        LocalDate movedIn = today.minusDays(3);
        for (Person p : h.members) {
            p.becameResident = movedIn;
            p.previousAddress = previous;
            p.addressSince = null;
            p.notifiedDate = today.minusDays(1);
            setChange(p, MOVE_IN, movedIn, today.minusDays(1));
        }
        plan(h.members.get(0), "movedIn", null);
        write(w, RecordType.H, h.row());
        for (Person p : h.members) {
            write(w, RecordType.R, p.row());
        }
        writeCards(w, h.members.get(0));
        for (Person p : h.members) {
            writeMyNumber(w, p);
        }
    }

    /**
     * 4: 転出届 accepted today for a move in ten days; the person stays on the register until then.
     */
    private void writeMoveOutPlanned(ExportWriter w) throws IOException {
        Person p = moveOutPlanned;
        p.historyNo++;
        p.status = MOVE_OUT_PLANNED;
        setChange(p, "転出届", today.plusDays(10), today);
        write(w, RecordType.R, p.row());
    }

    /** 5: a completed move-out: 転出届 twelve days ago, moved yesterday. */
    private void writeMovedOut(ExportWriter w) throws IOException {
        Person p = movedOut;
        p.historyNo++;
        p.status = REMOVED;
        setChange(p, "転出", today.minusDays(1), today.minusDays(12));
        write(w, RecordType.R, p.row());
    }

    /** 6: the death of the head's mother in the deceased household. */
    private void writeDeath(ExportWriter w) throws IOException {
        Person p = deceased;
        p.historyNo++;
        p.status = REMOVED;
        setChange(p, "死亡", today.minusDays(2), today.minusDays(1));
        write(w, RecordType.R, p.row());
    }

    private void setChange(Person p, String reason, LocalDate date, LocalDate notified) {
        p.changeReason = reason;
        p.changeDate = date;
        p.changeNotifiedDate = notified;
        p.processedDate = today;
    }

    // ---- households and people ----

    private Household newHousehold(boolean clean) {
        householdSeq += rng.nextInt(8) == 0 ? between(2, 4) : 1;
        Household h = new Household(pad(householdSeq, 10));
        assignAddress(h, clean);
        return h;
    }

    private Person newPerson(Household h, Spec spec) {
        Person p = new Person();
        atenaBase += rng.nextInt(10) == 0 ? between(2, 5) : 1;
        p.atenaNo = AtenaNumber.of(atenaBase);
        p.householdNo = h.no;
        p.juminhyoCode = juminhyoCode(personOrdinal++);
        p.relationship = spec.relationship();
        p.male = spec.male();
        p.koseki = spec.koseki();
        p.birth = birthForAge(spec.age());
        return p;
    }

    /** 11 digits: a seeded bijection of the ordinal (so codes never collide) plus a check digit. */
    private String juminhyoCode(long ordinal) {
        long modulus = 10_000_000_000L;
        long offset = Math.floorMod(seed * 2_654_435_761L, modulus);
        String digits = pad(Math.floorMod(ordinal * 7_919_869_113L + offset, modulus), 10);
        return digits + AtenaNumber.checkDigit(digits);
    }

    /** A birth date that makes the person exactly {@code age} today. */
    private LocalDate birthForAge(int age) {
        return today.minusYears(age + 1L).plusDays(1 + rng.nextInt(365));
    }

    private void populateJapanese(
            Household h, List<Spec> specs, boolean clean, String[] forcedSurname) {
        String[] surname = forcedSurname != null ? forcedSurname : surname(clean);
        h.familyName = surname[0];
        h.familyKana = surname[1];
        boolean kanaKnown = clean || rng.nextDouble() < 0.88;
        for (Spec s : specs) {
            Person p = newPerson(h, s);
            String[] family = s.koseki() == Koseki.OWN ? surname(clean) : surname;
            String[] given = givenName(p.male, p.birth, clean);
            p.familyName = family[0];
            p.givenName = given[0];
            p.kanaConfirmed = kanaKnown;
            if (kanaKnown) {
                p.familyKana = family[1];
                p.givenKana = given[1];
            }
            boolean marriedIn =
                    s.relationship().equals(WIFE) || s.relationship().equals(CHILDS_WIFE);
            if (marriedIn && !clean && rng.nextDouble() < 0.15) {
                giveKyuUji(p, false);
            }
            h.members.add(p);
        }
        assignKoseki(h, clean);
    }

    private void giveKyuUji(Person p, boolean clean) {
        String[] maiden = surname(clean);
        while (maiden[0].equals(p.familyName)) {
            maiden = surname(clean);
        }
        p.kyuUji = maiden[0];
        p.kyuUjiKana = p.kanaConfirmed ? maiden[1] : "";
    }

    /** 本籍 and 筆頭者 from each member's 戸籍 group. */
    private void assignKoseki(Household h, boolean clean) {
        Person head = h.head();
        String honseki = honseki();
        Person spouse = h.first(WIFE, HUSBAND);
        Person father = h.first(FATHER);
        Person marriedSon = null;
        for (Person p : h.members) {
            if (p.koseki == Koseki.SON && p.relationship.equals(CHILD)) {
                marriedSon = p;
            }
        }
        String fatherName =
                father != null
                        ? father.fullName()
                        : h.familyName
                                + IDEOGRAPHIC_SPACE
                                + givenName(true, head.birth.minusYears(28), true)[0];
        int headAge = head.age(today);
        String coupleHittosha;
        if (spouse != null || (headAge >= 30 && (head.male || headAge < 40))) {
            coupleHittosha = head.fullName();
        } else if (headAge < 30) {
            coupleHittosha = fatherName;
        } else {
            // A widow or divorcee over 40: the 戸籍 is still headed by the former husband.
            coupleHittosha =
                    h.familyName
                            + IDEOGRAPHIC_SPACE
                            + givenName(true, head.birth.minusYears(2), clean)[0];
        }
        String sonHittosha = marriedSon != null ? marriedSon.fullName() : coupleHittosha;
        String parentsHonseki = rng.nextDouble() < 0.7 ? honseki : honseki();
        for (Person p : h.members) {
            switch (p.koseki) {
                case COUPLE -> set(p, honseki, coupleHittosha);
                case SON -> set(p, honseki, sonHittosha);
                case PARENTS -> set(p, parentsHonseki, fatherName);
                case OWN -> set(p, honseki(), p.fullName());
            }
        }
    }

    private static void set(Person p, String honseki, String hittosha) {
        p.honseki = honseki;
        p.hittosha = hittosha;
    }

    // ---- residence history of the snapshot ----

    /** Native households were born here; others moved in together on one day. */
    private void settleJapaneseHistory(Household h) {
        Person head = h.head();
        boolean nativeHousehold = rng.nextDouble() < 0.45;
        LocalDate arrival =
                nativeHousehold ? null : between(head.birth.plusYears(18), today.minusDays(30));
        String previous = previousAddress(rng.nextDouble() < 0.6);
        for (Person p : h.members) {
            if (arrival != null) {
                arrive(p, p.birth.isBefore(arrival) ? arrival : p.birth, previous);
            } else {
                arrive(p, nativeArrival(h, p), previousAddress(rng.nextDouble() < 0.7));
            }
        }
        settleCommonHistory(h, arrival == null);
    }

    private void populateForeign(
            Household h, List<Spec> specs, Nationality nat, String headStatus, boolean clean) {
        String[] family = nat.family(rng);
        boolean katakana = clean || rng.nextDouble() < 0.7;
        String headResidence = headStatus != null ? headStatus : foreignStatus(specs.size());
        String[] tsushoFamily =
                nat.usesTsusho()
                                && headResidence.equals(PERMANENT)
                                && !clean
                                && rng.nextDouble() < 0.4
                        ? surname(true)
                        : null;
        h.familyName = katakana ? family[1] : "";
        h.familyKana = h.familyName;
        for (Spec s : specs) {
            Person p = newPerson(h, s);
            String[] given = nat.given(rng, p.male);
            p.foreign = true;
            p.alphaName = family[0] + " " + given[0];
            p.kanaConfirmed = katakana;
            if (katakana) {
                p.familyName = family[1];
                p.givenName = given[1];
                p.familyKana = family[1];
                p.givenKana = given[1];
            }
            if (tsushoFamily != null) {
                String[] tsushoGiven = givenName(p.male, p.birth, true);
                p.tsusho = tsushoFamily[0] + IDEOGRAPHIC_SPACE + tsushoGiven[0];
                p.tsushoKana = tsushoFamily[1] + IDEOGRAPHIC_SPACE + tsushoGiven[1];
            }
            p.nationality = nat.label;
            p.residenceStatus =
                    h.members.isEmpty() || headResidence.equals(PERMANENT)
                            ? headResidence
                            : DEPENDENT;
            p.residencePeriodEnd =
                    p.residenceStatus.equals(PERMANENT) ? null : today.plusDays(between(180, 1100));
            p.residenceCardNo = residenceCardNo();
            h.members.add(p);
        }
        settleForeignHistory(h, nat);
    }

    private void settleForeignHistory(Household h, Nationality nat) {
        Person head = h.head();
        boolean permanent = head.residenceStatus.equals(PERMANENT);
        LocalDate earliest = max(head.birth.plusYears(18), today.minusYears(permanent ? 25 : 5));
        LocalDate arrival =
                between(earliest, permanent ? today.minusYears(5) : today.minusDays(30));
        for (Person p : h.members) {
            arrive(p, p.birth.isBefore(arrival) ? arrival : p.birth, nat.label);
        }
        settleCommonHistory(h, false);
    }

    private String foreignStatus(int householdSize) {
        double r = rng.nextDouble();
        if (householdSize > 1) {
            return r < 0.55 ? PERMANENT : ENGINEER;
        }
        if (r < 0.25) {
            return "技能実習";
        }
        if (r < 0.45) {
            return "特定技能";
        }
        if (r < 0.65) {
            return "留学";
        }
        return r < 0.85 ? ENGINEER : PERMANENT;
    }

    private String residenceCardNo() {
        return "" + letter() + letter() + pad(rng.nextInt(100_000_000), 8) + letter() + letter();
    }

    private char letter() {
        return (char) ('A' + rng.nextInt(26));
    }

    /** When a member of a native household became a resident: by birth, or by marrying in. */
    private LocalDate nativeArrival(Household h, Person p) {
        switch (p.relationship) {
            case WIFE, HUSBAND -> {
                return marriage(p, h.head(), h.eldest(CHILD));
            }
            case CHILDS_WIFE -> {
                Person son = null;
                for (Person m : h.members) {
                    if (m.koseki == Koseki.SON && m.relationship.equals(CHILD)) {
                        son = m;
                    }
                }
                return marriage(p, son != null ? son : h.head(), h.eldest(GRANDCHILD));
            }
            case "縁故者", "同居人" -> {
                return clampPast(between(p.birth.plusYears(18), today.minusDays(1)), p);
            }
            default -> {
                return p.birth;
            }
        }
    }

    /** Moved in at marriage: after both turned 20, before the couple's first child. */
    private LocalDate marriage(Person p, Person partner, Person firstChild) {
        LocalDate lo = max(p.birth.plusYears(20), partner.birth.plusYears(20));
        LocalDate hi = firstChild != null ? firstChild.birth : today.minusDays(1);
        return clampPast(between(lo, hi), p);
    }

    private void arrive(Person p, LocalDate came, String previousAddress) {
        p.becameResident = came;
        p.previousAddress = came.equals(p.birth) ? "" : previousAddress;
    }

    /** Adds 転居 / 世帯分離 / 世帯主変更 events and derives the snapshot's change columns. */
    private void settleCommonHistory(Household h, boolean nativeHousehold) {
        Person head = h.head();
        LocalDate earliestMove = head.becameResident.plusDays(30);
        LocalDate latestMove = today.minusDays(30);
        LocalDate movedWithin =
                rng.nextDouble() < 0.3 && earliestMove.isBefore(latestMove)
                        ? between(earliestMove, latestMove)
                        : null;
        boolean split =
                nativeHousehold
                        && h.members.size() == 1
                        && head.age(today) >= 20
                        && rng.nextDouble() < 0.4;
        boolean headChange =
                !head.male
                        && h.first(WIFE, HUSBAND) == null
                        && head.age(today) >= 60
                        && h.members.size() > 1
                        && rng.nextDouble() < 0.3;
        for (Person p : h.members) {
            List<Event> events = new ArrayList<>();
            events.add(
                    new Event(
                            p.becameResident.equals(p.birth) ? BIRTH : MOVE_IN, p.becameResident));
            if (movedWithin != null && movedWithin.isAfter(p.becameResident)) {
                p.addressSince = movedWithin;
                events.add(new Event(MOVE_WITHIN, movedWithin));
            }
            if (p == head && split) {
                events.add(
                        new Event(
                                SPLIT,
                                clampPast(
                                        between(
                                                max(p.becameResident, p.birth.plusYears(18)),
                                                today.minusDays(30)),
                                        p)));
            }
            if (p == head && headChange) {
                events.add(
                        new Event(
                                HEAD_CHANGE,
                                clampPast(
                                        between(
                                                max(p.becameResident, p.birth.plusYears(55)),
                                                today.minusDays(30)),
                                        p)));
            }
            finishHistory(p, events);
        }
    }

    private void finishHistory(Person p, List<Event> events) {
        events.sort(Comparator.comparing(Event::date));
        Event last = events.get(events.size() - 1);
        Event addressEvent = events.get(0);
        for (Event e : events) {
            if (e.reason().equals(MOVE_WITHIN)) {
                addressEvent = e;
            }
        }
        p.historyNo = events.size();
        p.changeReason = last.reason();
        p.changeDate = last.date();
        p.changeNotifiedDate = notified(last.date());
        p.processedDate =
                rng.nextDouble() < 0.8
                        ? p.changeNotifiedDate
                        : min(today, p.changeNotifiedDate.plusDays(between(1, 3)));
        p.notifiedDate =
                addressEvent == last ? p.changeNotifiedDate : notified(addressEvent.date());
    }

    private LocalDate notified(LocalDate event) {
        return min(today, event.plusDays(rng.nextInt(14)));
    }

    private void assignFlags(Person p) {
        int age = p.age(today);
        if (rng.nextDouble() < 0.005) {
            p.personBlock = "1";
        }
        if (provisionalLeft > 0 && age >= 20 && randomHouseholds >= 3) {
            p.supportMeasure = "PROVISIONAL";
            provisionalLeft--;
        } else if (rng.nextDouble() < 0.003) {
            p.supportMeasure = "ACTIVE";
        }
        if (age >= 75
                && guardianshipLeft > 0
                && (guardianshipLeft == 2 || rng.nextDouble() < 0.0005)) {
            p.adultGuardianship = "1";
            guardianshipLeft--;
        }
    }

    // ---- household composition ----

    private int householdSize() {
        double r = rng.nextDouble();
        double[] cumulative = {0.36, 0.64, 0.80, 0.925, 0.972, 0.99, 0.997};
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return i + 1;
            }
        }
        return 8;
    }

    private int foreignSize() {
        double r = rng.nextDouble();
        return r < 0.55 ? 1 : r < 0.80 ? 2 : r < 0.93 ? 3 : 4;
    }

    private List<Spec> composeJapanese(int size) {
        if (size == 1) {
            return List.of(single());
        }
        if (size == 2) {
            return pair();
        }
        double r = rng.nextDouble();
        if (size >= 6 || (size >= 4 && r < 0.12)) {
            return threeGenerations(size);
        }
        if (r < 0.18) {
            return coupleWithParent(size - 3);
        }
        return r < 0.85 ? nuclear(size - 2) : singleParent(size - 1);
    }

    private List<Spec> composeForeign(int size) {
        if (size == 1) {
            return List.of(new Spec(HEAD, between(19, 45), rng.nextDouble() < 0.6, Koseki.OWN));
        }
        List<Spec> l = couple(between(25, 50));
        addChildren(l, size - 2, Math.min(youngerParent(l) - 20, 20));
        return l;
    }

    private Spec single() {
        double r = rng.nextDouble();
        int age =
                r < 0.10
                        ? between(18, 22)
                        : r < 0.40 ? between(23, 40) : r < 0.65 ? between(41, 64) : between(65, 95);
        return new Spec(HEAD, age, rng.nextBoolean(), Koseki.COUPLE);
    }

    private List<Spec> pair() {
        double r = rng.nextDouble();
        if (r < 0.55) {
            return couple(between(23, 88));
        }
        if (r < 0.75) {
            return singleParent(1);
        }
        return r < 0.90 ? headWithParent() : headWithRelative();
    }

    private List<Spec> couple(int headAge) {
        boolean headMale = rng.nextDouble() < 0.95;
        int spouseAge = Math.max(18, headAge + (headMale ? between(-6, 2) : between(-2, 6)));
        List<Spec> l = new ArrayList<>();
        l.add(new Spec(HEAD, headAge, headMale, Koseki.COUPLE));
        l.add(new Spec(headMale ? WIFE : HUSBAND, spouseAge, !headMale, Koseki.COUPLE));
        return l;
    }

    private List<Spec> nuclear(int children) {
        List<Spec> l = couple(between(28, 56));
        addChildren(l, children, Math.min(youngerParent(l) - 20, 28));
        return l;
    }

    private List<Spec> singleParent(int children) {
        int headAge = between(30, 55);
        List<Spec> l = new ArrayList<>();
        l.add(new Spec(HEAD, headAge, rng.nextDouble() < 0.2, Koseki.COUPLE));
        addChildren(l, children, Math.min(headAge - 20, 28));
        return l;
    }

    private List<Spec> coupleWithParent(int children) {
        List<Spec> l = couple(between(35, 55));
        addChildren(l, children, Math.min(youngerParent(l) - 20, 28));
        boolean mother = rng.nextDouble() < 0.75;
        int parentAge = Math.min(100, l.get(0).age() + between(22, 35));
        l.add(new Spec(mother ? MOTHER : FATHER, parentAge, !mother, Koseki.PARENTS));
        return l;
    }

    private List<Spec> headWithParent() {
        int headAge = between(35, 65);
        boolean mother = rng.nextDouble() < 0.75;
        List<Spec> l = new ArrayList<>();
        l.add(new Spec(HEAD, headAge, rng.nextBoolean(), Koseki.COUPLE));
        l.add(
                new Spec(
                        mother ? MOTHER : FATHER,
                        Math.min(100, headAge + between(22, 36)),
                        !mother,
                        Koseki.PARENTS));
        return l;
    }

    private List<Spec> headWithRelative() {
        double r = rng.nextDouble();
        List<Spec> l = new ArrayList<>();
        if (r < 0.25) {
            int headAge = between(18, 35);
            boolean grandmother = rng.nextDouble() < 0.8;
            l.add(new Spec(HEAD, headAge, rng.nextBoolean(), Koseki.COUPLE));
            l.add(
                    new Spec(
                            grandmother ? "祖母" : "祖父",
                            Math.min(102, headAge + between(45, 62)),
                            !grandmother,
                            Koseki.PARENTS));
        } else if (r < 0.50) {
            int headAge = between(25, 70);
            boolean brother = rng.nextBoolean();
            l.add(new Spec(HEAD, headAge, rng.nextBoolean(), Koseki.COUPLE));
            l.add(new Spec(brother ? "兄" : "姉", headAge + between(1, 8), brother, Koseki.PARENTS));
        } else if (r < 0.70) {
            int headAge = between(27, 70);
            boolean brother = rng.nextBoolean();
            l.add(new Spec(HEAD, headAge, rng.nextBoolean(), Koseki.COUPLE));
            l.add(
                    new Spec(
                            brother ? "弟" : "妹",
                            Math.max(18, headAge - between(1, 8)),
                            brother,
                            Koseki.PARENTS));
        } else {
            boolean kin = r < 0.85;
            l.add(
                    new Spec(
                            HEAD,
                            kin ? between(30, 80) : between(20, 60),
                            rng.nextBoolean(),
                            Koseki.COUPLE));
            l.add(
                    new Spec(
                            kin ? "縁故者" : "同居人",
                            kin ? between(18, 80) : between(20, 60),
                            rng.nextBoolean(),
                            Koseki.OWN));
        }
        return l;
    }

    /**
     * Elder couple, their married son with his wife, maybe an unmarried child, and grandchildren.
     */
    private List<Spec> threeGenerations(int size) {
        List<Spec> l = couple(between(60, 80));
        int sonAge = between(27, Math.max(27, Math.min(youngerParent(l) - 22, 52)));
        int wifeAge = Math.max(22, sonAge + between(-5, 2));
        l.add(new Spec(CHILD, sonAge, true, Koseki.SON));
        l.add(new Spec(CHILDS_WIFE, wifeAge, false, Koseki.SON));
        int rest = size - 4;
        if (rest >= 4) {
            l.add(
                    new Spec(
                            CHILD,
                            Math.max(18, sonAge - between(1, 6)),
                            rng.nextBoolean(),
                            Koseki.COUPLE));
            rest--;
        }
        int maxOldest = Math.min(Math.min(sonAge, wifeAge) - 20, 25);
        int age = between(Math.min(rest - 1, maxOldest), maxOldest);
        for (int i = 0; i < rest; i++) {
            l.add(new Spec(GRANDCHILD, age, rng.nextBoolean(), Koseki.SON));
            age = Math.max(0, age - between(1, 4));
        }
        return l;
    }

    private void addChildren(List<Spec> l, int n, int maxOldest) {
        int max = Math.max(0, maxOldest);
        int age = between(Math.min(Math.max(0, n - 1), max), max);
        for (int i = 0; i < n; i++) {
            l.add(new Spec(CHILD, age, rng.nextBoolean(), Koseki.COUPLE));
            age = Math.max(0, age - between(1, 4));
        }
    }

    private static int youngerParent(List<Spec> l) {
        return Math.min(l.get(0).age(), l.get(1).age());
    }

    // ---- cards ----

    private void plan(Person p, String cardRole, String phoneRole) {
        p.card = true;
        p.cardRole = cardRole;
        p.phone = phoneRole != null;
        p.phoneRole = phoneRole == null ? "" : phoneRole;
    }

    private void randomCards(Person p) {
        boolean adultish = p.age(today) >= 15;
        p.card = rng.nextDouble() < (adultish ? 0.7 : 0.3);
        p.phone = p.card && adultish && rng.nextDouble() < 0.2;
    }

    private void writeCards(ExportWriter w, Person p) throws IOException {
        String flagged = flagRole(p);
        if (!p.card) {
            if (!flagged.isEmpty()) {
                // every refused case of the demo gets a card to try it with (issue #18); no random
                // draw, so the rest of the city is the same as before
                writeForcedCard(w, p, flagged);
            }
            return;
        }
        LocalDate validUntil = today.plusDays(between(365, 5 * 365));
        if (p.residencePeriodEnd != null) {
            validUntil = min(validUntil, p.residencePeriodEnd);
        }
        writeCard(w, p, "CARD", validUntil, p.cardRole.isEmpty() ? flagged : p.cardRole);
        if (p.phone) {
            writeCard(w, p, "PHONE", validUntil, p.phoneRole);
        }
    }

    /**
     * The card role of a resident refused for a flag of the registry (DOMAIN §3): 支援措置 (also the
     * provisional one), 発行抑止, 成年被後見人; empty for everyone else.
     */
    private static String flagRole(Person p) {
        if ("ACTIVE".equals(p.supportMeasure)) {
            return "supportMeasure";
        }
        if ("PROVISIONAL".equals(p.supportMeasure)) {
            return "supportMeasureProvisional";
        }
        if ("1".equals(p.personBlock)) {
            return "personBlock";
        }
        if ("1".equals(p.adultGuardianship)) {
            return "adultGuardianship";
        }
        return "";
    }

    /** A card for a resident who has none, valid for three years (or the residence period). */
    private void writeForcedCard(ExportWriter w, Person p, String role) throws IOException {
        LocalDate validUntil = today.plusYears(3);
        if (p.residencePeriodEnd != null) {
            validUntil = min(validUntil, p.residencePeriodEnd);
        }
        writeCard(w, p, "CARD", validUntil, role);
    }

    /**
     * After the seal snapshot of a household: the role of each member whose seal registration was
     * cancelled (廃止) — with only cancelled registrations, or re-registered (改印) — in cards.csv,
     * giving a card to one who has none.
     */
    private void sealRoles(ExportWriter w, Household h) throws IOException {
        for (Person p : h.members) {
            String role = seals.sealRole(p);
            if (role.isEmpty() || !p.cardRole.isEmpty() || !flagRole(p).isEmpty()) {
                continue;
            }
            if (cards.hasCard(p.atenaNo)) {
                cards.role(p.atenaNo, role);
            } else {
                writeForcedCard(w, p, role);
            }
        }
    }

    private void writeCard(ExportWriter w, Person p, String kind, LocalDate validUntil, String role)
            throws IOException {
        String serial = serial(p.atenaNo, kind);
        write(
                w,
                RecordType.C,
                new String[] {"U", serial, p.atenaNo, kind, date(validUntil), "VALID"});
        cards.add(serial, kind, p.atenaNo, p.householdNo, role);
        if (!role.isEmpty()) {
            samples.put(role, serial);
        }
    }

    /** With {@code myNumbers}: the person's 個人番号 as an N record; otherwise nothing. */
    private void writeMyNumber(ExportWriter w, Person p) throws IOException {
        if (myNumbers) {
            w.write(RecordType.N, "U", p.atenaNo, myNumber(p.atenaNo));
        }
    }

    /**
     * An invented 個人番号: the 宛名番号's base through a seeded bijection of the 11-digit range (so no two
     * residents of one city share one), plus the check digit. Uses no random stream.
     */
    private String myNumber(String atenaNo) {
        long modulus = 100_000_000_000L;
        long base =
                Math.floorMod(
                        Long.parseLong(atenaNo.substring(0, AtenaNumber.BASE_DIGITS)), modulus);
        long offset =
                Math.floorMod(seed * 6_364_136_223_846_793_005L + municipality.hashCode(), modulus);
        // 48 271 is prime to 10, so this is a bijection mod 10^11; base × 48 271 < 2^63
        return MyNumber.of(Math.floorMod(base * 48_271L + offset, modulus));
    }

    private String serial(String atenaNo, String kind) {
        byte[] d =
                sha256.digest(
                        (municipality + ":" + seed + ":" + atenaNo + ":" + kind)
                                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().withUpperCase().formatHex(d, 0, 8);
    }

    // ---- names and places ----

    private String[] surname(boolean clean) {
        if (!clean && rng.nextDouble() < 0.03) {
            return pick(Names.RARE_SURNAMES);
        }
        return pick(Names.SURNAMES);
    }

    private String[] givenName(boolean male, LocalDate birth, boolean clean) {
        if (!clean && rng.nextDouble() < 0.02) {
            return pick(male ? Names.RARE_MALE : Names.RARE_FEMALE);
        }
        int year = birth.getYear();
        int generation = year < 1960 ? 0 : year < 1995 ? 1 : 2;
        return pick(male ? Names.MALE[generation] : Names.FEMALE[generation]);
    }

    private void assignAddress(Household h, boolean clean) {
        int townIndex = rng.nextInt(city.towns().size());
        Town town = city.towns().get(townIndex);
        h.postal = city.postalPrefix() + (21 + townIndex);
        String block =
                town.maxChome() > 0
                        ? zen(between(1, town.maxChome()))
                                + "丁目"
                                + zen(between(1, 30))
                                + "番地"
                                + zen(between(1, 20))
                        : zen(between(1, 999)) + "番地" + zen(between(1, 40));
        h.address = city.prefCity() + town.name() + block;
        h.katagaki = rng.nextDouble() < 0.35 ? katagaki(town, clean) : "";
    }

    private String katagaki(Town town, boolean clean) {
        String building =
                !clean && rng.nextDouble() < 0.03
                        ? "コーポ" + WAVE_DASH + city.shortName()
                        : pick(Names.BUILDING_PREFIXES)
                                + (rng.nextBoolean() ? town.name() : city.shortName());
        int floor = between(1, 5);
        int room = floor * 100 + between(1, 12);
        if (!clean && rng.nextDouble() < 0.08) {
            return building + zen(between(1, 3)) + MINUS + zen(room);
        }
        return building + zen(room) + "号室";
    }

    private String honseki() {
        double r = rng.nextDouble();
        String place;
        if (r < 0.5) {
            place = city.prefCity() + city.towns().get(rng.nextInt(city.towns().size())).name();
        } else if (r < 0.8) {
            place = pick(Names.HOKKAIDO_PLACES);
        } else {
            place = pick(Names.OTHER_PLACES);
        }
        return place + zen(between(1, 999)) + "番地";
    }

    private String previousAddress(boolean hokkaido) {
        String place = pick(hokkaido ? Names.HOKKAIDO_PLACES : Names.OTHER_PLACES);
        return place
                + zen(between(1, 9))
                + "丁目"
                + zen(between(1, 30))
                + "番"
                + zen(between(1, 20))
                + "号";
    }

    private String[] pick(String[][] pool) {
        return pool[rng.nextInt(pool.length)];
    }

    private String pick(String[] pool) {
        return pool[rng.nextInt(pool.length)];
    }

    // ---- small helpers ----

    private int between(int lo, int hi) {
        return hi <= lo ? lo : lo + rng.nextInt(hi - lo + 1);
    }

    private LocalDate between(LocalDate lo, LocalDate hi) {
        if (!hi.isAfter(lo)) {
            return lo;
        }
        return lo.plusDays(rng.nextLong(ChronoUnit.DAYS.between(lo, hi) + 1));
    }

    /** Keeps a derived date between the person's birth and today. */
    private LocalDate clampPast(LocalDate d, Person p) {
        return max(p.birth, min(today, d));
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    /** Full-width digits, as addresses are written in the registry. */
    private static String zen(int n) {
        String s = Integer.toString(n);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.append((char) ('０' + (s.charAt(i) - '0')));
        }
        return b.toString();
    }

    /**
     * Zero-padded decimal without {@link String#format}, which dominates the run time otherwise.
     */
    static String pad(long n, int width) {
        String s = Long.toString(n);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    /**
     * {@link EraDate#format}, memoized: a city's dates span a few tens of thousands of distinct
     * days, so the cache stays small however many residents are written.
     */
    static String date(LocalDate d) {
        return d == null ? "" : ERA_DATES.computeIfAbsent(d, EraDate::format);
    }

    private static final Map<LocalDate, String> ERA_DATES =
            new java.util.concurrent.ConcurrentHashMap<>();

    // ---- model ----

    static final class Household {
        final String no;
        String postal;
        String address;
        String katagaki = "";
        String familyName;
        String familyKana;
        final List<Person> members = new ArrayList<>(8);

        Household(String no) {
            this.no = no;
        }

        Person head() {
            return members.get(0);
        }

        Person first(String... relationships) {
            for (Person p : members) {
                for (String r : relationships) {
                    if (p.relationship.equals(r)) {
                        return p;
                    }
                }
            }
            return null;
        }

        Person eldest(String relationship) {
            Person found = null;
            for (Person p : members) {
                if (p.relationship.equals(relationship)
                        && (found == null || p.birth.isBefore(found.birth))) {
                    found = p;
                }
            }
            return found;
        }

        String[] row() {
            return new String[] {"U", no, head().atenaNo, postal, address, katagaki, "0"};
        }
    }

    static final class Person {
        String atenaNo;
        int historyNo = 1;
        String householdNo;
        String juminhyoCode;
        boolean foreign;
        String familyName = "";
        String givenName = "";
        String familyKana = "";
        String givenKana = "";
        boolean kanaConfirmed;
        String kyuUji = "";
        String kyuUjiKana = "";
        String alphaName = "";
        String tsusho = "";
        String tsushoKana = "";
        String nationality = "";
        String residenceStatus = "";
        LocalDate residencePeriodEnd;
        String residenceCardNo = "";
        LocalDate birth;
        boolean male;
        String relationship;
        Koseki koseki;
        String honseki = "";
        String hittosha = "";
        LocalDate addressSince;
        String previousAddress = "";
        LocalDate becameResident;
        LocalDate notifiedDate;
        String status = RESIDENT;
        String personBlock = "0";
        String supportMeasure = "NONE";
        String adultGuardianship = "0";
        String changeReason;
        LocalDate changeDate;
        LocalDate changeNotifiedDate;
        LocalDate processedDate;
        boolean card;
        boolean phone;
        String cardRole = "";
        String phoneRole = "";

        String fullName() {
            return familyName + IDEOGRAPHIC_SPACE + givenName;
        }

        int age(LocalDate on) {
            return (int) ChronoUnit.YEARS.between(birth, on);
        }

        /** The full R row in contract order. */
        String[] row() {
            String[] f = new String[RecordType.R.columns().size()];
            put(f, "op", "U");
            put(f, "atena_no", atenaNo);
            put(f, "history_no", Integer.toString(historyNo));
            put(f, "household_no", householdNo);
            put(f, "juminhyo_code", juminhyoCode);
            put(f, "resident_type", foreign ? "F" : "J");
            put(f, "family_name", familyName);
            put(f, "given_name", givenName);
            put(f, "family_name_kana", familyKana);
            put(f, "given_name_kana", givenKana);
            put(f, "kana_confirmed", kanaConfirmed ? "1" : "0");
            put(f, "kyu_uji", kyuUji);
            put(f, "kyu_uji_kana", kyuUjiKana);
            put(f, "alpha_name", alphaName);
            put(f, "tsusho", tsusho);
            put(f, "tsusho_kana", tsushoKana);
            put(f, "nationality", nationality);
            put(f, "residence_status", residenceStatus);
            put(f, "residence_period_end", date(residencePeriodEnd));
            put(f, "residence_card_no", residenceCardNo);
            put(f, "birth_date", date(birth));
            put(f, "sex", male ? "1" : "2");
            put(f, "relationship", relationship);
            put(f, "honseki", honseki);
            put(f, "hittosha", hittosha);
            put(f, "address_since", date(addressSince));
            put(f, "previous_address", previousAddress);
            put(f, "became_resident_date", date(becameResident));
            put(f, "notified_date", date(notifiedDate));
            put(f, "status", status);
            put(f, "person_block", personBlock);
            put(f, "support_measure", supportMeasure);
            put(f, "adult_guardianship", adultGuardianship);
            put(f, "change_reason", changeReason);
            put(f, "change_date", date(changeDate));
            put(f, "change_notified_date", date(changeNotifiedDate));
            put(f, "processed_date", date(processedDate));
            return f;
        }

        private static void put(String[] f, String column, String value) {
            f[RecordType.R.col(column)] = value;
        }
    }

    /**
     * Turns canonical JIS text into what the target charset can carry: CP932 gets the Microsoft
     * forms of 〜 − ‖ ¢ £ ¬ (the reader maps them back) and 吉 for 𠮷; UTF-8 is left alone.
     */
    private static final class TextAdapter {
        private final CharsetEncoder encoder;

        /** 0 unknown, 1 encodable, 2 not encodable; BMP only. */
        private final byte[] known = new byte[0x10000];

        TextAdapter(Charset charset) {
            this.encoder = charset.equals(ExportFormat.CP932) ? charset.newEncoder() : null;
        }

        boolean canEncode(String s) {
            return s.codePoints().allMatch(this::canEncode);
        }

        String apply(String s) {
            if (encoder == null || s == null) {
                return s;
            }
            StringBuilder out = null;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                String replacement = cp < 0x80 ? null : replacement(cp);
                if (replacement != null && out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                if (out != null) {
                    if (replacement != null) {
                        out.append(replacement);
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
                i += Character.charCount(cp);
            }
            return out == null ? s : out.toString();
        }

        private String replacement(int cp) {
            switch (cp) {
                case 0x301C:
                    return "\uFF5E";
                case 0x2212:
                    return "\uFF0D";
                case 0x2016:
                    return "\u2225";
                case 0x00A2:
                    return "\uFFE0";
                case 0x00A3:
                    return "\uFFE1";
                case 0x00AC:
                    return "\uFFE2";
                default:
                    break;
            }
            if (canEncode(cp)) {
                return null;
            }
            return cp == 0x20BB7 ? "吉" : "〓";
        }

        private boolean canEncode(int cp) {
            if (encoder == null) {
                return true;
            }
            if (cp > 0xFFFF) {
                return false;
            }
            if (known[cp] == 0) {
                known[cp] = (byte) (encoder.canEncode((char) cp) ? 1 : 2);
            }
            return known[cp] == 1;
        }
    }

    /** The card list for demos and tests: serials and ids only, never names. */
    private static final class CardsCsv implements AutoCloseable {
        private final BufferedWriter out;

        /** Rows in order (serial, kind, atena, household, role), written at the end. */
        private final List<String[]> rows = new ArrayList<>();

        CardsCsv(Path path) throws IOException {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            out.write("serial,cert_kind,atena_no,household_no,role\n");
        }

        void add(String serial, String kind, String atenaNo, String householdNo, String role) {
            rows.add(new String[] {serial, kind, atenaNo, householdNo, role});
        }

        boolean hasCard(String atenaNo) {
            return rows.stream().anyMatch(r -> r[2].equals(atenaNo));
        }

        /** A role for the person's card rows that have none yet (known after their cards). */
        void role(String atenaNo, String role) {
            for (String[] r : rows) {
                if (r[2].equals(atenaNo) && r[4].isEmpty()) {
                    r[4] = role;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try (out) {
                for (String[] r : rows) {
                    out.write(String.join(",", r) + "\n");
                }
            }
        }
    }

    private record Town(String name, int maxChome) {}

    /** A fictional version of a real city: its prefix, towns and postal range. */
    private record City(String prefCity, String shortName, String postalPrefix, List<Town> towns) {

        static City of(String municipality) {
            return switch (municipality) {
                case "012343" ->
                        new City(
                                "北海道北広島市",
                                "北広島",
                                "061-11",
                                towns(
                                        "中央:7", "栄町:2", "共栄町:5", "北進町:2", "美沢:5", "大曲:0", "西の里:0",
                                        "輪厚:0", "高台:0", "緑陽町:3", "虹ヶ丘:7", "山手町:4", "東共栄:3"));
                case "011002" ->
                        new City(
                                "北海道札幌市中央区",
                                "札幌",
                                "060-00",
                                towns(
                                        "北一条西:28",
                                        "北五条西:28",
                                        "南三条西:28",
                                        "大通西:28",
                                        "宮の森一条:18",
                                        "円山西町:10",
                                        "旭ケ丘:6"));
                case "012351" ->
                        new City(
                                "北海道石狩市",
                                "石狩",
                                "061-32",
                                towns("花川北一条:6", "花川南二条:6", "緑苑台東一条:3", "樽川:0", "花畔:0", "親船町:0"));
                case "012246" ->
                        new City(
                                "北海道千歳市",
                                "千歳",
                                "066-00",
                                towns(
                                        "千代田町:7", "幸町:6", "清水町:6", "北栄:2", "富丘:5", "東雲町:5", "末広:8",
                                        "長都:0"));
                case "012319" ->
                        new City(
                                "北海道恵庭市",
                                "恵庭",
                                "061-14",
                                towns("相生町:0", "島松東町:3", "恵み野北:6", "恵み野南:6", "黄金中央:5", "柏木町:0"));
                case "012173" ->
                        new City(
                                "北海道江別市",
                                "江別",
                                "067-00",
                                towns("野幌町:0", "大麻:0", "文京台:0", "上江別:0", "元江別:0", "東野幌:0"));
                default ->
                        new City(
                                "架空県架空市",
                                "架空",
                                "999-00",
                                towns(
                                        "本町:5", "中町:4", "東町:3", "西町:3", "南町:6", "北町:2", "旭町:4",
                                        "緑町:3"));
            };
        }

        private static List<Town> towns(String... specs) {
            List<Town> l = new ArrayList<>();
            for (String s : specs) {
                int colon = s.indexOf(':');
                l.add(new Town(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
            }
            return List.copyOf(l);
        }
    }

    /** Foreign residents' name pools: {alphabetic, katakana}. */
    private enum Nationality {
        VIETNAM(
                "ベトナム",
                30,
                false,
                "NGUYEN:グエン TRAN:チャン LE:レ PHAM:ファム HOANG:ホアン VU:ヴー",
                "VAN_AN:ヴァン・アン VAN_HUNG:ヴァン・フン DUC_MINH:ドゥック・ミン QUANG_HUY:クアン・フイ",
                "THI_LAN:ティ・ラン THI_MAI:ティ・マイ THI_HOA:ティ・ホア THU_TRANG:トゥ・チャン"),
        CHINA(
                "中国",
                25,
                true,
                "WANG:ワン LI:リ ZHANG:チャン LIU:リュウ CHEN:チェン ZHAO:ジャオ",
                "WEI:ウェイ LEI:レイ JUN:ジュン HAO:ハオ",
                "FANG:ファン JING:ジン YAN:イエン XIU:シウ"),
        PHILIPPINES(
                "フィリピン",
                12,
                false,
                "SANTOS:サントス REYES:レイエス CRUZ:クルス GARCIA:ガルシア BAUTISTA:バウティスタ",
                "JOSE:ホセ MARK:マーク JOHN_PAUL:ジョン・ポール",
                "MARIA:マリア ANGELICA:アンジェリカ JOY:ジョイ"),
        NEPAL(
                "ネパール",
                10,
                false,
                "SHRESTHA:シュレスタ GURUNG:グルン TAMANG:タマン RAI:ライ THAPA:タパ",
                "RAM:ラム BIKASH:ビカス SURESH:スレス",
                "SITA:シタ ANJALI:アンジャリ PRIYA:プリヤ"),
        KOREA(
                "韓国",
                10,
                true,
                "KIM:キム LEE:イ PARK:パク CHOI:チェ JUNG:チョン",
                "MINJUN:ミンジュン JIHO:ジホ SEOJUN:ソジュン",
                "SEOYEON:ソヨン HAEUN:ハウン YUNA:ユナ"),
        BRAZIL(
                "ブラジル",
                7,
                false,
                "SILVA:シルバ SOUZA:ソウザ OLIVEIRA:オリベイラ PEREIRA:ペレイラ COSTA:コスタ",
                "LUCAS:ルーカス GABRIEL:ガブリエル RAFAEL:ハファエル",
                "ANA:アナ JULIANA:ジュリアナ BEATRIZ:ベアトリス"),
        USA(
                "アメリカ",
                6,
                false,
                "SMITH:スミス JOHNSON:ジョンソン WILLIAMS:ウィリアムズ BROWN:ブラウン MILLER:ミラー",
                "JOHN:ジョン MICHAEL:マイケル DAVID:デイビッド",
                "EMILY:エミリー SARAH:サラ JESSICA:ジェシカ");

        final String label;
        final int weight;
        private final boolean tsusho;
        private final String[][] family;
        private final String[][] male;
        private final String[][] female;

        Nationality(
                String label,
                int weight,
                boolean tsusho,
                String family,
                String male,
                String female) {
            this.label = label;
            this.weight = weight;
            this.tsusho = tsusho;
            this.family = Names.pairs(family);
            this.male = Names.pairs(male);
            this.female = Names.pairs(female);
        }

        /** 通称 in kanji is common among long-settled Korean and Chinese residents. */
        boolean usesTsusho() {
            return tsusho;
        }

        String[] family(SplittableRandom rng) {
            return family[rng.nextInt(family.length)];
        }

        String[] given(SplittableRandom rng, boolean isMale) {
            String[][] pool = isMale ? male : female;
            return pool[rng.nextInt(pool.length)];
        }

        static Nationality pick(SplittableRandom rng) {
            int total = 0;
            for (Nationality n : values()) {
                total += n.weight;
            }
            int r = rng.nextInt(total);
            for (Nationality n : values()) {
                r -= n.weight;
                if (r < 0) {
                    return n;
                }
            }
            return VIETNAM;
        }
    }

    /** Invented-name pools: common names, plus variant and non-BMP kanji for the rare share. */
    private static final class Names {

        static final String[][] SURNAMES =
                pairs(
                        "佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト "
                                + "中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ "
                                + "松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ "
                                + "森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ "
                                + "石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ "
                                + "近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ "
                                + "太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ "
                                + "三浦:ミウラ 原田:ハラダ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ 中川:ナカガワ "
                                + "和田:ワダ 工藤:クドウ 菅原:スガワラ 千葉:チバ 桜井:サクライ 菊地:キクチ 今野:コンノ "
                                + "成田:ナリタ 高田:タカダ 畠山:ハタケヤマ 佐野:サノ 大野:オオノ 武田:タケダ 上田:ウエダ");

        static final String[][] RARE_SURNAMES =
                pairs(
                        "髙橋:タカハシ 山﨑:ヤマザキ 渡邊:ワタナベ 渡邉:ワタナベ 齋藤:サイトウ 齊藤:サイトウ "
                                + "濵田:ハマダ 德永:トクナガ "
                                + RARE_YOSHI
                                + "田:ヨシダ");

        /** By birth year: before 1960, 1960–1994, from 1995. */
        static final String[][][] MALE = {
            pairs(
                    "茂:シゲル 清:キヨシ 勇:イサム 進:ススム 昭:アキラ 正男:マサオ 博:ヒロシ 武:タケシ "
                            + "弘:ヒロシ 健二:ケンジ 和夫:カズオ 幸雄:ユキオ 忠:タダシ 稔:ミノル"),
            pairs(
                    "誠:マコト 大輔:ダイスケ 拓也:タクヤ 直樹:ナオキ 隆:タカシ 健一:ケンイチ 和也:カズヤ "
                            + "浩之:ヒロユキ 剛:ツヨシ 達也:タツヤ 洋平:ヨウヘイ 雄一:ユウイチ 聡:サトシ 亮:リョウ"),
            pairs(
                    "蓮:レン 湊:ミナト 悠真:ユウマ 大翔:ヒロト 陽翔:ハルト 颯太:ソウタ 蒼:アオイ 樹:イツキ "
                            + "優斗:ユウト 翔太:ショウタ 悠人:ユウト 大和:ヤマト 陸:リク 奏太:カナタ"),
        };

        static final String[][][] FEMALE = {
            pairs(
                    "和子:カズコ 幸子:サチコ 節子:セツコ 恵子:ケイコ 洋子:ヨウコ 京子:キョウコ 美代子:ミヨコ "
                            + "久子:ヒサコ 敏子:トシコ 文子:フミコ 初江:ハツエ 静子:シズコ"),
            pairs(
                    "裕子:ユウコ 真由美:マユミ 直美:ナオミ 智子:トモコ 由美:ユミ 恵:メグミ 陽子:ヨウコ "
                            + "美穂:ミホ 愛:アイ 彩:アヤ 麻衣:マイ 香織:カオリ 明美:アケミ"),
            pairs("陽葵:ヒマリ 結衣:ユイ 凛:リン 芽依:メイ さくら:サクラ 美咲:ミサキ 葵:アオイ 結菜:ユイナ " + "紬:ツムギ 花:ハナ 莉子:リコ 杏:アン"),
        };

        static final String[][] RARE_MALE = pairs("眞一:シンイチ 廣志:ヒロシ 榮一:エイイチ");
        static final String[][] RARE_FEMALE = pairs("惠子:ケイコ 眞理子:マリコ");

        static final String[] BUILDING_PREFIXES = words("コーポ ハイツ メゾン サンライズ グリーンヒル パークハイム レジデンス");

        static final String[] HOKKAIDO_PLACES =
                words(
                        "北海道札幌市厚別区厚別中央 北海道札幌市白石区本通 北海道旭川市宮下通 北海道函館市元町 "
                                + "北海道小樽市花園 北海道帯広市西一条南 北海道釧路市幸町 北海道岩見沢市三条西 "
                                + "北海道江別市野幌町 北海道苫小牧市錦町");

        static final String[] OTHER_PLACES =
                words(
                        "青森県青森市本町 岩手県盛岡市内丸 秋田県秋田市中通 宮城県仙台市青葉区一番町 福島県郡山市朝日 "
                                + "東京都千代田区千代田 東京都世田谷区桜新町 神奈川県横浜市港北区日吉本町 "
                                + "埼玉県さいたま市浦和区高砂 愛知県名古屋市中区栄 大阪府大阪市北区梅田 "
                                + "福岡県福岡市博多区博多駅前 新潟県新潟市中央区西堀通");

        private Names() {}

        /**
         * Parses {@code "a:b c_d:e"} into {@code {{a,b},{"c d",e}}} ({@code _} stands for a space).
         */
        static String[][] pairs(String spec) {
            String[] items = words(spec);
            String[][] out = new String[items.length][];
            for (int i = 0; i < items.length; i++) {
                out[i] = items[i].split(":", 2);
                out[i][0] = out[i][0].replace('_', ' ');
            }
            return out;
        }

        static String[] words(String spec) {
            return spec.trim().split(" +");
        }
    }
}
