package jp.kofuhub.settlement;

import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;

/**
 * {@code POST /actuator/settlement} with JSON {@code {"municipality": "012343", "day":
 * "2026-12-04"}}: re-makes that day's settlement file ({@link SettlementOnDemand}; {@code ./kofu
 * settle}). The operator recorded is the caller's client certificate ({@code cert:<CN>}; a
 * management path answers only the operators' certificates, kofu.tls.management-clients). Answers
 * {@code 200} with {@code outcome} WRITTEN / REWRITTEN / REWRITTEN_CHANGED, {@code fileName},
 * {@code sha256}; {@code 400 REFUSED}; {@code 409 COUPLING_SUSPENDED}; {@code 503 FAILED} (nothing
 * recorded; try again).
 */
@Endpoint(id = "settlement")
public class SettlementEndpoint {

    private final SettlementOnDemand onDemand;
    private final Supplier<String> caller;

    public SettlementEndpoint(SettlementOnDemand onDemand, Supplier<String> caller) {
        this.onDemand = onDemand;
        this.caller = caller;
    }

    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> remake(
            @Nullable String municipality, @Nullable String day) {
        SettlementOnDemand.Result r = onDemand.remake(municipality, day, caller.get());
        int status =
                switch (r.outcome()) {
                    case "REFUSED" -> 400;
                    case "COUPLING_SUSPENDED" -> 409;
                    case "FAILED" -> 503;
                    default -> 200;
                };
        return new WebEndpointResponse<>(r.describe(), status);
    }
}
