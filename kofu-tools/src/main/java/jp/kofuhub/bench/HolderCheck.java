package jp.kofuhub.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.RecordType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The issuance benchmark's correctness check: does a certificate PDF belong to the card holder it
 * was asked for? The expected people come from the registry's own export files (not from the hub),
 * read in sequence order: each resident's printed name (氏名 as the certificates print it, or the
 * alphabet name of a foreign resident) and household.
 *
 * <p>A document passes when its text layer (PDFBox) holds the holder's name and the 発行番号 the hub
 * announced for it, has no {@code #} (FOP's mark for a missing glyph), and names nobody from
 * another household: every resident name found in the text belongs to someone of the holder's
 * household (a 住民票 lists the household; other kinds only the holder). Names are compared
 * NFKC-normalised with all white space removed. A failure is reported as a code, never with a name.
 */
public final class HolderCheck {

    /** What the export says about one resident. */
    record Resident(String name, String household) {}

    private final Map<String, Resident> byAtena;
    private final Map<String, Set<String>> householdsByName = new HashMap<>();
    private final int[] lengths;

    HolderCheck(Map<String, Resident> byAtena, Collection<String> ignoredNames) {
        this.byAtena = Map.copyOf(byAtena);
        Set<String> ignored = new HashSet<>();
        ignoredNames.forEach(n -> ignored.add(normalize(n)));
        TreeSet<Integer> ls = new TreeSet<>();
        for (Resident r : byAtena.values()) {
            // names of one character could match anywhere in a certificate's fixed text
            if (r.name().length() >= 2 && !ignored.contains(r.name())) {
                householdsByName.computeIfAbsent(r.name(), k -> new HashSet<>()).add(r.household());
                ls.add(r.name().length());
            }
        }
        lengths = ls.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Reads the residents of the given JUKI export files (FULL first, then the DELTAs in sequence
     * order; a later record of a 宛名番号 replaces the earlier one). {@code ignoredNames}: names
     * printed on every certificate that are not a resident's (the mayor's), not looked for in the
     * text.
     */
    public static HolderCheck fromExports(List<Path> jukiFiles, Collection<String> ignoredNames)
            throws IOException {
        int atena = RecordType.R.col("atena_no");
        int household = RecordType.R.col("household_no");
        int family = RecordType.R.col("family_name");
        int given = RecordType.R.col("given_name");
        int alpha = RecordType.R.col("alpha_name");
        int type = RecordType.R.col("resident_type");
        int tsusho = RecordType.R.col("tsusho");
        Map<String, Resident> people = new HashMap<>();
        for (Path f : jukiFiles) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
                    ExportReader reader = new ExportReader(in)) {
                reader.readRecords(
                        (t, fields, line) -> {
                            if (t == RecordType.R) {
                                boolean foreign = "F".equals(fields[type]);
                                String name =
                                        foreign ? fields[alpha] : fields[family] + fields[given];
                                people.put(
                                        fields[atena],
                                        new Resident(normalize(name), fields[household]));
                                // a foreign resident's 通称 is printed too: it is this household's
                                // name (it may equal
                                // another resident's real name elsewhere, 中野 恵 in both); not a
                                // holder of its own
                                String alias =
                                        tsusho < fields.length ? normalize(fields[tsusho]) : "";
                                if (foreign && !alias.isEmpty()) {
                                    people.put(
                                            fields[atena] + "#tsusho",
                                            new Resident(alias, fields[household]));
                                } else {
                                    people.remove(fields[atena] + "#tsusho");
                                }
                            }
                        });
                reader.finish();
            }
        }
        return new HolderCheck(people, ignoredNames);
    }

    /** How many residents the export named. */
    public int residents() {
        return byAtena.size();
    }

    /**
     * NFKC, without any white space (the ideographic space between family and given name included).
     */
    static String normalize(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(n.length());
        n.codePoints()
                .filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .forEach(b::appendCodePoint);
        return b.toString();
    }

    /** The text layer of a PDF, as pdftotext would give it. */
    static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /**
     * Why the document does not belong to {@code atena}, as a code ({@code UNKNOWN_HOLDER}, {@code
     * UNREADABLE_PDF}, {@code MISSING_GLYPH}, {@code HOLDER_NAME_MISSING}, {@code
     * ISSUE_NUMBER_MISSING}, {@code OTHER_PERSON}), or empty when it does.
     */
    public Optional<String> check(byte[] pdf, String atena, String issueNumber) {
        Resident holder = byAtena.get(atena);
        if (holder == null) {
            return Optional.of("UNKNOWN_HOLDER");
        }
        String raw;
        try {
            raw = text(pdf);
        } catch (IOException | RuntimeException e) {
            return Optional.of("UNREADABLE_PDF");
        }
        return checkText(raw, holder, issueNumber);
    }

    Optional<String> checkText(String raw, Resident holder, String issueNumber) {
        if (raw.indexOf('#') >= 0) {
            return Optional.of("MISSING_GLYPH");
        }
        String text = normalize(raw);
        if (!text.contains(holder.name())) {
            return Optional.of("HOLDER_NAME_MISSING");
        }
        if (issueNumber == null
                || issueNumber.isEmpty()
                || !text.contains(normalize(issueNumber))) {
            return Optional.of("ISSUE_NUMBER_MISSING");
        }
        // the household's own names are taken out first, longest first: another resident whose name
        // is the
        // start of a member's (今野 恵 in 今野 恵子) is not "printed" where that member is
        List<String> own =
                byAtena.values().stream()
                        .filter(r -> r.household().equals(holder.household()))
                        .map(Resident::name)
                        .filter(n -> !n.isEmpty())
                        .distinct()
                        .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                        .toList();
        for (String n : own) {
            text = text.replace(n, "|");
        }
        for (int i = 0; i < text.length(); i++) {
            for (int len : lengths) {
                if (i + len > text.length()) {
                    break;
                }
                Set<String> households = householdsByName.get(text.substring(i, i + len));
                if (households != null && !households.contains(holder.household())) {
                    return Optional.of("OTHER_PERSON");
                }
            }
        }
        return Optional.empty();
    }

    /** The resident of {@code atena}, or null. */
    Resident resident(String atena) {
        return byAtena.get(atena);
    }
}
