package jp.kofuhub.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code ./kofu keys [--dir data/keys] [--force]}: writes the demo key set ({@link DemoKeys}) and
 * prints the files and fingerprints it wrote, never a password. The folder defaults to
 * KOFU_KEYS_DIR, else {@value DemoKeys#DEFAULT_DIR}; the password is {@code -Dkofu.keys.password},
 * else KOFU_KEYS_PASSWORD, else the demo default. Without {@code --force} an existing complete set
 * is left as it is. Exit 0 done (or nothing to do), 1 failed, 2 bad arguments.
 */
public final class KeysCommand {

    static final String USAGE = "usage: keys [--dir data/keys] [--force]";

    private KeysCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String env = System.getenv("KOFU_KEYS_DIR");
        Path dir = Path.of(env == null || env.isBlank() ? DemoKeys.DEFAULT_DIR : env);
        boolean force = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--force" -> force = true;
                case "--dir" -> {
                    if (i + 1 >= args.length) {
                        err.println("--dir needs a value\n" + USAGE);
                        return 2;
                    }
                    dir = Path.of(args[++i]);
                }
                default -> {
                    err.println("unknown argument " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        char[] password = DemoKeys.configuredPassword();
        try {
            DemoKeys.Result r = DemoKeys.generate(dir, password, force);
            print(r, out);
            return 0;
        } catch (RuntimeException e) {
            err.println("keys failed: " + e.getMessage());
            return 1;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    static void print(DemoKeys.Result r, PrintStream out) {
        if (!r.generated()) {
            out.println(
                    "the demo key set is already in "
                            + r.dir()
                            + " (nothing written; --force makes a new one)");
            return;
        }
        out.println("wrote the demo key set (DEMO ONLY, not for production) to " + r.dir() + ":");
        out.println("  " + String.join(" ", r.files()));
        out.println("  CA  ca.crt  SHA-256 " + r.caSha256());
        for (DemoKeys.PartyKeys p : r.parties()) {
            out.printf(
                    "  %-16s X.509 SHA-256 %s%n  %-16s OpenPGP %s <%s>%n",
                    p.party(), p.x509Sha256(), "", p.pgpFingerprint(), p.pgpUserId());
        }
        out.println(
                "the keys are protected by kofu.keys.password (KOFU_KEYS_PASSWORD); never commit this folder");
    }
}
