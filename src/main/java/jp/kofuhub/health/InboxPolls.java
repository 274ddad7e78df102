package jp.kofuhub.health;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.spi.EndpointStrategy;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hooks the inbox endpoint ({@code kofu.sync.inbox-uri}) into {@link InboxWatch}: when Camel
 * registers that endpoint (an {@link EndpointStrategy}, so the route file is unchanged) it gets a
 * poll strategy that reports every poll's success or failure, and — for SFTP/FTP — {@code
 * throwExceptionOnConnectFailed} so that a failed connect or login reaches the strategy with its
 * cause (host key, authentication, refused, timeout) instead of camel-ftp's single "Cannot
 * connect/login … Will skip this poll". The failed poll's exception goes to the watch, which logs
 * one line per outage; the stack trace is at DEBUG.
 */
public class InboxPolls implements EndpointStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(InboxPolls.class);

    private final InboxWatch watch;
    private final String inboxKey;

    /**
     * @param inboxUri the configured inbox URI (placeholders resolved)
     */
    public InboxPolls(InboxWatch watch, String inboxUri) {
        this.watch = watch;
        this.inboxKey = key(inboxUri);
    }

    @Override
    public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
        if (endpoint instanceof GenericFileEndpoint<?> files
                && inboxKey.equals(key(endpoint.getEndpointUri()))) {
            String name = name(endpoint);
            boolean remote = endpoint instanceof RemoteFileEndpoint<?>;
            if (remote) {
                ((RemoteFileEndpoint<?>) endpoint)
                        .getConfiguration()
                        .setThrowExceptionOnConnectFailed(true);
            }
            files.setPollStrategy(new Strategy(watch, name, remote));
            files.setExceptionHandler(new Failures(name));
            LOG.info("inbox {} watched (health component inbox)", name);
        }
        return endpoint;
    }

    /** Scheme and path of an endpoint URI, without options and slashes after the scheme. */
    static String key(String uri) {
        String base = uri == null ? "" : uri.split("\\?", 2)[0];
        int colon = base.indexOf(':');
        if (colon < 0) {
            return base;
        }
        return base.substring(0, colon) + ":" + base.substring(colon + 1).replaceFirst("^/+", "");
    }

    /** The inbox's name in health and meters: its base URI, password masked, without options. */
    static String name(Endpoint endpoint) {
        return URISupport.sanitizeUri(endpoint.getEndpointBaseUri());
    }

    /** Reports each poll; on failure a remote connection is dropped, as camel-ftp's own does. */
    static final class Strategy implements org.apache.camel.spi.PollingConsumerPollStrategy {

        private final InboxWatch watch;
        private final String inbox;
        private final DefaultPollingConsumerPollStrategy delegate;

        Strategy(InboxWatch watch, String inbox, boolean remote) {
            this.watch = watch;
            this.inbox = inbox;
            this.delegate =
                    remote
                            ? new RemoteFilePollingConsumerPollStrategy()
                            : new DefaultPollingConsumerPollStrategy();
        }

        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            return delegate.begin(consumer, endpoint);
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
            watch.polled(inbox);
            delegate.commit(consumer, endpoint, polledMessages);
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception e)
                throws Exception {
            watch.failed(inbox, e);
            LOG.debug("inbox {} poll failed", inbox, e);
            return delegate.rollback(consumer, endpoint, retryCounter, e);
        }
    }

    /**
     * The consumer's exception handler: a failed poll was reported by the strategy already (one log
     * line per outage); anything else is logged as Camel would.
     */
    static final class Failures implements ExceptionHandler {

        private final String inbox;

        Failures(String inbox) {
            this.inbox = inbox;
        }

        @Override
        public void handleException(Throwable exception) {
            handleException(null, null, exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            handleException(message, null, exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            if (exchange == null
                    && message != null
                    && message.startsWith("Failed polling endpoint")) {
                LOG.debug("inbox {}: {}", inbox, message);
                return;
            }
            LOG.warn(
                    "inbox {}: {} ({})",
                    inbox,
                    message == null ? "error" : message,
                    exception == null ? "-" : exception.getClass().getSimpleName());
        }
    }
}
