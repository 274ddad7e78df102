package jp.kofuhub.support;

import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The end of the {@link LogGuard}'s watch: lines with personal data logged after the last test
 * class finished (routes still running while the run ends) are written to {@code
 * target/log-guard/after-last-class.txt} and fail the forked test JVM (surefire reports the fork as
 * crashed and the build is red). Registered in
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener.
 */
public class LogGuardSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LogGuard.install();
        LogGuard.clearReports();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        List<LogGuard.Violation> late = LogGuard.since(LogGuardExtension.reported);
        if (!late.isEmpty()) {
            LogGuardExtension.reported = LogGuard.count();
            LogGuardExtension.fail("after-last-class", late, "after the last test class");
        }
    }
}
