package jp.kofuhub.printout;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The printout code's commands (docs/interfaces/printout-code.md §6, docs/keys.md "Printout keys"):
 *
 * <ul>
 *   <li>{@code verify-printout FILE [--keys PATH]}: finds every code in a PNG/JPEG scan or photo or
 *       a PDF, checks each against the published key sets ({@code PATH}: a key-set document or a
 *       folder of them, default the printout key folder) and prints its fields and VALID or INVALID
 *       with the reason. Exit 0: codes found, all valid; 1: a code is invalid; 2: no code found; 3:
 *       bad usage or an unreadable file or key set.
 *   <li>{@code printout-keys new --municipality CODE [--from yyyy-MM-dd] [--days N] [--dir DIR]}:
 *       adds a key (default from today, 1096 days) to {@code DIR/<CODE>.p12} and writes the key-set
 *       document beside it;
 *   <li>{@code printout-keys publish --municipality CODE [--dir DIR] [--out FILE]}: writes the
 *       key-set document (stdout without {@code --out}).
 * </ul>
 */
public final class PrintoutCommand {

    public static final int VALID = 0;
    public static final int INVALID = 1;
    public static final int NO_CODE = 2;
    public static final int USAGE = 3;

    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private PrintoutCommand() {}

    static Path defaultDir() {
        String dir = System.getenv("KOFU_PRINTOUT_KEYS_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String keys = System.getenv("KOFU_KEYS_DIR");
        return Path.of(keys == null || keys.isBlank() ? "data/keys" : keys, "printout");
    }

    static char[] password() {
        String p = System.getProperty("kofu.keys.password", System.getenv("KOFU_KEYS_PASSWORD"));
        return (p == null || p.isEmpty() ? "changeit-demo" : p).toCharArray();
    }

    public static int verify(String[] args) {
        return verify(args, System.out, System.err, Instant.now());
    }

    static int verify(String[] args, PrintStream out, PrintStream err, Instant now) {
        String file = null;
        List<Path> keyPaths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keys") && i + 1 < args.length) {
                keyPaths.add(Path.of(args[++i]));
            } else if (!args[i].startsWith("--") && file == null) {
                file = args[i];
            } else {
                err.println("usage: kofu verify-printout FILE [--keys KEYSET.json|DIR]...");
                return USAGE;
            }
        }
        if (file == null) {
            err.println("usage: kofu verify-printout FILE [--keys KEYSET.json|DIR]...");
            return USAGE;
        }
        if (keyPaths.isEmpty()) {
            keyPaths.add(defaultDir());
        }
        List<PrintoutKey> keys = new ArrayList<>();
        try {
            for (Path p : keyPaths) {
                keys.addAll(readKeySets(p));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot read the key sets: " + e.getMessage());
            return USAGE;
        }
        List<String> codes;
        try {
            codes = PrintoutScanner.scan(Path.of(file));
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return USAGE;
        }
        if (codes.isEmpty()) {
            out.println("no printout code found in " + file);
            return NO_CODE;
        }
        PrintoutVerifier verifier = new PrintoutVerifier(keys);
        int result = VALID;
        for (int i = 0; i < codes.size(); i++) {
            PrintoutVerifier.Verdict v = verifier.verify(codes.get(i), now);
            out.println(
                    "code "
                            + (i + 1)
                            + " of "
                            + codes.size()
                            + ": "
                            + (v.valid() ? "VALID" : "INVALID " + v.reason())
                            + " ("
                            + v.detail()
                            + ")");
            if (v.payload() != null) {
                print(out, "  ", v.payload());
            }
            if (!v.valid()) {
                result = INVALID;
            }
        }
        return result;
    }

    private static void print(PrintStream out, String indent, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                out.println(indent + e.getKey() + ":");
                print(out, indent + "  ", m);
            } else if (e.getValue() instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    out.println(indent + e.getKey() + "[" + (i + 1) + "]:");
                    if (list.get(i) instanceof Map<?, ?> m) {
                        print(out, indent + "  ", m);
                    } else {
                        out.println(indent + "  " + list.get(i));
                    }
                }
            } else {
                out.println(indent + e.getKey() + ": " + e.getValue());
            }
        }
    }

    static List<PrintoutKey> readKeySets(Path p) throws IOException {
        List<PrintoutKey> keys = new ArrayList<>();
        if (Files.isDirectory(p)) {
            try (var files = Files.list(p)) {
                for (Path f :
                        files.filter(f -> f.getFileName().toString().endsWith(".json"))
                                .sorted()
                                .toList()) {
                    keys.addAll(PrintoutKeySet.read(Files.readString(f)));
                }
            }
        } else {
            keys.addAll(PrintoutKeySet.read(Files.readString(p)));
        }
        return keys;
    }

    public static int keys(String[] args) {
        return keys(args, System.out, System.err);
    }

    static int keys(String[] args, PrintStream out, PrintStream err) {
        Parsed parsed =
                parseWords(args, Set.of("--municipality", "--from", "--days", "--dir", "--out"));
        String usage =
                "usage: kofu printout-keys new --municipality CODE [--from yyyy-MM-dd] [--days N] [--dir DIR]\n"
                        + "       kofu printout-keys publish --municipality CODE [--dir DIR] [--out FILE]";
        if (parsed == null
                || parsed.words().size() != 1
                || !parsed.options().containsKey("--municipality")) {
            err.println(usage);
            return USAGE;
        }
        Map<String, String> o = parsed.options();
        String code = o.get("--municipality");
        Path dir = o.containsKey("--dir") ? Path.of(o.get("--dir")) : defaultDir();
        char[] password = password();
        try {
            switch (parsed.words().get(0)) {
                case "new" -> {
                    LocalDate from =
                            o.containsKey("--from")
                                    ? LocalDate.parse(o.get("--from"))
                                    : LocalDate.now(JAPAN);
                    int days = Integer.parseInt(o.getOrDefault("--days", "1096"));
                    Instant start = from.atStartOfDay(JAPAN).toInstant();
                    PrintoutKey k =
                            PrintoutKeyStore.add(
                                    dir, code, password, start, start.plus(Duration.ofDays(days)));
                    Path set = dir.resolve(code + ".keys.json");
                    Files.writeString(set, publish(dir, code, password));
                    out.println(
                            "printout key "
                                    + k.kidText()
                                    + " of "
                                    + code
                                    + " valid "
                                    + k.notBefore()
                                    + " .. "
                                    + k.notAfter()
                                    + " added to "
                                    + PrintoutKeyStore.file(dir, code)
                                    + "; key set "
                                    + set);
                    return 0;
                }
                case "publish" -> {
                    String doc = publish(dir, code, password);
                    if (o.containsKey("--out")) {
                        Files.writeString(Path.of(o.get("--out")), doc);
                        out.println("key set of " + code + " written to " + o.get("--out"));
                    } else {
                        out.print(doc);
                    }
                    return 0;
                }
                default -> {
                    err.println(usage);
                    return USAGE;
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("printout-keys: " + e.getMessage());
            return USAGE;
        }
    }

    private record Parsed(List<String> words, Map<String, String> options) {}

    /** Words and {@code --name value} options; null for an unknown name or one without a value. */
    private static Parsed parseWords(String[] args, Set<String> known) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (!known.contains(args[i]) || i + 1 >= args.length) {
                    return null;
                }
                options.put(args[i], args[++i]);
            } else {
                words.add(args[i]);
            }
        }
        return new Parsed(words, options);
    }

    /** The key-set document of the keys in the municipality's file that have not expired. */
    static String publish(Path dir, String code, char[] password) {
        Instant now = Instant.now();
        return PrintoutKeySet.write(
                code,
                null,
                PrintoutKeyStore.read(dir, code, password).stream()
                        .filter(k -> k.notAfter().isAfter(now))
                        .map(PrintoutKey::publicOnly)
                        .toList());
    }
}
