package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import jp.kofuhub.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Route-level test of {@code routes/ops/coupling-watch.camel.yaml} with its error policy {@code
 * watch-errors} ({@code routes/common/error-handling.camel.yaml}): the timer calls {@code
 * couplingSteps.align} every period; a failing period is one WARN line naming route, step (file and
 * line), exception class and message (jp.kofuhub.ops.RouteFailures), and the next period tries
 * again. The bean is a stand-in that counts and fails on demand: what align does is {@code
 * CouplingSwitch}'s (whole-hub {@code CouplingOnH2Test}).
 */
@RouteTestBase.RouteTest
@SpringBootTest(
        classes = CouplingWatchRouteTest.Beans.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/ops/coupling-watch.camel.yaml,"
                    + "file:routes/common/error-handling.camel.yaml",
            "kofu.coupling.check-period=50"
        })
public class CouplingWatchRouteTest {

    /** Stands in for jp.kofuhub.ops.CouplingSwitch: the one method the route calls. */
    public static class CouplingStandIn {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failing;

        public void align() {
            calls.incrementAndGet();
            if (failing) {
                throw new IllegalStateException("database unreachable");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        CouplingStandIn couplingSteps() {
            return new CouplingStandIn();
        }
    }

    @Autowired CouplingStandIn coupling;

    @Test
    void everyPeriodAlignsAndAFailedPeriodIsOneWarningThenTriedAgain() {
        await().atMost(Duration.ofSeconds(10)).until(() -> coupling.calls.get() >= 2);

        try (LogCapture log = LogCapture.open()) {
            coupling.failing = true;
            int before = coupling.calls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> coupling.calls.get() >= before + 2);
            coupling.failing = false;
            int healed = coupling.calls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> coupling.calls.get() > healed + 1);

            var failures =
                    log.lines().stream().filter(l -> l.logger().equals("kofu.failures")).toList();
            assertThat(failures)
                    .hasSizeBetween(2, coupling.calls.get() - before)
                    .allMatch(l -> l.level() == ch.qos.logback.classic.Level.WARN)
                    .allMatch(l -> !l.stackTrace())
                    .allMatch(
                            l ->
                                    l.text()
                                            .matches(
                                                    "route coupling-watch step align-coupling"
                                                            + " \\(coupling-watch.camel.yaml:\\d+\\)"
                                                            + " failed \\(exchange .*\\):"
                                                            + " java.lang.IllegalStateException:"
                                                            + " database unreachable"));
        }
    }
}
