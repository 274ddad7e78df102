package jp.kofuhub.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import jp.kofuhub.issuance.KosekiServers;

/**
 * The circuit breakers around the koseki certificate servers, one per municipality offering 戸籍
 * ({@link KosekiServers}, issue #24), seen together: {@link #state()} is the worst of them (OPEN
 * over HALF_OPEN over CLOSED), {@link #states()} each one. Empty when no municipality offers 戸籍.
 */
public class KosekiBreaker {

    private static final List<String> WORST_FIRST =
            List.of("FORCED_OPEN", "OPEN", "HALF_OPEN", "CLOSED");

    private final KosekiServers servers;
    private final Supplier<List<String>> municipalities;

    public KosekiBreaker(KosekiServers servers, Supplier<List<String>> municipalities) {
        this.servers = servers;
        this.municipalities = municipalities;
    }

    /** Each koseki municipality's breaker state (CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, …). */
    public Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        for (String m : municipalities.get()) {
            states.put(m, servers.breaker(m).getState().name());
        }
        return states;
    }

    /** The worst state of them; empty when no municipality offers 戸籍. */
    public Optional<String> state() {
        Map<String, String> states = states();
        for (String s : WORST_FIRST) {
            if (states.containsValue(s)) {
                return Optional.of(s);
            }
        }
        return states.values().stream().findFirst();
    }

    /** Calls refused at once by an open breaker, over every municipality. */
    public long notPermitted() {
        long n = 0;
        for (String m : municipalities.get()) {
            CircuitBreaker b = servers.breaker(m);
            n += b.getMetrics().getNumberOfNotPermittedCalls();
        }
        return n;
    }
}
