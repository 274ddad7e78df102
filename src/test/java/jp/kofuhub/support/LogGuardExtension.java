package jp.kofuhub.support;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test class during which a line with a resident's data was logged ({@link LogGuard}),
 * and writes those lines to {@code target/log-guard/<class>.txt}. Registered for every test class
 * by auto-detection (META-INF/services/org.junit.jupiter.api.extension.Extension and {@code
 * junit.jupiter.extensions.autodetection.enabled} in junit-platform.properties). A line logged
 * between two classes (a route still running after its test) fails the next class, named as such;
 * one logged after the last class is reported by {@link LogGuardSession}.
 */
public class LogGuardExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(LogGuardExtension.class);

    /** Violations up to here are reported (or were forgiven). */
    static volatile int reported;

    @Override
    public void beforeAll(ExtensionContext ctx) {
        LogGuard.install();
        List<LogGuard.Violation> between = LogGuard.since(reported);
        reported = LogGuard.count();
        ctx.getStore(NS).put("mark", reported);
        if (!between.isEmpty()) {
            fail(
                    ctx.getRequiredTestClass().getName() + ".before",
                    between,
                    "logged before "
                            + ctx.getRequiredTestClass().getSimpleName()
                            + " started (by a class before it)");
        }
    }

    @Override
    public void afterAll(ExtensionContext ctx) {
        Integer mark = ctx.getStore(NS).get("mark", Integer.class);
        List<LogGuard.Violation> found =
                LogGuard.since(mark == null ? 0 : Math.min(mark, LogGuard.count()));
        reported = LogGuard.count();
        if (!found.isEmpty()) {
            fail(
                    ctx.getRequiredTestClass().getName(),
                    found,
                    "logged during " + ctx.getRequiredTestClass().getSimpleName());
        }
    }

    static void fail(String name, List<LogGuard.Violation> found, String when) {
        Path f = LogGuard.report(name, found);
        throw new AssertionError(
                "log guard: "
                        + found.size()
                        + " line(s) with personal data "
                        + when
                        + " ("
                        + f
                        + "), the first: "
                        + found.get(0));
    }
}
