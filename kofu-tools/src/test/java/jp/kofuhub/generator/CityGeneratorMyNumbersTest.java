package jp.kofuhub.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.MyNumber;
import jp.kofuhub.registry.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's {@code --my-numbers} option: N records for every resident, and nothing else
 * changed.
 */
class CityGeneratorMyNumbersTest {

    private static final String CITY = "012343";
    private static final int RESIDENTS = 300;
    private static final long SEED = 7L;
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

    @TempDir Path tmp;

    private CityGenerator.Result generate(String dir, boolean myNumbers) throws IOException {
        Path out = tmp.resolve(dir).resolve("inbox");
        return CityGenerator.generate(
                out,
                CITY,
                RESIDENTS,
                SEED,
                StandardCharsets.UTF_8,
                TODAY,
                tmp.resolve(dir).resolve("cards.csv"),
                CityGenerator.DEFAULT_SEAL_FONT,
                false,
                myNumbers);
    }

    private record Line(RecordType type, String[] fields) {}

    private static List<Line> records(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                ExportReader r = new ExportReader(in)) {
            r.readRecords((type, fields, lineNo) -> out.add(new Line(type, fields)));
            r.finish();
        }
        return out;
    }

    private static String recordsLine(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("#records: "))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> payloadWithoutN(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.subList(lines.indexOf("#end") + 1, lines.size()).stream()
                .filter(l -> !l.startsWith("N\t"))
                .toList();
    }

    @Test
    void byDefaultNothingChanges() throws IOException {
        CityGenerator.Result r = generate("default", false);
        for (Path f : r.files()) {
            assertThat(records(f)).noneMatch(l -> l.type() == RecordType.N);
            assertThat(recordsLine(f)).doesNotContain("N=").endsWith(" K=0");
        }
        // the old entry point and the new one with the option off write the same bytes
        CityGenerator.Result old =
                CityGenerator.generate(
                        tmp.resolve("old").resolve("inbox"),
                        CITY,
                        RESIDENTS,
                        SEED,
                        StandardCharsets.UTF_8,
                        TODAY,
                        tmp.resolve("old").resolve("cards.csv"),
                        CityGenerator.DEFAULT_SEAL_FONT,
                        false);
        assertThat(old.files()).hasSameSizeAs(r.files());
        for (int i = 0; i < r.files().size(); i++) {
            assertThat(Files.readAllBytes(old.files().get(i)))
                    .isEqualTo(Files.readAllBytes(r.files().get(i)));
        }
    }

    @Test
    void withTheOptionEveryResidentHasAValidDistinctNumberAndEverythingElseIsTheSame()
            throws IOException {
        CityGenerator.Result plain = generate("plain", false);
        CityGenerator.Result with = generate("with", true);
        assertThat(with.files()).hasSameSizeAs(plain.files());
        assertThat(with.showcaseSerial()).isEqualTo(plain.showcaseSerial());
        assertThat(Files.readAllBytes(with.cardsCsv()))
                .isEqualTo(Files.readAllBytes(plain.cardsCsv()));

        List<Line> full = records(with.files().get(0));
        List<String> residents =
                full.stream()
                        .filter(l -> l.type() == RecordType.R)
                        .map(l -> l.fields()[1])
                        .toList();
        List<Line> numbers = full.stream().filter(l -> l.type() == RecordType.N).toList();
        assertThat(residents).hasSize(RESIDENTS);
        assertThat(numbers)
                .extracting(l -> l.fields()[RecordType.N.col("atena_no")])
                .containsExactlyInAnyOrderElementsOf(residents);
        Set<String> distinct = new HashSet<>();
        for (Line n : numbers) {
            assertThat(n.fields()[RecordType.N.col("op")]).isEqualTo("U");
            String number = n.fields()[RecordType.N.col("my_number")];
            assertThat(MyNumber.isValid(number)).as("a valid 個人番号").isTrue();
            distinct.add(number);
        }
        assertThat(distinct).hasSize(RESIDENTS);
        assertThat(recordsLine(with.files().get(0))).endsWith(" K=0 N=" + RESIDENTS);

        // the newcomers: the baby of DELTA 2 and the couple of DELTA 3; DELTAs 4–6 change known
        // people
        int[] expected = {1, 2, 0, 0, 0};
        for (int i = 1; i <= 5; i++) {
            List<Line> delta = records(with.files().get(i));
            List<String> deltaResidents =
                    delta.stream()
                            .filter(l -> l.type() == RecordType.R)
                            .map(l -> l.fields()[1])
                            .toList();
            assertThat(delta.stream().filter(l -> l.type() == RecordType.N))
                    .hasSize(expected[i - 1])
                    .allSatisfy(l -> assertThat(deltaResidents).contains(l.fields()[1]));
        }

        // every other line is the one written without the option
        for (int i = 0; i < with.files().size(); i++) {
            assertThat(payloadWithoutN(with.files().get(i)))
                    .isEqualTo(payloadWithoutN(plain.files().get(i)));
        }
        // and the same arguments give the same numbers
        CityGenerator.Result again = generate("again", true);
        assertThat(Files.readAllBytes(again.files().get(0)))
                .isEqualTo(Files.readAllBytes(with.files().get(0)));
    }

    @Test
    void theCommandTakesTheOptionAndNeverPrintsANumber() throws IOException {
        Path out = tmp.resolve("cmd").resolve("inbox");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code =
                GenerateCommand.run(
                        new String[] {
                            "--municipality",
                            CITY,
                            "--residents",
                            "50",
                            "--seed",
                            "3",
                            "--out",
                            out.toString(),
                            "--today",
                            "2026-11-25",
                            "--juki-only",
                            "true",
                            "--my-numbers",
                            "true"
                        },
                        new PrintStream(stdout, true, StandardCharsets.UTF_8),
                        new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("個人番号: N records for all 50 residents");
        Path full;
        try (var files = Files.list(out)) {
            full =
                    files.filter(p -> p.getFileName().toString().endsWith("_FULL.kexp"))
                            .findFirst()
                            .orElseThrow();
        }
        List<Line> numbers = records(full).stream().filter(l -> l.type() == RecordType.N).toList();
        assertThat(numbers).hasSize(50);
        assertThat(numbers).allSatisfy(n -> assertThat(printed).doesNotContain(n.fields()[2]));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(
                        GenerateCommand.run(
                                new String[] {
                                    "--municipality",
                                    CITY,
                                    "--residents",
                                    "50",
                                    "--seed",
                                    "3",
                                    "--out",
                                    out.toString(),
                                    "--my-numbers",
                                    "yes"
                                },
                                new PrintStream(new ByteArrayOutputStream()),
                                new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--my-numbers must be true or false")
                .contains("[--my-numbers true]");
    }
}
