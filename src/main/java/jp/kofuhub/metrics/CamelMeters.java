package jp.kofuhub.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * The Camel side of the meters, without touching the routes: an {@link InterceptStrategy} (Camel
 * Spring Boot adds such beans to the context by itself) that times the step {@value #CALL_KOSEKI}
 * (the koseki server call), notes the requested kind at {@value #PREPARE}, and at {@value #OPEN},
 * the first step of the issue phase, registers an on-completion that times the exchange from its
 * creation (the request's arrival) to its end ({@code kofu.issuance.request}).
 */
public final class CamelMeters {

    static final String OPEN = "open-certificate-request";
    static final String PREPARE = "prepare-certificate";
    static final String CALL_KOSEKI = "call-koseki-server";
    static final String KIND = "kofu.metrics.kind";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CamelMeters() {}

    /**
     * Times {@value #CALL_KOSEKI} and the issue phase from {@value #OPEN}; notes the kind before
     * {@value #PREPARE}.
     */
    public static InterceptStrategy steps(HubMetrics metrics) {
        return new InterceptStrategy() {
            @Override
            public Processor wrapProcessorInInterceptors(
                    CamelContext context,
                    NamedNode definition,
                    Processor target,
                    Processor nextTarget) {
                String id = definition.getId();
                if (CALL_KOSEKI.equals(id)) {
                    return new Timed(target, metrics);
                }
                if (OPEN.equals(id)) {
                    return new DelegateAsyncProcessor(target) {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            exchange.getExchangeExtension()
                                    .addOnCompletion(
                                            new SynchronizationAdapter() {
                                                @Override
                                                public void onDone(Exchange done) {
                                                    metrics.answered(
                                                            done.getProperty(KIND, String.class),
                                                            answerOutcome(
                                                                    done.getMessage()
                                                                            .getHeader(
                                                                                    Exchange
                                                                                            .HTTP_RESPONSE_CODE,
                                                                                    Integer.class),
                                                                    done.isFailed()),
                                                            done.getClock().elapsed() * 1_000_000L);
                                                }
                                            });
                            return super.process(exchange, callback);
                        }
                    };
                }
                if (PREPARE.equals(id)) {
                    return new DelegateAsyncProcessor(target) {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            exchange.setProperty(
                                    KIND, requestedKind(exchange.getMessage().getBody()));
                            return super.process(exchange, callback);
                        }
                    };
                }
                return target;
            }
        };
    }

    /** The kind a phase-2 request body names, if it is one of the protocol's (else null). */
    static String requestedKind(Object body) {
        if (!(body instanceof String s) || s.length() > 100_000) {
            return null;
        }
        try {
            String kind = JSON.readTree(s).path("kind").asText(null);
            return "OTHER".equals(HubMetrics.kind(kind)) ? null : kind;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * How a call to the koseki server ended: OK, REFUSED (422), SERVER_ERROR, UNEXPECTED, TIMEOUT,
     * UNREACHABLE, FAILED.
     */
    static String kosekiOutcome(Integer status, Throwable error) {
        if (error != null) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof SocketTimeoutException
                        || t instanceof HttpTimeoutException
                        || t instanceof TimeoutException) {
                    return "TIMEOUT";
                }
                if (t instanceof ConnectException) {
                    return "UNREACHABLE";
                }
            }
            return "FAILED";
        }
        if (status == null) {
            return "FAILED";
        }
        if (status == 200) {
            return "OK";
        }
        if (status == 422) {
            return "REFUSED";
        }
        return status >= 500 ? "SERVER_ERROR" : "UNEXPECTED";
    }

    /** How the issue phase answered: ISSUED (200), REFUSED (422), REJECTED (other 4xx), ERROR. */
    static String answerOutcome(Integer status, boolean failed) {
        if (failed) {
            return "ERROR";
        }
        if (status == null || status == 200) {
            return "ISSUED";
        }
        if (status == 422) {
            return "REFUSED";
        }
        return status >= 400 && status < 500 ? "REJECTED" : "ERROR";
    }

    private static final class Timed extends DelegateAsyncProcessor {
        private final HubMetrics metrics;

        Timed(Processor target, HubMetrics metrics) {
            super(target);
            this.metrics = metrics;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            long started = System.nanoTime();
            return super.process(
                    exchange,
                    doneSync -> {
                        try {
                            metrics.kosekiCall(
                                    kosekiOutcome(
                                            exchange.getMessage()
                                                    .getHeader(
                                                            Exchange.HTTP_RESPONSE_CODE,
                                                            Integer.class),
                                            exchange.getException()),
                                    System.nanoTime() - started);
                        } finally {
                            callback.done(doneSync);
                        }
                    });
        }
    }
}
