package jp.kofuhub.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} pairs of the jar's small commands, checked against the names a command
 * knows.
 */
public final class CommandOptions {

    private CommandOptions() {}

    /** Throws {@link IllegalArgumentException} for an unknown name or a name without a value. */
    public static Map<String, String> parse(String[] args, Set<String> known) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            v.put(a.substring(2), args[++i]);
        }
        return v;
    }

    /**
     * Words and {@code --name value} options of a command like {@code quarantine retry ID
     * --operator NAME}.
     */
    public record Parsed(java.util.List<String> words, Map<String, String> options) {}

    /**
     * Words in order and {@code --name value} options (names with their dashes, as {@code known}
     * lists them) in any order; null for an unknown name or a name without a value.
     */
    public static Parsed parseWords(String[] args, Set<String> known) {
        java.util.List<String> words = new java.util.ArrayList<>();
        Map<String, String> options = new HashMap<>();
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
}
