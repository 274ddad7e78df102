package jp.kofuhub.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CityGeneratorTest {

    private static final String CITY = "012343";
    private static final int RESIDENTS = 500;
    private static final long SEED = 42L;
    private static final LocalDate TODAY = LocalDate.of(2025, 6, 2);
    private static final Charset CP932 = ExportFormat.CP932;
    private static final String RARE_YOSHIDA = new String(Character.toChars(0x20BB7)) + "田";

    @TempDir Path tmp;

    @Test
    void utf8ExportReadsBackWithExpectedFilesAndCounts() throws IOException {
        CityGenerator.Result r = generate("utf8", StandardCharsets.UTF_8);
        List<ExportFile> all = readAll(r);

        // JUKI 1..6, then INKAN 1..2 and ZEI 1: apply order within each source
        assertThat(all)
                .extracting(
                        f ->
                                f.header().source()
                                        + " "
                                        + f.header().sequence()
                                        + " "
                                        + f.header().kind())
                .containsExactly(
                        "JUKI 1 FULL",
                        "JUKI 2 DELTA",
                        "JUKI 3 DELTA",
                        "JUKI 4 DELTA",
                        "JUKI 5 DELTA",
                        "JUKI 6 DELTA",
                        "INKAN 1 FULL",
                        "INKAN 2 DELTA",
                        "ZEI 1 FULL");
        assertThat(r.files())
                .extracting(f -> f.getFileName().toString())
                .endsWith(
                        CITY + "_INKAN_000000001_FULL.kexp",
                        CITY + "_INKAN_000000002_DELTA.kexp",
                        CITY + "_ZEI_000000001_FULL.kexp");
        List<ExportFile> files = all.subList(0, 6);
        assertThat(files.get(0).header().kind()).isEqualTo(ExportHeader.Kind.FULL);
        for (int i = 0; i < files.size(); i++) {
            ExportHeader h = files.get(i).header();
            assertThat(h.sequence()).isEqualTo(i + 1);
            assertThat(h.municipality()).isEqualTo(CITY);
            assertThat(h.charset()).isEqualTo(StandardCharsets.UTF_8);
            assertThat(h.createdAt().toString()).isEqualTo("2025-06-02T09:0" + (i + 1) + "+09:00");
            if (i > 0) {
                assertThat(h.kind()).isEqualTo(ExportHeader.Kind.DELTA);
            }
        }
        ExportFile full = files.get(0);
        assertThat(r.residentCount()).isEqualTo(RESIDENTS);
        assertThat(full.count(RecordType.R)).isEqualTo(RESIDENTS);
        assertThat(full.count(RecordType.H)).isEqualTo(r.householdCount());
        assertThat(r.householdCount()).isBetween(RESIDENTS / 4, RESIDENTS / 2);
        assertThat(files.stream().skip(1).map(f -> f.count(RecordType.R)))
                .containsExactly(1L, 2L, 1L, 1L, 1L);
        assertThat(files.get(2).count(RecordType.H)).isEqualTo(1);
        assertThat(files.get(2).count(RecordType.C)).isEqualTo(1);
        assertWellFormed(all);

        assertThat(all.get(6).header().createdAt().toString()).isEqualTo("2025-06-02T09:01+09:00");
        assertThat(all.get(7).header().createdAt().toString()).isEqualTo("2025-06-02T09:02+09:00");
        assertThat(all.get(8).header().createdAt().toString()).isEqualTo("2025-06-02T09:01+09:00");
        assertThat(all.get(6).count(RecordType.S)).isEqualTo(r.sealRecordCount());
        assertThat(all.get(7).count(RecordType.S)).isEqualTo(1);
        assertThat(all.get(8).count(RecordType.T)).isEqualTo(r.taxRecordCount());
        assertThat(all.subList(6, 9))
                .allSatisfy(
                        f ->
                                assertThat(f.records())
                                        .allMatch(
                                                rec ->
                                                        rec.type()
                                                                == (f.header()
                                                                                .source()
                                                                                .equals("ZEI")
                                                                        ? RecordType.T
                                                                        : RecordType.S)));
    }

    @Test
    void cp932ExportReadsBackAndCarriesNoRareGlyph() throws IOException {
        CityGenerator.Result r = generate("cp932", CP932);
        List<ExportFile> files = readAll(r);

        assertThat(files).allSatisfy(f -> assertThat(f.header().charset()).isEqualTo(CP932));
        assertThat(files.get(0).count(RecordType.R)).isEqualTo(RESIDENTS);
        assertWellFormed(files);
        assertThat(r.rareGlyphSerial()).isEmpty();
        assertThat(files)
                .allSatisfy(
                        f ->
                                assertThat(f.records())
                                        .noneMatch(
                                                rec ->
                                                        String.join("\t", rec.fields())
                                                                .contains(
                                                                        new String(
                                                                                Character.toChars(
                                                                                        0x20BB7)))));

        // The move-in household's 方書 is written in CP932 forms and read back in canonical JIS
        // forms.
        Rec movedInHousehold = files.get(2).first(RecordType.H);
        assertThat(movedInHousehold.get("katagaki")).contains("\u301C", "\u2212");
        String raw = new String(Files.readAllBytes(r.files().get(2)), CP932);
        assertThat(raw).contains("\uFF5E", "\uFF0D").doesNotContain("\u301C", "\u2212");

        // the seal and tax exports carry the same people in CP932 (seal images are base64 ASCII)
        CityGenerator.Result utf8 = generate("cp932-utf8", StandardCharsets.UTF_8);
        assertThat(r.sealRecordCount()).isEqualTo(utf8.sealRecordCount()).isPositive();
        assertThat(r.taxRecordCount()).isEqualTo(utf8.taxRecordCount()).isPositive();
        assertThat(files.get(6).all(RecordType.S)).allSatisfy(s -> assertSealImage(s));
        assertThat(r.cancelledSealSerial()).isEqualTo(utf8.cancelledSealSerial());
    }

    @Test
    void sameArgumentsGiveByteIdenticalFiles() throws IOException {
        CityGenerator.Result a = generate("a", StandardCharsets.UTF_8);
        CityGenerator.Result b = generate("b", StandardCharsets.UTF_8);

        assertThat(a.files()).hasSameSizeAs(b.files());
        for (int i = 0; i < a.files().size(); i++) {
            assertThat(a.files().get(i).getFileName()).isEqualTo(b.files().get(i).getFileName());
            assertThat(Files.readAllBytes(a.files().get(i)))
                    .isEqualTo(Files.readAllBytes(b.files().get(i)));
        }
        assertThat(Files.readAllBytes(a.cardsCsv())).isEqualTo(Files.readAllBytes(b.cardsCsv()));
        assertThat(a.showcaseSerial()).isEqualTo(b.showcaseSerial());
        assertThat(a.cancelledSealSerial()).isEqualTo(b.cancelledSealSerial());

        CityGenerator.Result other =
                CityGenerator.generate(
                        tmp.resolve("c/inbox"),
                        CITY,
                        RESIDENTS,
                        SEED + 1,
                        StandardCharsets.UTF_8,
                        TODAY);
        assertThat(other.showcaseSerial()).isNotEqualTo(a.showcaseSerial());
    }

    @Test
    void cardsCsvListsExactlyTheCardRecords() throws IOException {
        CityGenerator.Result r = generate("cards", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        Set<String> recordSerials = new HashSet<>();
        Map<String, String> atenaBySerial = new HashMap<>();
        for (ExportFile f : files) {
            for (Rec c : f.all(RecordType.C)) {
                recordSerials.add(c.get("serial"));
                atenaBySerial.put(c.get("serial"), c.get("atena_no"));
            }
        }

        List<String> lines = Files.readAllLines(r.cardsCsv(), StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("serial,cert_kind,atena_no,household_no,role");
        Map<String, String> serialByRole = new HashMap<>();
        Set<String> csvSerials = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",", -1);
            assertThat(cols).hasSize(5);
            assertThat(cols[0]).matches("[0-9A-F]{16}");
            assertThat(cols[1]).isIn("CARD", "PHONE");
            assertThat(atenaBySerial).containsEntry(cols[0], cols[2]);
            csvSerials.add(cols[0]);
            if (!cols[4].isEmpty()) {
                serialByRole.put(cols[4], cols[0]);
            }
        }
        assertThat(csvSerials).isEqualTo(recordSerials);
        assertThat(serialByRole)
                .containsEntry("showcase", r.showcaseSerial())
                .containsEntry("showcasePhone", r.showcasePhoneSerial())
                .containsEntry("moveOutPlanned", r.moveOutPlannedSerial())
                .containsEntry(
                        "householdMemberOfMoveOutPlanned",
                        r.householdMemberOfMoveOutPlannedSerial())
                .containsEntry("movedOut", r.movedOutSerial())
                .containsEntry("deceased", r.deceasedSerial())
                .containsEntry("child", r.childSerial())
                .containsEntry("rareGlyph", r.rareGlyphSerial())
                .containsEntry("foreign", r.foreignSerial());
    }

    @Test
    void showcaseHouseholdIsTheFirstAndHasFourMembers() throws IOException {
        CityGenerator.Result r = generate("showcase", StandardCharsets.UTF_8);
        ExportFile full = readAll(r).get(0);
        Rec household = full.first(RecordType.H);
        List<Rec> members =
                full.all(RecordType.R).stream()
                        .filter(p -> p.get("household_no").equals(household.get("household_no")))
                        .toList();

        assertThat(members).hasSize(4);
        assertThat(members)
                .extracting(p -> p.get("relationship"))
                .containsExactly("世帯主", "妻", "子", "子");
        Rec head = members.get(0);
        assertThat(household.get("head_atena_no")).isEqualTo(head.get("atena_no"));
        assertThat(age(head)).isEqualTo(45);
        assertThat(head.get("sex")).isEqualTo("1");
        assertThat(card(full, r.showcaseSerial()).get("atena_no")).isEqualTo(head.get("atena_no"));
        assertThat(card(full, r.showcaseSerial()).get("cert_kind")).isEqualTo("CARD");
        assertThat(card(full, r.showcasePhoneSerial()).get("atena_no"))
                .isEqualTo(head.get("atena_no"));
        assertThat(card(full, r.showcasePhoneSerial()).get("cert_kind")).isEqualTo("PHONE");
        for (Rec m : members) {
            // Plain BMP kanji and hiragana only: every character is in IPAex Mincho.
            assertThat(m.get("family_name") + m.get("given_name"))
                    .matches("[\\u4E00-\\u9FFF々\\u3041-\\u3096]+");
            assertThat(m.get("kana_confirmed")).isEqualTo("1");
        }
    }

    @Test
    void rareGlyphPersonExistsInUtf8() throws IOException {
        CityGenerator.Result r = generate("rare", StandardCharsets.UTF_8);
        ExportFile full = readAll(r).get(0);
        Rec person = person(full, card(full, r.rareGlyphSerial()).get("atena_no"));

        assertThat(person.get("family_name")).isEqualTo(RARE_YOSHIDA);
        assertThat(person.get("family_name_kana")).isEqualTo("ヨシダ");
        assertThat(age(person)).isGreaterThanOrEqualTo(20);
    }

    @Test
    void samplePeopleAreWhatTheirNamesPromise() throws IOException {
        CityGenerator.Result r = generate("samples", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        ExportFile full = files.get(0);

        Rec planned = person(full, card(full, r.moveOutPlannedSerial()).get("atena_no"));
        Rec member =
                person(full, card(full, r.householdMemberOfMoveOutPlannedSerial()).get("atena_no"));
        Rec movedOut = person(full, card(full, r.movedOutSerial()).get("atena_no"));
        Rec deceased = person(full, card(full, r.deceasedSerial()).get("atena_no"));
        Rec child = person(full, card(full, r.childSerial()).get("atena_no"));
        Rec foreign = person(full, card(full, r.foreignSerial()).get("atena_no"));

        for (Rec adult : List.of(planned, member, movedOut, deceased, foreign)) {
            assertThat(age(adult)).isGreaterThanOrEqualTo(20);
            assertThat(adult.get("status")).isEqualTo("RESIDENT");
        }
        assertThat(member.get("household_no")).isEqualTo(planned.get("household_no"));
        assertThat(member.get("atena_no")).isNotEqualTo(planned.get("atena_no"));
        assertThat(deceased.get("relationship")).isNotEqualTo("世帯主");
        assertThat(
                        Set.of(
                                planned.get("household_no"),
                                movedOut.get("household_no"),
                                deceased.get("household_no")))
                .hasSize(3);
        assertThat(age(child)).isEqualTo(10);
        assertThat(foreign.get("resident_type")).isEqualTo("F");
        assertThat(foreign.get("alpha_name")).matches("[A-Z]+( [A-Z]+)+");

        assertChanged(files.get(3), planned, "MOVE_OUT_PLANNED", "転出届");
        assertChanged(files.get(4), movedOut, "REMOVED", "転出");
        assertChanged(files.get(5), deceased, "REMOVED", "死亡");

        Rec baby = files.get(1).first(RecordType.R);
        assertThat(baby.get("change_reason")).isEqualTo("出生");
        assertThat(baby.get("relationship")).isEqualTo("子");
        assertThat(baby.get("history_no")).isEqualTo("1");
        assertThat(full.all(RecordType.H))
                .anyMatch(h -> h.get("household_no").equals(baby.get("household_no")));

        List<Rec> movedIn = files.get(2).all(RecordType.R);
        assertThat(movedIn)
                .allSatisfy(
                        p -> {
                            assertThat(p.get("change_reason")).isEqualTo("転入");
                            assertThat(p.get("previous_address"))
                                    .isNotEmpty()
                                    .doesNotStartWith("北海道");
                        });
    }

    @Test
    void foreignResidentsAreAFewPercentAndWellFormed() throws IOException {
        CityGenerator.Result r =
                CityGenerator.generate(
                        tmp.resolve("big/inbox"), CITY, 5000, SEED, StandardCharsets.UTF_8, TODAY);
        List<Rec> people = readAll(r).get(0).all(RecordType.R);
        List<Rec> foreign =
                people.stream().filter(p -> p.get("resident_type").equals("F")).toList();

        assertThat(foreign.size()).isBetween(people.size() / 100, people.size() * 6 / 100);
        assertThat(foreign)
                .allSatisfy(
                        p -> {
                            assertThat(p.get("alpha_name")).matches("[A-Z]+( [A-Z]+)+");
                            assertThat(p.get("residence_card_no"))
                                    .matches("[A-Z]{2}\\d{8}[A-Z]{2}");
                            assertThat(p.get("nationality")).isNotEmpty();
                            assertThat(p.get("honseki")).isEmpty();
                            if (!p.get("residence_status").equals("永住者")) {
                                assertThat(EraDate.parse(p.get("residence_period_end")))
                                        .isAfter(TODAY);
                            }
                        });
        assertThat(people).anyMatch(p -> !p.get("kyu_uji").isEmpty());
        assertThat(people)
                .anyMatch(
                        p ->
                                p.get("kana_confirmed").equals("0")
                                        && p.get("family_name_kana").isEmpty());
    }

    /**
     * Issue #18: every resident refused for a registry flag (支援措置, provisional too; 発行抑止; 成年被後見人)
     * or with a cancelled seal registration has a card with a role in cards.csv, so the demo can
     * show every refusal (before: 11 of 1,464 rows had a role).
     */
    @Test
    void everyRefusedCaseHasACardWithARole() throws IOException {
        CityGenerator.Result r = generate("roles", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        Map<String, String> roles = new java.util.HashMap<>();
        for (String line :
                Files.readAllLines(r.cardsCsv())
                        .subList(1, Files.readAllLines(r.cardsCsv()).size())) {
            String[] f = line.split(",", -1);
            if (!f[4].isEmpty()) {
                roles.merge(f[2], f[4], (a, b) -> a);
            }
        }
        List<Rec> flagged =
                files.get(0).all(RecordType.R).stream()
                        .filter(
                                p ->
                                        !p.get("support_measure").equals("NONE")
                                                || p.get("person_block").equals("1")
                                                || p.get("adult_guardianship").equals("1"))
                        .toList();
        assertThat(flagged).isNotEmpty();
        assertThat(flagged).allSatisfy(p -> assertThat(roles).containsKey(p.get("atena_no")));
        Set<String> validSeal =
                files.get(6).all(RecordType.S).stream()
                        .filter(s -> s.get("status").equals("VALID"))
                        .map(s -> s.get("atena_no"))
                        .collect(java.util.stream.Collectors.toSet());
        List<String> cancelled =
                files.get(6).all(RecordType.S).stream()
                        .filter(s -> s.get("status").equals("CANCELLED"))
                        .map(s -> s.get("atena_no"))
                        .distinct()
                        .toList();
        assertThat(cancelled).isNotEmpty();
        assertThat(cancelled).allSatisfy(a -> assertThat(roles).containsKey(a));
        assertThat(cancelled)
                .filteredOn(a -> !validSeal.contains(a))
                .anySatisfy(a -> assertThat(roles.get(a)).isEqualTo("sealCancelledOnly"));
        assertThat(roles).containsValue("sealReRegistered");
        // the seal the INKAN DELTA cancels today
        String today = files.get(7).first(RecordType.S).get("atena_no");
        assertThat(roles).containsKey(today);
        // the impression's size is on every valid registration (registry export 1.5)
        assertThat(files.get(6).all(RecordType.S))
                .filteredOn(s -> s.get("status").equals("VALID"))
                .allSatisfy(
                        s ->
                                assertThat(s.get("impression_mm"))
                                        .matches("\\d{1,2}(\\.\\d)?x\\d{1,2}(\\.\\d)?"));
    }

    @Test
    void sealExportHasPlausibleRegistrationsForAdultResidents() throws IOException {
        CityGenerator.Result r = generate("seals", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        Map<String, Rec> people = byAtena(files.get(0).all(RecordType.R));
        List<Rec> seals = files.get(6).all(RecordType.S);

        long adults = people.values().stream().filter(p -> age(p) >= 15).count();
        List<Rec> valid = seals.stream().filter(s -> s.get("status").equals("VALID")).toList();
        List<Rec> cancelled =
                seals.stream().filter(s -> s.get("status").equals("CANCELLED")).toList();
        assertThat(valid.size()).isBetween((int) (adults * 35 / 100), (int) (adults * 55 / 100));
        assertThat(cancelled).isNotEmpty().hasSizeLessThan(valid.size() / 5);
        assertThat(seals)
                .extracting(s -> s.get("registration_no"))
                .doesNotHaveDuplicates()
                .allMatch(no -> no.matches("IN-\\d{7}"));
        assertThat(valid).extracting(s -> s.get("atena_no")).doesNotHaveDuplicates();
        assertThat(valid)
                .extracting(s -> s.get("name_form"))
                .contains("NAME")
                .allMatch(f -> List.of("NAME", "KYU_UJI", "TSUSHO", "ALPHA").contains(f));
        for (Rec s : seals) {
            Rec p = people.get(s.get("atena_no"));
            assertThat(p).as(s.get("registration_no")).isNotNull();
            assertThat(age(p)).isGreaterThanOrEqualTo(15);
            assertThat(p.get("adult_guardianship")).isEqualTo("0");
            LocalDate registered = EraDate.parse(s.get("registered_date"));
            assertThat(registered)
                    .isAfter(EraDate.parse(p.get("became_resident_date")))
                    .isBefore(TODAY);
            switch (s.get("name_form")) {
                case "KYU_UJI" -> assertThat(p.get("kyu_uji")).isNotEmpty();
                case "TSUSHO" -> assertThat(p.get("tsusho")).isNotEmpty();
                case "ALPHA" -> assertThat(p.get("resident_type")).isEqualTo("F");
                default -> {}
            }
            assertSealImage(s);
        }
    }

    @Test
    void showcaseHeadHasAValidSealTheSpouseNoneAndDeltaCancelsAnotherOne() throws IOException {
        CityGenerator.Result r = generate("seal-samples", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        ExportFile full = files.get(0);
        String head = card(full, r.showcaseSerial()).get("atena_no");
        String spouse = card(full, r.showcaseSpouseSerial()).get("atena_no");
        assertThat(person(full, spouse).get("relationship")).isEqualTo("妻");
        assertThat(person(full, spouse).get("household_no"))
                .isEqualTo(person(full, head).get("household_no"));

        Map<String, Rec> afterFull = sealsByNo(files.get(6).all(RecordType.S));
        assertThat(validSeals(afterFull, head)).hasSize(1);
        assertThat(afterFull.values()).noneMatch(s -> s.get("atena_no").equals(spouse));

        String cancelledAtena = card(full, r.cancelledSealSerial()).get("atena_no");
        assertThat(cancelledAtena).isNotIn(head, spouse);
        Rec cancelledPerson = person(full, cancelledAtena);
        assertThat(age(cancelledPerson)).isGreaterThanOrEqualTo(20);
        assertThat(validSeals(afterFull, cancelledAtena)).hasSize(1);

        Rec cancellation = files.get(7).first(RecordType.S);
        assertThat(cancellation.get("atena_no")).isEqualTo(cancelledAtena);
        assertThat(cancellation.get("status")).isEqualTo("CANCELLED");
        assertThat(EraDate.parse(cancellation.get("cancelled_date"))).isEqualTo(TODAY);
        assertThat(cancellation.get("seal_image")).isEmpty();

        // after the DELTA (an upsert by registration number) the person's latest record is the
        // cancelled one
        Map<String, Rec> afterDelta = new HashMap<>(afterFull);
        afterDelta.put(cancellation.get("registration_no"), cancellation);
        assertThat(validSeals(afterDelta, cancelledAtena)).isEmpty();
        Rec latest =
                afterDelta.values().stream()
                        .filter(s -> s.get("atena_no").equals(cancelledAtena))
                        .max(
                                java.util.Comparator.comparing(
                                                (Rec s) -> EraDate.parse(s.get("registered_date")))
                                        .thenComparing(s -> s.get("registration_no")))
                        .orElseThrow();
        assertThat(latest.get("status")).isEqualTo("CANCELLED");
        assertThat(validSeals(afterDelta, head)).hasSize(1);
    }

    @Test
    void taxExportCoversAdultsResidentOnJanuaryFirstWithConsistentAmounts() throws IOException {
        CityGenerator.Result r = generate("tax", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);
        ExportFile full = files.get(0);
        Map<String, String> addressOfHousehold = new HashMap<>();
        full.all(RecordType.H)
                .forEach(h -> addressOfHousehold.put(h.get("household_no"), h.get("address")));
        Map<String, Rec> people = byAtena(full.all(RecordType.R));
        // 2 June 2025 is before the switch on 10 June: the 令和6 (2024) 年度 is current
        assertThat(r.taxFiscalYear()).isEqualTo(2024);
        LocalDate jan1 = LocalDate.of(2024, 1, 1);
        Set<String> expected = new HashSet<>();
        people.values().stream()
                .filter(
                        p ->
                                age(p) >= 16
                                        && !EraDate.parse(p.get("became_resident_date"))
                                                .isAfter(jan1))
                .forEach(p -> expected.add(p.get("atena_no")));

        List<Rec> taxes = files.get(8).all(RecordType.T);
        assertThat(taxes).extracting(t -> t.get("atena_no")).doesNotHaveDuplicates();
        assertThat(taxes.stream().map(t -> t.get("atena_no")).toList())
                .containsExactlyInAnyOrderElementsOf(expected);
        Map<String, Integer> kinds = new HashMap<>();
        int nonTaxed = 0;
        for (Rec t : taxes) {
            Rec p = people.get(t.get("atena_no"));
            assertThat(t.get("fiscal_year")).isEqualTo("2024");
            assertThat(t.get("resident_jan1")).isEqualTo("1");
            assertThat(t.get("address_jan1"))
                    .isEqualTo(addressOfHousehold.get(p.get("household_no")));
            long salary = yen(t, "income_salary");
            long pension = yen(t, "income_pension");
            long business = yen(t, "income_business");
            long other = yen(t, "income_other");
            long total = yen(t, "total_income");
            long deductions = yen(t, "deductions");
            long taxable = yen(t, "taxable_income");
            assertThat(total).isEqualTo(salary + pension + business + other);
            assertThat(taxable % 1000).isZero();
            assertThat(taxable)
                    .isLessThanOrEqualTo(Math.max(0, total - deductions))
                    .isGreaterThan(total - deductions - 1000);
            String kind = t.get("filing_kind");
            kinds.merge(kind, 1, Integer::sum);
            switch (kind) {
                case "NONE" -> assertThat(List.of(total, deductions, taxable)).containsOnly(0L);
                case "EMPLOYER" -> assertThat(List.of(pension, business, other)).containsOnly(0L);
                case "PENSION" -> assertThat(List.of(salary, business, other)).containsOnly(0L);
                default -> assertThat(kind).isEqualTo("RETURN");
            }
            long cityLevy = yen(t, "city_income_levy");
            long prefLevy = yen(t, "pref_income_levy");
            if (t.get("non_taxed").equals("1")) {
                nonTaxed++;
                assertThat(
                                List.of(
                                        yen(t, "city_per_capita"),
                                        cityLevy,
                                        yen(t, "pref_per_capita"),
                                        prefLevy))
                        .containsOnly(0L);
            } else {
                assertThat(t.get("non_taxed")).isEqualTo("0");
                assertThat(yen(t, "city_per_capita")).isEqualTo(3_500);
                assertThat(yen(t, "pref_per_capita")).isEqualTo(1_500);
                assertThat(cityLevy).isIn(0L, taxable * 6 / 100 / 100 * 100);
                assertThat(prefLevy).isIn(0L, taxable * 4 / 100 / 100 * 100);
            }
        }
        assertThat(kinds.keySet()).contains("EMPLOYER", "PENSION", "RETURN", "NONE");
        assertThat(kinds.get("EMPLOYER")).isGreaterThan(taxes.size() / 4);
        assertThat(nonTaxed).isBetween(taxes.size() / 10, taxes.size() * 6 / 10);

        // the showcase head can later get a tax certificate: salaried, taxed
        Rec head =
                taxes.stream()
                        .filter(
                                t ->
                                        t.get("atena_no")
                                                .equals(
                                                        card(full, r.showcaseSerial())
                                                                .get("atena_no")))
                        .findFirst()
                        .orElseThrow();
        assertThat(head.get("filing_kind")).isEqualTo("EMPLOYER");
        assertThat(head.get("non_taxed")).isEqualTo("0");
        assertThat(yen(head, "city_income_levy")).isPositive();
    }

    @Test
    void taxYearSwitchesOnTheTenthOfJune() throws IOException {
        assertThat(ZeiExport.fiscalYear(LocalDate.of(2026, 1, 5))).isEqualTo(2025);
        assertThat(ZeiExport.fiscalYear(LocalDate.of(2026, 6, 9))).isEqualTo(2025);
        assertThat(ZeiExport.fiscalYear(LocalDate.of(2026, 6, 10))).isEqualTo(2026);
        assertThat(ZeiExport.fiscalYear(LocalDate.of(2026, 12, 31))).isEqualTo(2026);

        CityGenerator.Result r =
                CityGenerator.generate(
                        tmp.resolve("june/inbox"),
                        CITY,
                        CityGenerator.MIN_RESIDENTS,
                        SEED,
                        StandardCharsets.UTF_8,
                        LocalDate.of(2025, 6, 10));
        assertThat(r.taxFiscalYear()).isEqualTo(2025);
        assertThat(readAll(r).get(8).all(RecordType.T))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.get("fiscal_year")).isEqualTo("2025"));
        // the smallest city (scenario households only) still cancels a seal of someone with a card
        assertThat(r.cancelledSealSerial()).isNotEmpty();
    }

    @Test
    void fourThousandResidentsWithSealsAndTaxesGenerateQuickly() throws IOException {
        CityGenerator.Result r =
                CityGenerator.generate(
                        tmp.resolve("4k/inbox"),
                        CITY,
                        4000,
                        SEED + 3,
                        StandardCharsets.UTF_8,
                        TODAY);
        assertThat(r.residentCount()).isEqualTo(4000);
        List<ExportFile> files = readAll(r);
        assertThat(files.get(6).count(RecordType.S))
                .isEqualTo(r.sealRecordCount())
                .isGreaterThan(1000);
        assertThat(files.get(8).count(RecordType.T))
                .isEqualTo(r.taxRecordCount())
                .isGreaterThan(2000);
    }

    @Test
    void missingSealFontIsRefusedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("nofont/inbox");
        assertThatThrownBy(
                        () ->
                                CityGenerator.generate(
                                        out,
                                        CITY,
                                        RESIDENTS,
                                        SEED,
                                        StandardCharsets.UTF_8,
                                        TODAY,
                                        tmp.resolve("nofont/cards.csv"),
                                        tmp.resolve("no-such-font.ttf")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("seal font");
        assertThat(out).doesNotExist();
    }

    @Test
    void rejectsTooFewResidentsAndBadMunicipality() {
        assertThatThrownBy(
                        () ->
                                CityGenerator.generate(
                                        tmp.resolve("x"),
                                        CITY,
                                        CityGenerator.MIN_RESIDENTS - 1,
                                        SEED,
                                        StandardCharsets.UTF_8,
                                        TODAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                CityGenerator.generate(
                                        tmp.resolve("x"),
                                        "12343",
                                        RESIDENTS,
                                        SEED,
                                        StandardCharsets.UTF_8,
                                        TODAY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- checks shared by both encodings ----

    private static void assertWellFormed(List<ExportFile> files) {
        Set<String> atenaSeen = new HashSet<>();
        for (ExportFile f : files) {
            for (Rec rec : f.records()) {
                switch (rec.type()) {
                    case H -> {
                        assertThat(rec.get("household_no")).matches("\\d{10}");
                        assertThat(AtenaNumber.isValid(rec.get("head_atena_no"))).isTrue();
                        assertThat(rec.get("address")).isNotEmpty();
                    }
                    case R -> {
                        assertThat(AtenaNumber.isValid(rec.get("atena_no")))
                                .as(rec.get("atena_no"))
                                .isTrue();
                        assertThat(rec.get("juminhyo_code")).matches("\\d{11}");
                        assertThat(rec.get("sex")).isIn("1", "2");
                        assertThat(rec.get("household_no")).matches("\\d{10}");
                        LocalDate birth = EraDate.parse(rec.get("birth_date"));
                        LocalDate processed = EraDate.parse(rec.get("processed_date"));
                        assertThat(birth).isBeforeOrEqualTo(TODAY);
                        assertThat(processed).isBeforeOrEqualTo(TODAY);
                        assertThat(EraDate.parse(rec.get("became_resident_date")))
                                .isAfterOrEqualTo(birth);
                        if (f.header().kind() == ExportHeader.Kind.FULL) {
                            assertThat(atenaSeen.add(rec.get("atena_no"))).isTrue();
                            assertThat(rec.get("status")).isEqualTo("RESIDENT");
                        }
                    }
                    case C -> {
                        assertThat(AtenaNumber.isValid(rec.get("atena_no"))).isTrue();
                        assertThat(rec.get("serial")).matches("[0-9A-F]{16}");
                        assertThat(EraDate.parse(rec.get("valid_until"))).isAfter(TODAY);
                        assertThat(rec.get("status")).isEqualTo("VALID");
                    }
                }
            }
        }
    }

    /**
     * A VALID seal carries a PNG of at most 256 KiB; a CANCELLED one its cancellation date and no
     * image.
     */
    private static void assertSealImage(Rec s) {
        if (s.get("status").equals("VALID")) {
            assertThat(s.get("cancelled_date")).isEmpty();
            byte[] png = Base64.getDecoder().decode(s.get("seal_image"));
            assertThat(png.length).isBetween(100, 256 * 1024);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        } else {
            assertThat(s.get("status")).isEqualTo("CANCELLED");
            assertThat(EraDate.parse(s.get("cancelled_date")))
                    .isAfterOrEqualTo(EraDate.parse(s.get("registered_date")))
                    .isBeforeOrEqualTo(TODAY);
            assertThat(s.get("seal_image")).isEmpty();
        }
    }

    private static Map<String, Rec> byAtena(List<Rec> people) {
        Map<String, Rec> m = new HashMap<>();
        people.forEach(p -> m.put(p.get("atena_no"), p));
        return m;
    }

    private static Map<String, Rec> sealsByNo(List<Rec> seals) {
        Map<String, Rec> m = new HashMap<>();
        seals.forEach(s -> m.put(s.get("registration_no"), s));
        return m;
    }

    private static List<Rec> validSeals(Map<String, Rec> seals, String atenaNo) {
        return seals.values().stream()
                .filter(s -> s.get("atena_no").equals(atenaNo) && s.get("status").equals("VALID"))
                .toList();
    }

    private static long yen(Rec t, String column) {
        assertThat(t.get(column)).as(column).matches("[0-9]{1,15}");
        return Long.parseLong(t.get(column));
    }

    private static void assertChanged(ExportFile delta, Rec before, String status, String reason) {
        Rec after = delta.first(RecordType.R);
        assertThat(after.get("atena_no")).isEqualTo(before.get("atena_no"));
        assertThat(Integer.parseInt(after.get("history_no")))
                .isEqualTo(Integer.parseInt(before.get("history_no")) + 1);
        assertThat(after.get("status")).isEqualTo(status);
        assertThat(after.get("change_reason")).isEqualTo(reason);
        assertThat(after.get("birth_date")).isEqualTo(before.get("birth_date"));
        assertThat(after.get("family_name")).isEqualTo(before.get("family_name"));
    }

    // ---- reading ----

    private CityGenerator.Result generate(String dir, Charset charset) throws IOException {
        return CityGenerator.generate(
                tmp.resolve(dir).resolve("inbox"), CITY, RESIDENTS, SEED, charset, TODAY);
    }

    private static List<ExportFile> readAll(CityGenerator.Result r) throws IOException {
        List<ExportFile> out = new ArrayList<>();
        for (Path p : r.files()) {
            out.add(read(p));
        }
        return out;
    }

    private static ExportFile read(Path file) throws IOException {
        List<Rec> records = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                ExportReader reader = new ExportReader(in)) {
            reader.readRecords((type, fields, lineNo) -> records.add(new Rec(type, fields)));
            reader.finish();
            return new ExportFile(reader.header(), records);
        }
    }

    private static Rec card(ExportFile f, String serial) {
        assertThat(serial).isNotEmpty();
        return f.all(RecordType.C).stream()
                .filter(c -> c.get("serial").equals(serial))
                .findFirst()
                .orElseThrow();
    }

    private static Rec person(ExportFile f, String atenaNo) {
        return f.all(RecordType.R).stream()
                .filter(p -> p.get("atena_no").equals(atenaNo))
                .findFirst()
                .orElseThrow();
    }

    private static int age(Rec person) {
        return Period.between(EraDate.parse(person.get("birth_date")), TODAY).getYears();
    }

    private record Rec(RecordType type, String[] fields) {
        String get(String column) {
            return fields[type.col(column)];
        }
    }

    private record ExportFile(ExportHeader header, List<Rec> records) {
        List<Rec> all(RecordType type) {
            return records.stream().filter(r -> r.type() == type).toList();
        }

        Rec first(RecordType type) {
            return all(type).get(0);
        }

        long count(RecordType type) {
            return all(type).size();
        }
    }
}
