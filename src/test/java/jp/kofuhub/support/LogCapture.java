package jp.kofuhub.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what the JVM logs (the root logger, every thread) while it is open; attach it after the
 * hub's context started (Spring Boot's logging set-up detaches appenders). Lines are the message
 * followed by each exception's class and message, as the log guard reads them.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One logged event: level, logger, the line, and whether it carried a stack trace. */
    public record Line(Level level, String logger, String text, boolean stackTrace) {
        @Override
        public String toString() {
            return level + " " + logger + " " + text + (stackTrace ? " [+ stack trace]" : "");
        }
    }

    private final List<Line> lines = new ArrayList<>();

    private LogCapture() {}

    public static LogCapture open() {
        LogCapture c = new LogCapture();
        c.setName("log-capture-" + System.identityHashCode(c));
        c.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        c.start();
        root().addAppender(c);
        return c;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getFormattedMessage()));
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        synchronized (lines) {
            lines.add(
                    new Line(
                            e.getLevel(),
                            e.getLoggerName(),
                            sb.toString(),
                            e.getThrowableProxy() != null));
        }
    }

    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines at INFO or above that carried a stack trace. */
    public List<Line> stackTraces() {
        return lines().stream()
                .filter(l -> l.stackTrace() && l.level().isGreaterOrEqual(Level.INFO))
                .toList();
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
