package jp.kofuhub.generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.registry.ExportFormat;

/**
 * Command-line front of {@link CityGenerator}, so a developer or a demo script can create a
 * synthetic registry export without starting the hub. It prints file names, counts and sample
 * serials only — never a name or an address, even though all of them are invented — so its output
 * can be pasted into tickets and logs under the same rules as production output.
 */
public final class GenerateCommand {

    static final String USAGE =
            "usage: generate --municipality NNNNNN --residents N --seed S"
                    + " [--out DIR (default data/generated)] [--encoding UTF-8|CP932] [--today yyyy-MM-dd]"
                    + " [--font TTF for seal images (default fonts/ipaexm.ttf)] [--juki-only true] [--my-numbers true]";

    private static final Set<String> OPTIONS =
            Set.of(
                    "municipality",
                    "residents",
                    "seed",
                    "out",
                    "encoding",
                    "today",
                    "font",
                    "juki-only",
                    "my-numbers");

    private GenerateCommand() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Returns 0 on success, 1 if writing failed, 2 (after printing the usage line) on bad
     * arguments.
     */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("generate: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            // cards.csv next to the output folder, as CityGenerator.generate without a card path
            // puts it
            Path parent =
                    o.out.getParent() != null
                            ? o.out.getParent()
                            : o.out.toAbsolutePath().getParent();
            CityGenerator.Result r =
                    CityGenerator.generate(
                            o.out,
                            o.municipality,
                            o.residents,
                            o.seed,
                            o.charset,
                            o.today,
                            parent.resolve("cards.csv"),
                            o.font,
                            !o.jukiOnly,
                            o.myNumbers);
            printSummary(out, o, r);
            return 0;
        } catch (IOException e) {
            err.println("generate: writing failed: " + e.getMessage());
            return 1;
        }
    }

    private static void printSummary(PrintStream out, Options o, CityGenerator.Result r) {
        out.printf(
                "generated municipality %s: %d residents in %d households, %s, seed %d, today %s%n",
                o.municipality,
                r.residentCount(),
                r.householdCount(),
                ExportFormat.charsetName(o.charset),
                o.seed,
                o.today);
        for (Path f : r.files()) {
            out.println("  " + f);
        }
        out.println("cards: " + r.cardsCsv());
        if (o.myNumbers) {
            // counts only: the numbers are invented, but never printed all the same
            out.println(
                    "個人番号: N records for all "
                            + r.residentCount()
                            + " residents of JUKI FULL 1"
                            + " and the newcomers of DELTAs 2 and 3 (only for a municipality with printMyNumber: true)");
        }
        out.println(
                "showcase serial: "
                        + r.showcaseSerial()
                        + " (phone "
                        + r.showcasePhoneSerial()
                        + ")");
        out.println(
                "sample serials: moveOutPlanned="
                        + r.moveOutPlannedSerial()
                        + " householdMemberOfMoveOutPlanned="
                        + r.householdMemberOfMoveOutPlannedSerial()
                        + " movedOut="
                        + r.movedOutSerial()
                        + " deceased="
                        + r.deceasedSerial()
                        + " child="
                        + r.childSerial()
                        + " rareGlyph="
                        + (r.rareGlyphSerial().isEmpty()
                                ? "(none in this encoding)"
                                : r.rareGlyphSerial())
                        + " foreign="
                        + r.foreignSerial());
        if (r.sealRecordCount() == 0 && r.taxRecordCount() == 0) {
            out.println("seals and tax: not written (--juki-only)");
            return;
        }
        out.println(
                "seals: "
                        + r.sealRecordCount()
                        + " registrations; showcase has a valid seal, showcaseSpouse="
                        + r.showcaseSpouseSerial()
                        + " has none, cancelledSeal="
                        + r.cancelledSealSerial()
                        + " (cancelled by INKAN DELTA 2)");
        out.println("tax: " + r.taxRecordCount() + " records for 年度 " + r.taxFiscalYear());
    }

    /** Parsed and checked arguments. */
    private record Options(
            String municipality,
            int residents,
            long seed,
            Path out,
            Charset charset,
            LocalDate today,
            Path font,
            boolean jukiOnly,
            boolean myNumbers) {

        static Options parse(String[] args) {
            Map<String, String> v = jp.kofuhub.cli.CommandOptions.parse(args, OPTIONS);
            String municipality = required(v, "municipality");
            if (!ExportFormat.MUNICIPALITY.matcher(municipality).matches()) {
                throw new IllegalArgumentException("--municipality must be a 6-digit 団体コード");
            }
            int residents = parseInt(required(v, "residents"), "--residents");
            if (residents < CityGenerator.MIN_RESIDENTS) {
                throw new IllegalArgumentException(
                        "--residents must be at least " + CityGenerator.MIN_RESIDENTS);
            }
            long seed = parseLong(required(v, "seed"));
            Path out = Path.of(v.getOrDefault("out", "data/generated"));
            Charset charset = charset(v.getOrDefault("encoding", "UTF-8"));
            LocalDate today =
                    v.containsKey("today")
                            ? date(v.get("today"))
                            : LocalDate.now(ZoneId.of("Asia/Tokyo"));
            Path font = Path.of(v.getOrDefault("font", CityGenerator.DEFAULT_SEAL_FONT.toString()));
            if (!java.nio.file.Files.isRegularFile(font)) {
                throw new IllegalArgumentException(
                        "--font: no font file "
                                + font
                                + " (run from the project root, or name the TrueType font for seal images)");
            }
            boolean jukiOnly = Boolean.parseBoolean(v.getOrDefault("juki-only", "false"));
            boolean myNumbers = flag(v, "my-numbers");
            return new Options(
                    municipality, residents, seed, out, charset, today, font, jukiOnly, myNumbers);
        }

        /** {@code true} or {@code false} (default false); anything else is a bad argument. */
        private static boolean flag(Map<String, String> v, String key) {
            String s = v.getOrDefault(key, "false");
            if (!s.equals("true") && !s.equals("false")) {
                throw new IllegalArgumentException("--" + key + " must be true or false");
            }
            return Boolean.parseBoolean(s);
        }

        private static String required(Map<String, String> v, String key) {
            String s = v.get(key);
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("--" + key + " is required");
            }
            return s;
        }

        private static int parseInt(String s, String name) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number");
            }
        }

        private static long parseLong(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed must be a number");
            }
        }

        private static Charset charset(String name) {
            return switch (name.toUpperCase(java.util.Locale.ROOT)) {
                case "UTF-8", "UTF8" -> StandardCharsets.UTF_8;
                case "CP932", "WINDOWS-31J", "MS932" -> ExportFormat.CP932;
                default -> throw new IllegalArgumentException("--encoding must be UTF-8 or CP932");
            };
        }

        private static LocalDate date(String s) {
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--today must be yyyy-MM-dd");
            }
        }
    }
}
