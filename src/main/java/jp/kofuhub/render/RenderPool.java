package jp.kofuhub.render;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded CPU work (issue #20): the hub's CPU-bound steps (FOP rendering, the PAdES signature) run
 * on {@code threads} workers (default: the processors), never on the request threads, so 32
 * requests in flight render two at a time instead of 32 area trees and font subsets at once.
 *
 * <p>Admission before the work is promised: a caller first {@link #admit(String) admits} a key (the
 * transaction id) — before it spends anything it cannot take back (a 発行番号) — and is refused with a
 * {@link BusyException} at once when {@code threads + queue} keys are already admitted or the
 * estimated wait (admitted keys × the mean time one key kept a worker ÷ threads) is over {@code
 * deadline}. An admitted key's work is never refused: {@link #run} queues it without a bound (the
 * admissions bound it), so a document once numbered is always made. {@link #release(String)} ends
 * an admission; one never released (a failure on the way) lapses after {@code 4 × deadline} so it
 * cannot hold a slot for ever. Work submitted with {@code first} (the signature of a rendered
 * document) goes ahead of queued renders: it finishes a document rather than starting another.
 *
 * <p>No Camel or Spring types: the phase deadlines of other steps can reuse it (e.g. {@code
 * admit}/{@code run} around any CPU-bound call).
 */
public class RenderPool implements AutoCloseable {

    private final int threads;
    private final int queue;
    private final long deadlineNanos;
    private final long leaseNanos;
    private final ThreadPoolExecutor executor;
    private final Map<String, Long> admitted = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();
    private final AtomicInteger refused = new AtomicInteger();

    /** Mean nanoseconds one admitted key kept a worker (exponentially weighted). */
    private final AtomicLong meanKeyNanos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(50));

    private final Map<String, Long> keyNanos = new ConcurrentHashMap<>();

    public RenderPool(int threads, int queue, Duration deadline) {
        if (threads < 1 || queue < 0 || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("render pool: threads ≥ 1, queue ≥ 0, deadline > 0");
        }
        this.threads = threads;
        this.queue = queue;
        this.deadlineNanos = deadline.toNanos();
        this.leaseNanos = 4 * deadlineNanos;
        AtomicInteger n = new AtomicInteger();
        this.executor =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new PriorityBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "kofu-render-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** The pool sized to this machine: one worker per processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Admits {@code key} for work on the pool, or refuses it at once with the seconds to wait
     * before asking again. Admitting a key already admitted renews it.
     */
    public void admit(String key) {
        long now = System.nanoTime();
        lapse(now);
        if (admitted.containsKey(key)) {
            admitted.put(key, now + leaseNanos);
            return;
        }
        long wait = estimatedWaitNanos(admitted.size() + 1);
        if (admitted.size() >= threads + queue || wait > deadlineNanos) {
            refused.incrementAndGet();
            throw new BusyException(retryAfterSeconds(wait));
        }
        admitted.put(key, now + leaseNanos);
    }

    /** Ends the admission of {@code key} (idempotent); its work time feeds the wait estimate. */
    public void release(String key) {
        if (admitted.remove(key) != null) {
            Long spent = keyNanos.remove(key);
            if (spent != null) {
                long mean = meanKeyNanos.get();
                // weight 1/8 for the newest key
                meanKeyNanos.set(mean + (spent - mean) / 8);
            }
        } else {
            keyNanos.remove(key);
        }
    }

    /**
     * Runs {@code work} on a worker and returns its result (its exception as thrown); the calling
     * thread waits. {@code first}: ahead of the queued work without it.
     */
    public <T> T run(String key, boolean first, Callable<T> work) {
        Task<T> task =
                new Task<>(
                        () -> {
                            long started = System.nanoTime();
                            try {
                                return work.call();
                            } finally {
                                keyNanos.merge(key, System.nanoTime() - started, Long::sum);
                            }
                        },
                        first ? 0 : 1,
                        order.incrementAndGet());
        executor.execute(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            task.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the render pool", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Keys admitted now (lapsed ones not counted). */
    public int admitted() {
        lapse(System.nanoTime());
        return admitted.size();
    }

    /** Work waiting for a worker. */
    public int queued() {
        return executor.getQueue().size();
    }

    /** Admissions refused since start. */
    public int refused() {
        return refused.get();
    }

    public int threads() {
        return threads;
    }

    public int queue() {
        return queue;
    }

    public Duration deadline() {
        return Duration.ofNanos(deadlineNanos);
    }

    private long estimatedWaitNanos(int keys) {
        return (long) Math.ceil((double) keys / threads) * meanKeyNanos.get();
    }

    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }

    private void lapse(long now) {
        for (Iterator<Map.Entry<String, Long>> i = admitted.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, Long> e = i.next();
            if (e.getValue() - now < 0) {
                i.remove();
                keyNanos.remove(e.getKey());
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** A unit of work ordered by (priority, arrival). */
    private static final class Task<T> extends FutureTask<T> implements Comparable<Task<?>> {
        private final int priority;
        private final long seq;

        Task(Callable<T> work, int priority, long seq) {
            super(work);
            this.priority = priority;
            this.seq = seq;
        }

        @Override
        public int compareTo(Task<?> o) {
            return priority != o.priority
                    ? Integer.compare(priority, o.priority)
                    : Long.compare(seq, o.seq);
        }
    }
}
