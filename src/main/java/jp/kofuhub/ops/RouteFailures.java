package jp.kofuhub.ops;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per failure inside a route (issue #24): route id, step id (with its file and line),
 * exception class and message, at WARN or ERROR; the stack trace only at DEBUG of logger {@code
 * kofu.failures} (lower case, so {@code LOGGING_LEVEL_KOFU_FAILURES=DEBUG} reaches it).
 *
 * <p>As an {@link InterceptStrategy} (Camel Spring Boot adds every such bean to the context) it
 * marks the innermost step where an exchange's exception first appeared; the error policies in
 * {@code routes/common/error-handling.camel.yaml} call {@link #warn} or {@link #error} to log it.
 *
 * <p>No personal data: an exception's message may quote values, so the message is cut to {@value
 * #MAX_MESSAGE} characters, every run of non-ASCII characters (names, addresses in this hub's data)
 * becomes {@code …} and every run of 7 or more digits (住民票コード, 宛名番号, card serials) {@code #}; a
 * database exception's message is not logged at all.
 */
public class RouteFailures implements InterceptStrategy {

    /** The exchange property holding the failed step: "id (file:line)". */
    public static final String STEP = "KofuFailedStep";

    static final int MAX_MESSAGE = 240;
    private static final Logger LOG = LoggerFactory.getLogger("kofu.failures");

    @Override
    public Processor wrapProcessorInInterceptors(
            CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        String step = describe(definition);
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return super.process(
                        exchange,
                        doneSync -> {
                            if (exchange.getException() != null
                                    && exchange.getProperty(STEP) == null) {
                                exchange.setProperty(STEP, step);
                            }
                            callback.done(doneSync);
                        });
            }
        };
    }

    private static String describe(NamedNode node) {
        String where = node.getLocation();
        if (where != null) {
            where = where.replaceFirst("^file:", "").replace('\\', '/');
            int slash = where.lastIndexOf('/');
            where = (slash >= 0 ? where.substring(slash + 1) : where) + ":" + node.getLineNumber();
        }
        return node.getId() + (where == null ? "" : " (" + where + ")");
    }

    /** Logs the exchange's failure at WARN; returns the line (for tests). */
    public String warn(Exchange exchange) {
        String line = line(exchange);
        LOG.warn(line);
        LOG.debug("failure detail of exchange {}", exchange.getExchangeId(), caught(exchange));
        return line;
    }

    /** Logs the exchange's failure at ERROR (unexpected: the centre got INTERNAL_ERROR). */
    public String error(Exchange exchange) {
        String line = line(exchange);
        LOG.error(line);
        LOG.debug("failure detail of exchange {}", exchange.getExchangeId(), caught(exchange));
        return line;
    }

    static Throwable caught(Exchange exchange) {
        Throwable e = exchange.getException();
        if (e == null) {
            e = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        }
        return e;
    }

    /**
     * "route R step S failed (exchange X): Class: message", the message cleaned of personal data.
     */
    public static String line(Exchange exchange) {
        String route = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        if (route == null) {
            route = exchange.getFromRouteId();
        }
        String step = exchange.getProperty(STEP, String.class);
        Throwable e = caught(exchange);
        StringBuilder b =
                new StringBuilder("route ")
                        .append(route)
                        .append(" step ")
                        .append(step == null ? "?" : step)
                        .append(" failed (exchange ")
                        .append(exchange.getExchangeId())
                        .append("): ");
        if (e == null) {
            return b.append("no exception").toString();
        }
        b.append(e.getClass().getName()).append(": ").append(message(e));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            b.append(" (cause ").append(root.getClass().getName()).append(": ");
            b.append(message(root)).append(')');
        }
        return b.toString();
    }

    /** The message without personal data (see the class comment). */
    static String message(Throwable e) {
        if (isDatabase(e)) {
            return "(a database message is not logged: it may quote values)";
        }
        String m = e.getMessage();
        if (m == null) {
            return "(no message)";
        }
        m = m.replaceAll("[^\\x20-\\x7E]+", "…").replaceAll("\\d{7,}", "#");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }

    private static boolean isDatabase(Throwable e) {
        return e instanceof java.sql.SQLException
                || e.getClass().getName().startsWith("org.springframework.dao.")
                || e.getClass().getName().startsWith("org.springframework.jdbc.");
    }
}
