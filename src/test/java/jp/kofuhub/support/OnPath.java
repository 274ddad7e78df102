package jp.kofuhub.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a real tool is installed: the interoperability and rendering tests that run one (pdfsig,
 * pdftoppm) are skipped without it, as .ci/run says; .ci/run installs them for CI.
 */
public final class OnPath {

    private OnPath() {}

    /** True when an executable {@code command} is in one of the PATH's folders. */
    public static boolean has(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
