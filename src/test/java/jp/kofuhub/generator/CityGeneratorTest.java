package jp.kofuhub.generator;

import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CityGeneratorTest {

    private static final String CITY = "012343";
    private static final int RESIDENTS = 500;
    private static final long SEED = 42L;
    private static final LocalDate TODAY = LocalDate.of(2025, 6, 2);
    private static final Charset CP932 = ExportFormat.CP932;
    private static final String RARE_YOSHIDA = new String(Character.toChars(0x20BB7)) + "田";

    @TempDir
    Path tmp;

    @Test
    void utf8ExportReadsBackWithExpectedFilesAndCounts() throws IOException {
        CityGenerator.Result r = generate("utf8", StandardCharsets.UTF_8);
        List<ExportFile> files = readAll(r);

        assertThat(files).hasSize(6);
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
        assertThat(files.stream().skip(1).map(f -> f.count(RecordType.R))).containsExactly(1L, 2L, 1L, 1L, 1L);
        assertThat(files.get(2).count(RecordType.H)).isEqualTo(1);
        assertThat(files.get(2).count(RecordType.C)).isEqualTo(1);
        assertWellFormed(files);
    }

    @Test
    void cp932ExportReadsBackAndCarriesNoRareGlyph() throws IOException {
        CityGenerator.Result r = generate("cp932", CP932);
        List<ExportFile> files = readAll(r);

        assertThat(files).allSatisfy(f -> assertThat(f.header().charset()).isEqualTo(CP932));
        assertThat(files.get(0).count(RecordType.R)).isEqualTo(RESIDENTS);
        assertWellFormed(files);
        assertThat(r.rareGlyphSerial()).isEmpty();
        assertThat(files).allSatisfy(f -> assertThat(f.records())
                .noneMatch(rec -> String.join("\t", rec.fields()).contains(new String(Character.toChars(0x20BB7)))));

        // The move-in household's 方書 is written in CP932 forms and read back in canonical JIS forms.
        Rec movedInHousehold = files.get(2).first(RecordType.H);
        assertThat(movedInHousehold.get("katagaki")).contains("\u301C", "\u2212");
        String raw = new String(Files.readAllBytes(r.files().get(2)), CP932);
        assertThat(raw).contains("\uFF5E", "\uFF0D").doesNotContain("\u301C", "\u2212");
    }

    @Test
    void sameArgumentsGiveByteIdenticalFiles() throws IOException {
        CityGenerator.Result a = generate("a", StandardCharsets.UTF_8);
        CityGenerator.Result b = generate("b", StandardCharsets.UTF_8);

        assertThat(a.files()).hasSameSizeAs(b.files());
        for (int i = 0; i < a.files().size(); i++) {
            assertThat(a.files().get(i).getFileName()).isEqualTo(b.files().get(i).getFileName());
            assertThat(Files.readAllBytes(a.files().get(i))).isEqualTo(Files.readAllBytes(b.files().get(i)));
        }
        assertThat(Files.readAllBytes(a.cardsCsv())).isEqualTo(Files.readAllBytes(b.cardsCsv()));
        assertThat(a.showcaseSerial()).isEqualTo(b.showcaseSerial());

        CityGenerator.Result other = CityGenerator.generate(tmp.resolve("c/inbox"), CITY, RESIDENTS, SEED + 1,
                StandardCharsets.UTF_8, TODAY);
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
        assertThat(serialByRole).containsEntry("showcase", r.showcaseSerial())
                .containsEntry("showcasePhone", r.showcasePhoneSerial())
                .containsEntry("moveOutPlanned", r.moveOutPlannedSerial())
                .containsEntry("householdMemberOfMoveOutPlanned", r.householdMemberOfMoveOutPlannedSerial())
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
        List<Rec> members = full.all(RecordType.R).stream()
                .filter(p -> p.get("household_no").equals(household.get("household_no"))).toList();

        assertThat(members).hasSize(4);
        assertThat(members).extracting(p -> p.get("relationship")).containsExactly("世帯主", "妻", "子", "子");
        Rec head = members.get(0);
        assertThat(household.get("head_atena_no")).isEqualTo(head.get("atena_no"));
        assertThat(age(head)).isEqualTo(45);
        assertThat(head.get("sex")).isEqualTo("1");
        assertThat(card(full, r.showcaseSerial()).get("atena_no")).isEqualTo(head.get("atena_no"));
        assertThat(card(full, r.showcaseSerial()).get("cert_kind")).isEqualTo("CARD");
        assertThat(card(full, r.showcasePhoneSerial()).get("atena_no")).isEqualTo(head.get("atena_no"));
        assertThat(card(full, r.showcasePhoneSerial()).get("cert_kind")).isEqualTo("PHONE");
        for (Rec m : members) {
            // Plain BMP kanji and hiragana only: every character is in IPAex Mincho.
            assertThat(m.get("family_name") + m.get("given_name")).matches("[\\u4E00-\\u9FFF々\\u3041-\\u3096]+");
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
        Rec member = person(full, card(full, r.householdMemberOfMoveOutPlannedSerial()).get("atena_no"));
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
        assertThat(Set.of(planned.get("household_no"), movedOut.get("household_no"), deceased.get("household_no")))
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
        assertThat(full.all(RecordType.H)).anyMatch(h -> h.get("household_no").equals(baby.get("household_no")));

        List<Rec> movedIn = files.get(2).all(RecordType.R);
        assertThat(movedIn).allSatisfy(p -> {
            assertThat(p.get("change_reason")).isEqualTo("転入");
            assertThat(p.get("previous_address")).isNotEmpty().doesNotStartWith("北海道");
        });
    }

    @Test
    void foreignResidentsAreAFewPercentAndWellFormed() throws IOException {
        CityGenerator.Result r = CityGenerator.generate(tmp.resolve("big/inbox"), CITY, 5000, SEED,
                StandardCharsets.UTF_8, TODAY);
        List<Rec> people = readAll(r).get(0).all(RecordType.R);
        List<Rec> foreign = people.stream().filter(p -> p.get("resident_type").equals("F")).toList();

        assertThat(foreign.size()).isBetween(people.size() / 100, people.size() * 6 / 100);
        assertThat(foreign).allSatisfy(p -> {
            assertThat(p.get("alpha_name")).matches("[A-Z]+( [A-Z]+)+");
            assertThat(p.get("residence_card_no")).matches("[A-Z]{2}\\d{8}[A-Z]{2}");
            assertThat(p.get("nationality")).isNotEmpty();
            assertThat(p.get("honseki")).isEmpty();
            if (!p.get("residence_status").equals("永住者")) {
                assertThat(EraDate.parse(p.get("residence_period_end"))).isAfter(TODAY);
            }
        });
        assertThat(people).anyMatch(p -> !p.get("kyu_uji").isEmpty());
        assertThat(people).anyMatch(p -> p.get("kana_confirmed").equals("0") && p.get("family_name_kana").isEmpty());
    }

    @Test
    void rejectsTooFewResidentsAndBadMunicipality() {
        assertThatThrownBy(() -> CityGenerator.generate(tmp.resolve("x"), CITY, CityGenerator.MIN_RESIDENTS - 1,
                SEED, StandardCharsets.UTF_8, TODAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CityGenerator.generate(tmp.resolve("x"), "12343", RESIDENTS,
                SEED, StandardCharsets.UTF_8, TODAY)).isInstanceOf(IllegalArgumentException.class);
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
                        assertThat(AtenaNumber.isValid(rec.get("atena_no"))).as(rec.get("atena_no")).isTrue();
                        assertThat(rec.get("juminhyo_code")).matches("\\d{11}");
                        assertThat(rec.get("sex")).isIn("1", "2");
                        assertThat(rec.get("household_no")).matches("\\d{10}");
                        LocalDate birth = EraDate.parse(rec.get("birth_date"));
                        LocalDate processed = EraDate.parse(rec.get("processed_date"));
                        assertThat(birth).isBeforeOrEqualTo(TODAY);
                        assertThat(processed).isBeforeOrEqualTo(TODAY);
                        assertThat(EraDate.parse(rec.get("became_resident_date"))).isAfterOrEqualTo(birth);
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

    private static void assertChanged(ExportFile delta, Rec before, String status, String reason) {
        Rec after = delta.first(RecordType.R);
        assertThat(after.get("atena_no")).isEqualTo(before.get("atena_no"));
        assertThat(Integer.parseInt(after.get("history_no"))).isEqualTo(Integer.parseInt(before.get("history_no")) + 1);
        assertThat(after.get("status")).isEqualTo(status);
        assertThat(after.get("change_reason")).isEqualTo(reason);
        assertThat(after.get("birth_date")).isEqualTo(before.get("birth_date"));
        assertThat(after.get("family_name")).isEqualTo(before.get("family_name"));
    }

    // ---- reading ----

    private CityGenerator.Result generate(String dir, Charset charset) throws IOException {
        return CityGenerator.generate(tmp.resolve(dir).resolve("inbox"), CITY, RESIDENTS, SEED, charset, TODAY);
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
        try (InputStream in = Files.newInputStream(file); ExportReader reader = new ExportReader(in)) {
            reader.readRecords((type, fields, lineNo) -> records.add(new Rec(type, fields)));
            reader.finish();
            return new ExportFile(reader.header(), records);
        }
    }

    private static Rec card(ExportFile f, String serial) {
        assertThat(serial).isNotEmpty();
        return f.all(RecordType.C).stream().filter(c -> c.get("serial").equals(serial)).findFirst().orElseThrow();
    }

    private static Rec person(ExportFile f, String atenaNo) {
        return f.all(RecordType.R).stream().filter(p -> p.get("atena_no").equals(atenaNo)).findFirst().orElseThrow();
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
