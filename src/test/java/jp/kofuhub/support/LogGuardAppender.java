package jp.kofuhub.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * The Logback side of the {@link LogGuard}: every event of the test JVM, at every level the
 * configuration lets through, is checked as the line an operator would read — the formatted
 * message, then each exception's class and message down the cause chain (and the frames, which can
 * hold a lambda's or a proxy's text). Wired in src/test/resources/logback-test.xml on the root
 * logger.
 */
public class LogGuardAppender extends AppenderBase<ILoggingEvent> {

    @Override
    public void start() {
        LogGuard.install();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder sb =
                new StringBuilder(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (IThrowableProxy s : t.getSuppressed()) {
                sb.append(" | suppressed ")
                        .append(s.getClassName())
                        .append(": ")
                        .append(s.getMessage());
            }
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            if (frames != null && frames.length > 0) {
                sb.append(" at ").append(frames[0].getSTEAsString());
            }
        }
        LogGuard.check(
                sb.toString(),
                e.getLevel() + " " + e.getLoggerName() + " [" + e.getThreadName() + "]");
    }
}
