package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RenderPool}: admission bound, release, lapse, order of work, errors (issue #20). */
class RenderPoolTest {

    @Test
    void admitsThreadsPlusQueueKeysThenRefusesAtOnceWithARetryAfter() {
        try (RenderPool pool = new RenderPool(2, 3, Duration.ofMinutes(1))) {
            for (int i = 0; i < 5; i++) {
                pool.admit("k" + i);
            }
            pool.admit("k0"); // renewing an admitted key is not a new admission
            assertThatThrownBy(() -> pool.admit("k5"))
                    .isInstanceOf(BusyException.class)
                    .satisfies(
                            e -> assertThat(((BusyException) e).retryAfterSeconds()).isPositive());
            assertThat(pool.refused()).isEqualTo(1);
            pool.release("k3");
            pool.release("k3"); // idempotent
            pool.admit("k5");
            assertThat(pool.admitted()).isEqualTo(5);
        }
    }

    @Test
    void refusesWhenTheEstimatedWaitIsOverTheDeadline() {
        // the first estimate is 50 ms per key: one thread, 3 keys → 150 ms > 100 ms
        try (RenderPool pool = new RenderPool(1, 100, Duration.ofMillis(100))) {
            pool.admit("a");
            pool.admit("b");
            assertThatThrownBy(() -> pool.admit("c")).isInstanceOf(BusyException.class);
        }
    }

    @Test
    void anAdmissionNeverReleasedLapses() {
        try (RenderPool pool = new RenderPool(1, 0, Duration.ofMillis(60))) {
            pool.admit("lost");
            assertThatThrownBy(() -> pool.admit("next")).isInstanceOf(BusyException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.admitted() == 0);
            pool.admit("next");
        }
    }

    @Test
    void workMarkedFirstGoesAheadOfQueuedWorkAndErrorsReachTheCaller() throws Exception {
        try (RenderPool pool = new RenderPool(1, 10, Duration.ofMinutes(1))) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            List<String> order = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> blocker =
                    CompletableFuture.runAsync(
                            () ->
                                    pool.run(
                                            "x",
                                            false,
                                            () -> {
                                                started.countDown();
                                                go.await();
                                                return null;
                                            }));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<?> render =
                    CompletableFuture.runAsync(
                            () -> pool.run("r", false, () -> order.add("render")));
            await().until(() -> queued(pool) == 1);
            CompletableFuture<?> sign =
                    CompletableFuture.runAsync(() -> pool.run("s", true, () -> order.add("sign")));
            await().until(() -> queued(pool) == 2);
            go.countDown();
            CompletableFuture.allOf(blocker, render, sign).get(10, TimeUnit.SECONDS);
            assertThat(order).containsExactly("sign", "render");

            assertThatThrownBy(
                            () ->
                                    pool.run(
                                            "e",
                                            false,
                                            () -> {
                                                throw new GlyphUnavailableException(
                                                        "field", 0x20BB7);
                                            }))
                    .isInstanceOf(GlyphUnavailableException.class);
        }
    }

    private static int queued(RenderPool pool) {
        return pool.queued();
    }
}
