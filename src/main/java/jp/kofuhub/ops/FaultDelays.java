package jp.kofuhub.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test only (issue #22, the fault-injection suite): holds every exchange for a while before the
 * route steps named in {@code kofu.faults.delay-steps} ({@code step-id=ms,step-id=ms}), so that a
 * separate test JVM can kill or freeze the hub while a phase is in flight at a known step. Unset in
 * every profile: without the setting this bean does not exist. Each hold is one log line naming the
 * step and the exchange id (no personal data), which the test waits for.
 */
public class FaultDelays implements InterceptStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(FaultDelays.class);

    private final Map<String, Long> delays;

    public FaultDelays(String setting) {
        this.delays = parse(setting);
        LOG.warn("fault injection: delays before steps {} (test only)", delays);
    }

    static Map<String, Long> parse(String setting) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String part : setting.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "kofu.faults.delay-steps: expected step-id=ms, got " + p);
            }
            out.put(p.substring(0, eq).trim(), Long.parseLong(p.substring(eq + 1).trim()));
        }
        return out;
    }

    @Override
    public Processor wrapProcessorInInterceptors(
            CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        Long ms = delays.get(definition.getId());
        if (ms == null) {
            return target;
        }
        String step = definition.getId();
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                LOG.warn(
                        "fault injection: holding exchange {} before step {} for {} ms",
                        exchange.getExchangeId(),
                        step,
                        ms);
                try {
                    TimeUnit.MILLISECONDS.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.process(exchange, callback);
            }
        };
    }
}
