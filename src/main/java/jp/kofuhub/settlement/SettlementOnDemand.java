package jp.kofuhub.settlement;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;

/**
 * A day's settlement file re-made on demand (issue #24), through the route {@code
 * remake-settlement-day} ({@link SettlementRemake}): from {@code /actuator/settlement} ({@link
 * SettlementEndpoint}, {@code ./kofu settle}) as the client certificate's subject, and from the
 * console as the JMX operation {@code jp.kofuhub:type=Settlement remake(municipality, day)} as the
 * logged-in console user — an OPERATOR only (jp.kofuhub.console.JolokiaAccess).
 *
 * <p>Answers one of {@code WRITTEN}, {@code REWRITTEN}, {@code REWRITTEN_CHANGED} (done), {@code
 * REFUSED} (a bad or unserved municipality, a bad date, a day not finished), {@code
 * COUPLING_SUSPENDED} (its settlement waits) or {@code FAILED} (the outbox or the database failed:
 * nothing is recorded, try again); never a stack trace.
 */
@ManagedResource(
        objectName = SettlementOnDemand.OBJECT_NAME,
        description = "Kofu Hub: re-make a day's settlement file on demand (operators, audited)")
public class SettlementOnDemand {

    public static final String OBJECT_NAME = "jp.kofuhub:type=Settlement";
    static final String ROUTE = "direct:remake-settlement-day";

    private static final Logger LOG = LoggerFactory.getLogger(SettlementOnDemand.class);

    /** What a call did: an outcome above, and a message for the operator. */
    public record Result(
            String outcome,
            String municipality,
            String day,
            String fileName,
            String sha256,
            String message) {
        public boolean done() {
            return outcome.startsWith("WRITTEN") || outcome.startsWith("REWRITTEN");
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outcome", outcome);
            m.put("municipality", municipality);
            m.put("day", day);
            if (fileName != null) {
                m.put("fileName", fileName);
                m.put("sha256", sha256);
            }
            m.put("message", message);
            return m;
        }
    }

    private final ProducerTemplate producer;
    private final Supplier<Optional<String>> consoleUser;

    /**
     * @param consoleUser the logged-in console user of a JMX call ({@code console:<login>}), empty
     *     when nobody is: then the operation refuses
     */
    public SettlementOnDemand(ProducerTemplate producer, Supplier<Optional<String>> consoleUser) {
        this.producer = producer;
        this.consoleUser = consoleUser;
    }

    /** The console's operation: as the logged-in console user. */
    @ManagedOperation(
            description =
                    "Re-make the settlement file of one municipality and finished day and hand it to the"
                            + " finance system's outbox again (same name; idempotent); recorded in the issuance"
                            + " history with the logged-in console user")
    @ManagedOperationParameters({
        @ManagedOperationParameter(
                name = "municipality",
                description = "the 6-digit 団体コード, e.g. 012343"),
        @ManagedOperationParameter(
                name = "day",
                description = "the day to settle, yyyy-MM-dd, a finished day")
    })
    public String remake(String municipality, String day) {
        Optional<String> who = consoleUser.get();
        if (who.isEmpty()) {
            return "REFUSED: no logged-in console user";
        }
        Result r = remake(municipality, day, who.get());
        return r.outcome() + ": " + r.message();
    }

    /**
     * Re-makes the day's file as {@code operator} ({@code cert:<CN>} or {@code console:<login>}).
     */
    public Result remake(String municipality, String day, String operator) {
        String m = municipality == null ? null : municipality.trim();
        String d = day == null ? null : day.trim();
        try {
            org.apache.camel.Exchange done =
                    producer.request(
                            ROUTE,
                            e -> {
                                e.getIn().setHeader("municipality", m);
                                e.getIn().setHeader("day", d);
                                e.getIn().setHeader("operator", operator);
                            });
            if (done.getException() != null) {
                throw new CamelExecutionException("re-make failed", done, done.getException());
            }
            String outcome = done.getMessage().getBody(String.class);
            return new Result(
                    outcome,
                    m,
                    d,
                    Settlement.fileName(m, java.time.LocalDate.parse(d)),
                    done.getMessage().getHeader("settlementSha256", String.class),
                    "settlement " + m + " " + d + " handed to the outbox (" + outcome + ")");
        } catch (CamelExecutionException e) {
            // the route's exception, unwrapped from Camel's wrappers (bean call, transaction)
            Throwable cause = e;
            while (cause instanceof org.apache.camel.RuntimeCamelException
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IllegalArgumentException) {
                return new Result("REFUSED", m, d, null, null, cause.getMessage());
            }
            if (cause instanceof IllegalStateException
                    && String.valueOf(cause.getMessage()).startsWith("COUPLING_SUSPENDED")) {
                return new Result("COUPLING_SUSPENDED", m, d, null, null, cause.getMessage());
            }
            LOG.warn(
                    "settlement {} {} not re-made ({}); nothing recorded",
                    m,
                    d,
                    cause.getClass().getName());
            return new Result(
                    "FAILED",
                    m,
                    d,
                    null,
                    null,
                    "not written ("
                            + cause.getClass().getSimpleName()
                            + "); nothing recorded, try again");
        }
    }
}
