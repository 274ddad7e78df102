package jp.kofuhub.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hub knows of each inbox it polls (the registry-sync inbox, local folder or SFTP): the
 * last successful poll, the last failure and its kind — {@link #REFUSED} (nothing listens), {@link
 * #AUTH} (the server refused the hub's key or login), {@link #HOST_KEY} (the server presented a
 * host key other than the pinned one, or one not pinned at all), {@link #TIMEOUT}, {@link
 * #UNKNOWN_HOST}, {@link #OTHER} — and whether the last poll failed. Fed by {@link InboxPolls}
 * (Camel's poll strategy of the inbox endpoint), read by {@link InboxHealth} and the meters {@code
 * kofu.sync.inbox.up}, {@code kofu.sync.inbox.last.success}, {@code kofu.sync.inbox.failures}.
 *
 * <p>Logs one line when an inbox starts failing or the kind of failure changes (naming the kind),
 * and one when it answers again — not one per poll. Inbox names are endpoint URIs without query and
 * password; no file content is ever seen here.
 */
public class InboxWatch {

    private static final Logger LOG = LoggerFactory.getLogger(InboxWatch.class);

    public static final String REFUSED = "REFUSED";
    public static final String AUTH = "AUTH";
    public static final String HOST_KEY = "HOST_KEY";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String UNKNOWN_HOST = "UNKNOWN_HOST";
    public static final String OTHER = "OTHER";

    /** The state of one inbox; times are null until the first such event. */
    public record State(
            Instant lastSuccess,
            Instant lastFailure,
            String lastFailureKind,
            Instant failingSince,
            long consecutiveFailures) {

        /** Whether the last poll failed. */
        public boolean failing() {
            return consecutiveFailures > 0;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentMap<String, State> inboxes = new ConcurrentHashMap<>();

    public InboxWatch(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** A poll of {@code inbox} reached it (files or none). */
    public void polled(String inbox) {
        Instant now = clock.instant();
        State before = known(inbox);
        inboxes.put(inbox, new State(now, before.lastFailure(), before.lastFailureKind(), null, 0));
        if (before.failing()) {
            LOG.info(
                    "inbox {} reachable again after {} failed polls ({} since {})",
                    inbox,
                    before.consecutiveFailures(),
                    before.lastFailureKind(),
                    before.failingSince());
        }
    }

    /** A poll of {@code inbox} failed with {@code cause}; returns the kind. */
    public String failed(String inbox, Throwable cause) {
        Instant now = clock.instant();
        String kind = kind(cause);
        State before = known(inbox);
        inboxes.put(
                inbox,
                new State(
                        before.lastSuccess(),
                        now,
                        kind,
                        before.failing() ? before.failingSince() : now,
                        before.consecutiveFailures() + 1));
        Counter.builder("kofu.sync.inbox.failures")
                .description("failed polls of an inbox, by kind")
                .tag("inbox", inbox)
                .tag("kind", kind)
                .register(registry)
                .increment();
        if (!before.failing() || !kind.equals(before.lastFailureKind())) {
            LOG.warn(
                    "inbox {} cannot be polled: {} ({}); health component inbox is DOWN until a poll"
                            + " succeeds",
                    inbox,
                    kind,
                    describe(kind));
        }
        return kind;
    }

    /** Every inbox seen, by name. */
    public Map<String, State> states() {
        return new TreeMap<>(inboxes);
    }

    private State known(String inbox) {
        State s = inboxes.get(inbox);
        if (s != null) {
            return s;
        }
        Gauge.builder("kofu.sync.inbox.up", this, w -> up(w.inboxes.get(inbox)))
                .description("1 when the last poll of the inbox succeeded, 0 when it failed")
                .tag("inbox", inbox)
                .register(registry);
        Gauge.builder(
                        "kofu.sync.inbox.last.success",
                        this,
                        w -> {
                            State now = w.inboxes.get(inbox);
                            return now == null || now.lastSuccess() == null
                                    ? Double.NaN
                                    : now.lastSuccess().toEpochMilli() / 1000.0;
                        })
                .description("time of the last successful poll of the inbox (Unix seconds)")
                .baseUnit("seconds")
                .tag("inbox", inbox)
                .register(registry);
        return new State(null, null, null, null, 0);
    }

    private static double up(State s) {
        return s == null ? Double.NaN : s.failing() ? 0.0 : 1.0;
    }

    /** The kind of a failed poll, from the exception and its causes. */
    public static String kind(Throwable cause) {
        StringBuilder text = new StringBuilder();
        boolean refused = false;
        boolean timeout = false;
        boolean unknownHost = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t.getClass().getName()).append(' ').append(t.getMessage()).append('\n');
            refused |= t instanceof ConnectException || t instanceof NoRouteToHostException;
            timeout |= t instanceof SocketTimeoutException;
            unknownHost |= t instanceof UnknownHostException;
        }
        String all = text.toString().toLowerCase(Locale.ROOT);
        if (all.contains("hostkey") || all.contains("host key")) {
            return HOST_KEY;
        }
        if (all.contains("auth fail")
                || all.contains("auth cancel")
                || all.contains("permission denied")
                || all.contains("invalid privatekey")
                || all.contains("login incorrect")
                || all.contains("cannot login")) {
            return AUTH;
        }
        if (unknownHost) {
            return UNKNOWN_HOST;
        }
        if (refused || all.contains("connection refused")) {
            return REFUSED;
        }
        if (timeout || all.contains("timeout") || all.contains("timed out")) {
            return TIMEOUT;
        }
        return OTHER;
    }

    static String describe(String kind) {
        return switch (kind) {
            case REFUSED -> "connection refused: the server is down or not listening there";
            case AUTH -> "the server refused the hub's key or login";
            case HOST_KEY ->
                    "the server's host key is not the pinned one (known_hosts): do not connect"
                            + " until it is explained";
            case TIMEOUT -> "no answer in time: network, firewall or an overloaded server";
            case UNKNOWN_HOST -> "the host name does not resolve";
            default -> "see the exception at DEBUG of jp.kofuhub.health.InboxPolls";
        };
    }

    /** Details of one inbox for the health component. */
    static Map<String, Object> details(State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("polling", s.failing() ? "FAILING" : "OK");
        m.put("lastSuccess", s.lastSuccess() == null ? null : s.lastSuccess().toString());
        m.put("lastFailure", s.lastFailure() == null ? null : s.lastFailure().toString());
        m.put("lastFailureKind", s.lastFailureKind());
        if (s.failing()) {
            m.put("failingSince", s.failingSince().toString());
            m.put("consecutiveFailures", s.consecutiveFailures());
            m.put("meaning", describe(s.lastFailureKind()));
        }
        return m;
    }
}
