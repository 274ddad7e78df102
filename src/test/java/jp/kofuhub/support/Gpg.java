package jp.kofuhub.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code gpg} command line of the interoperability tests, in a throwaway home folder. */
public final class Gpg {

    private Gpg() {}

    public static boolean available() {
        try {
            return new ProcessBuilder("gpg", "--version")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs gpg in {@code home} (batch, loopback passphrase); asserts it succeeded; returns stdout
     * and stderr.
     */
    public static String run(Path home, char[] passphrase, String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "gpg",
                                "--homedir",
                                home.toString(),
                                "--batch",
                                "--yes",
                                "--pinentry-mode",
                                "loopback",
                                "--passphrase",
                                new String(passphrase)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("gpg %s: %s", args[0], out).isZero();
        return out;
    }
}
