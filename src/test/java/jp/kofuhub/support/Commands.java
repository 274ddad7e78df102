package jp.kofuhub.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;

/**
 * Runs an operator command's {@code run(String...)} in the test JVM and captures what it prints.
 */
public final class Commands {

    private Commands() {}

    /** The exit code, a line break, then the command's standard output. */
    public static synchronized String run(ToIntFunction<String[]> command, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = command.applyAsInt(args);
            return code + "\n" + buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(out);
        }
    }
}
