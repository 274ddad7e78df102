package jp.kofuhub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The meters' names, tags and counts, the tag guards, and the outcome mappings of the Camel hooks.
 */
class HubMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HubMetrics metrics = new HubMetrics(registry, Clock.systemUTC());

    @Test
    void outcomesCountByMunicipalityKindAndOutcomeAndRefusalsByCode() {
        metrics.issuance("012343", "JUMINHYO", "ISSUED", null);
        metrics.issuance("012343", "JUMINHYO", "PRINTED", null);
        metrics.issuance("012343", "INKAN", "REFUSED", "NO_VALID_SEAL");
        metrics.issuance("012343", "INKAN", "VOIDED", "REPLICA_CHANGED");
        metrics.issuance("012343", "INKAN", "REFUSED", "NO_VALID_SEAL");
        assertThat(
                        registry.get(HubMetrics.ISSUANCES)
                                .tags(
                                        "municipality",
                                        "012343",
                                        "kind",
                                        "JUMINHYO",
                                        "outcome",
                                        "ISSUED")
                                .counter()
                                .count())
                .isEqualTo(1.0);
        assertThat(
                        registry.get(HubMetrics.ISSUANCES)
                                .tags("kind", "INKAN", "outcome", "REFUSED")
                                .counter()
                                .count())
                .isEqualTo(2.0);
        assertThat(
                        registry.get(HubMetrics.REFUSALS)
                                .tags("kind", "INKAN", "code", "NO_VALID_SEAL")
                                .counter()
                                .count())
                .isEqualTo(2.0);
        assertThat(
                        registry.get(HubMetrics.REFUSALS)
                                .tags("code", "REPLICA_CHANGED")
                                .counter()
                                .count())
                .isEqualTo(1.0);
        assertThat(registry.find(HubMetrics.REFUSALS).tags("kind", "JUMINHYO").counters())
                .isEmpty();
    }

    @Test
    void tagValuesThatAreNotCodesBecomeOther() {
        metrics.issuance("札幌市", "住民票", "issued by 山田", "山田 太郎");
        metrics.syncApplied("012343/../x", "juki", "FULL", 3);
        assertThat(
                        registry.get(HubMetrics.ISSUANCES)
                                .tags("municipality", "OTHER", "kind", "OTHER", "outcome", "OTHER")
                                .counter()
                                .count())
                .isEqualTo(1.0);
        assertThat(
                        registry.get(HubMetrics.SYNC_RECORDS)
                                .tags("municipality", "OTHER", "source", "OTHER", "kind", "FULL")
                                .counter()
                                .count())
                .isEqualTo(3.0);
        assertThat(registry.getMeters())
                .allSatisfy(
                        m ->
                                assertThat(m.getId().getTags().toString())
                                        .doesNotContain("山田")
                                        .doesNotContain("札幌"));
    }

    @Test
    void timersAndTheLastKosekiCall() {
        metrics.rendered("JUMINHYO", 50_000_000L);
        metrics.answered("JUMINHYO", "ISSUED", 90_000_000L);
        metrics.answered(null, "REJECTED", 1_000_000L);
        metrics.kosekiCall("TIMEOUT", 1_500_000_000L);
        assertThat(registry.get(HubMetrics.RENDER).tags("kind", "JUMINHYO").timer().count())
                .isEqualTo(1);
        assertThat(
                        registry.get(HubMetrics.REQUEST)
                                .tags("kind", "OTHER", "outcome", "REJECTED")
                                .timer()
                                .count())
                .isEqualTo(1);
        assertThat(registry.get(HubMetrics.KOSEKI_CALL).tags("outcome", "TIMEOUT").timer().count())
                .isEqualTo(1);
        assertThat(metrics.lastKosekiCall().outcome()).isEqualTo("TIMEOUT");
        assertThat(metrics.lastKosekiCall().millis()).isEqualTo(1500);
    }

    @Test
    void camelOutcomes() {
        assertThat(CamelMeters.kosekiOutcome(200, null)).isEqualTo("OK");
        assertThat(CamelMeters.kosekiOutcome(422, null)).isEqualTo("REFUSED");
        assertThat(CamelMeters.kosekiOutcome(503, null)).isEqualTo("SERVER_ERROR");
        assertThat(CamelMeters.kosekiOutcome(404, null)).isEqualTo("UNEXPECTED");
        assertThat(CamelMeters.kosekiOutcome(null, new IOException(new SocketTimeoutException())))
                .isEqualTo("TIMEOUT");
        assertThat(CamelMeters.kosekiOutcome(null, new ConnectException("refused")))
                .isEqualTo("UNREACHABLE");
        assertThat(CamelMeters.kosekiOutcome(null, new IOException("x"))).isEqualTo("FAILED");
        assertThat(CamelMeters.answerOutcome(null, false)).isEqualTo("ISSUED");
        assertThat(CamelMeters.answerOutcome(422, false)).isEqualTo("REFUSED");
        assertThat(CamelMeters.answerOutcome(404, false)).isEqualTo("REJECTED");
        assertThat(CamelMeters.answerOutcome(500, false)).isEqualTo("ERROR");
        assertThat(CamelMeters.answerOutcome(200, true)).isEqualTo("ERROR");
        assertThat(CamelMeters.requestedKind("{\"kind\":\"INKAN\",\"serial\":\"X\"}"))
                .isEqualTo("INKAN");
        assertThat(CamelMeters.requestedKind("{\"kind\":\"山田\"}")).isNull();
        assertThat(CamelMeters.requestedKind("not json")).isNull();
        assertThat(CamelMeters.requestedKind(new byte[0])).isNull();
    }
}
