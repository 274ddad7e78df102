package jp.kofuhub;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} pairs of the jar's small commands, checked against the names a command knows. */
public final class CommandOptions {

    private CommandOptions() {
    }

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
}
