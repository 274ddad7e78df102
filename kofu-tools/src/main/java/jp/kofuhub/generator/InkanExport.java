package jp.kofuhub.generator;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import jp.kofuhub.generator.CityGenerator.Household;
import jp.kofuhub.generator.CityGenerator.Person;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;

/**
 * The 印鑑登録システム's export of a generated city (source {@code INKAN}): a FULL snapshot of seal
 * registrations written household by household while the 住民記録 snapshot is generated, and one DELTA
 * that cancels (廃止) one person's seal.
 *
 * <p>Who has a seal: about 45% of the residents aged 15 or more (成年被後見人 cannot register); a few
 * registrations are cancelled, some of them replaced by a later one (改印). The showcase head of
 * household always has a valid seal and the showcase spouse never has one (for the {@code
 * NO_VALID_SEAL} demo); the moved-out and the deceased samples have none (their seals would be
 * cancelled with the 住民票). Its own random stream, seeded from the city's seed, keeps the 住民記録 files
 * byte-identical to what they were before seals existed.
 */
final class InkanExport implements AutoCloseable {

    static final String SOURCE = "INKAN";

    private static final String VALID = "VALID";
    private static final String CANCELLED = "CANCELLED";
    private static final double VALID_SHARE = 0.45;
    private static final double CANCELLED_ONLY_SHARE = 0.015;
    private static final double REREGISTERED_SHARE = 0.04;

    private final Path outDir;
    private final String municipality;
    private final Charset charset;
    private final LocalDate today;
    private final Path font;
    private final UnaryOperator<String> adapt;
    private final SplittableRandom rng;
    private final ExportWriter full;

    private long lastNo;
    private long records;

    /**
     * The seal the DELTA cancels: the first suitable person of a random household, else the
     * fallback.
     */
    private Registration toCancel;

    private Registration fallback;

    /** One registration as written to the FULL, remembered for the cancellation. */
    private record Registration(Person person, String no, String nameForm, LocalDate registered) {}

    InkanExport(
            Path outDir,
            String municipality,
            Charset charset,
            LocalDate today,
            OffsetDateTime createdAt,
            long seed,
            Path font,
            UnaryOperator<String> adapt)
            throws IOException {
        this.outDir = outDir;
        this.municipality = municipality;
        this.charset = charset;
        this.today = today;
        this.font = font;
        this.adapt = adapt;
        this.rng = new SplittableRandom(seed ^ 0x494E4B414E000000L);
        this.full =
                new ExportWriter(
                        outDir,
                        municipality,
                        SOURCE,
                        1,
                        ExportHeader.Kind.FULL,
                        charset,
                        createdAt);
    }

    /**
     * The S records of one household of the FULL snapshot; {@code random} for the random
     * households.
     */
    void household(Household h, boolean random) throws IOException {
        for (Person p : h.members) {
            person(p, random);
        }
    }

    private void person(Person p, boolean random) throws IOException {
        if (p.age(today) < 15 || !"RESIDENT".equals(p.status) || "1".equals(p.adultGuardianship)) {
            return;
        }
        boolean forced =
                p.cardRole.equals("showcase")
                        || p.cardRole.equals("householdMemberOfMoveOutPlanned");
        if (p.cardRole.equals("showcaseSpouse")
                || p.cardRole.equals("movedOut")
                || p.cardRole.equals("deceased")) {
            return;
        }
        LocalDate lo = max(p.becameResident.plusDays(1), p.birth.plusYears(15));
        LocalDate hi = today.minusDays(1);
        double r = rng.nextDouble();
        if (!forced && (r >= VALID_SHARE + CANCELLED_ONLY_SHARE || lo.isAfter(hi))) {
            return;
        }
        if (lo.isAfter(hi)) {
            lo = hi;
        }
        String[] form = nameForm(p);
        if (!forced && r >= VALID_SHARE) {
            LocalDate registered = between(lo, hi);
            writeCancelled(p, form[0], registered, between(min(registered.plusDays(1), hi), hi));
            sealRoles.put(p.atenaNo, "sealCancelledOnly");
            return;
        }
        LocalDate registered = between(lo, hi);
        boolean reregistered =
                !forced && rng.nextDouble() < REREGISTERED_SHARE && lo.isBefore(registered);
        if (reregistered) {
            // 改印: the old seal was cancelled the day the new one was registered
            writeCancelled(p, form[0], between(lo, registered.minusDays(1)), registered);
            sealRoles.put(p.atenaNo, "sealReRegistered");
        }
        String no = nextNo();
        full.write(
                RecordType.S,
                "U",
                no,
                p.atenaNo,
                VALID,
                form[0],
                CityGenerator.date(registered),
                "",
                SealImages.base64(adapt.apply(form[1]), font),
                impression(no));
        records++;
        Registration reg = new Registration(p, no, form[0], registered);
        if (p.cardRole.equals("householdMemberOfMoveOutPlanned")) {
            fallback = reg;
        } else if (toCancel == null && random && !reregistered && suitableToCancel(p)) {
            toCancel = reg;
        }
    }

    /** A plain adult card holder with nothing else that would refuse an 印鑑登録証明書. */
    private boolean suitableToCancel(Person p) {
        return p.card
                && !p.foreign
                && p.age(today) >= 20
                && "0".equals(p.personBlock)
                && "NONE".equals(p.supportMeasure);
    }

    private void writeCancelled(
            Person p, String nameForm, LocalDate registered, LocalDate cancelled)
            throws IOException {
        full.write(
                RecordType.S,
                "U",
                nextNo(),
                p.atenaNo,
                CANCELLED,
                nameForm,
                CityGenerator.date(registered),
                CityGenerator.date(cancelled),
                "",
                "");
        records++;
    }

    /** {name_form, the word engraved on the seal}. */
    private String[] nameForm(Person p) {
        if (!p.foreign) {
            if (!p.kyuUji.isEmpty() && rng.nextDouble() < 0.35) {
                return new String[] {"KYU_UJI", p.kyuUji};
            }
            return new String[] {"NAME", p.familyName};
        }
        String alphaWord = p.alphaName.split(" ", 2)[0];
        double r = rng.nextDouble();
        if (!p.tsusho.isEmpty() && r < 0.6) {
            return new String[] {"TSUSHO", p.tsusho.split("\u3000", 2)[0]};
        }
        if (p.familyName.isEmpty() || r < 0.4) {
            return new String[] {"ALPHA", alphaWord};
        }
        return new String[] {"NAME", p.familyName};
    }

    /**
     * The impression's physical size (registry-export 1.6, {@code impression_mm}): the square seal
     * image of {@link SealImages} measured at one of the usual seal sizes, 10.5–18 mm, chosen from
     * the registration number (no random draw: the seal files stay as before).
     */
    static String impression(String registrationNo) {
        String[] sizes = {"10.5", "12", "13.5", "15", "16.5", "18"};
        String s = sizes[Math.floorMod(registrationNo.hashCode(), sizes.length)];
        return s + "x" + s;
    }

    private String nextNo() {
        lastNo += rng.nextInt(25) == 0 ? 2 + rng.nextInt(3) : 1;
        return "IN-" + CityGenerator.pad(lastNo, 7);
    }

    /** Number of S records in the FULL snapshot. */
    long records() {
        return records;
    }

    /** atena → seal role of people whose registration was cancelled in the FULL. */
    private final java.util.Map<String, String> sealRoles = new java.util.HashMap<>();

    /**
     * The cards.csv role of a person's seal history in the FULL: {@code sealCancelledOnly} (only
     * cancelled registrations: INKAN refused), {@code sealReRegistered} (改印: a cancelled and a
     * valid one, the valid one is certified); empty otherwise.
     */
    String sealRole(Person p) {
        return sealRoles.getOrDefault(p.atenaNo, "");
    }

    /** The person whose seal the DELTA cancels (known once the FULL is complete), or null. */
    Person cancelled() {
        Registration reg = toCancel != null ? toCancel : fallback;
        return reg == null ? null : reg.person();
    }

    Path commitFull() throws IOException {
        return full.commit();
    }

    /** DELTA 2: the cancellation (廃止) of one valid seal, today. */
    Path writeCancellation(OffsetDateTime createdAt) throws IOException {
        Registration reg = toCancel != null ? toCancel : fallback;
        try (ExportWriter w =
                new ExportWriter(
                        outDir,
                        municipality,
                        SOURCE,
                        2,
                        ExportHeader.Kind.DELTA,
                        charset,
                        createdAt)) {
            if (reg != null) {
                w.write(
                        RecordType.S,
                        "U",
                        reg.no(),
                        reg.person().atenaNo,
                        CANCELLED,
                        reg.nameForm(),
                        CityGenerator.date(reg.registered()),
                        CityGenerator.date(today),
                        "",
                        "");
            }
            return w.commit();
        }
    }

    @Override
    public void close() throws IOException {
        full.close();
    }

    private LocalDate between(LocalDate lo, LocalDate hi) {
        if (!hi.isAfter(lo)) {
            return lo;
        }
        return lo.plusDays(rng.nextLong(ChronoUnit.DAYS.between(lo, hi) + 1));
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }
}
