package jp.kofuhub.health;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;

/**
 * The state of the circuit breaker {@value #ID} around the koseki certificate server (route
 * issue-certificate): camel-resilience4j keeps the resilience4j {@code CircuitBreaker} on its
 * processor, found here by the step id. Empty while Camel has not built the route.
 */
public class KosekiBreaker {

    public static final String ID = "koseki-breaker";

    private final CamelContext camel;
    private volatile ResilienceProcessor found;

    public KosekiBreaker(CamelContext camel) {
        this.camel = camel;
    }

    /** CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED, METRICS_ONLY; empty when not (yet) there. */
    public Optional<String> state() {
        return processor().map(ResilienceProcessor::getCircuitBreakerState);
    }

    /** The breaker's processor, or empty. */
    public Optional<ResilienceProcessor> processor() {
        ResilienceProcessor p = found;
        if (p == null) {
            p = find(camel.getProcessor(ID));
            found = p;
        }
        return Optional.ofNullable(p).filter(r -> r.getCircuitBreaker() != null);
    }

    /** The processor itself, or the first one inside wrappers (channels, interceptors). */
    static ResilienceProcessor find(Processor start) {
        Deque<Object> todo = new ArrayDeque<>();
        Set<Object> seen = new HashSet<>();
        if (start != null) {
            todo.add(start);
        }
        while (!todo.isEmpty()) {
            Object p = todo.poll();
            if (!seen.add(p)) {
                continue;
            }
            if (p instanceof ResilienceProcessor r) {
                return r;
            }
            if (p instanceof Navigate<?> n && n.hasNext()) {
                todo.addAll(n.next());
            }
        }
        return null;
    }
}
