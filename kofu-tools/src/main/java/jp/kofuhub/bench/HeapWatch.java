package jp.kofuhub.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Samples heap use every 20 ms and listens to GC notifications for the heap left after each
 * collection (the live set plus not yet collected old garbage: an upper bound of what the run
 * keeps).
 */
final class HeapWatch {
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakCommitted = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final Thread sampler;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile boolean running = true;

    HeapWatch() {
        Set<String> heapPools = new java.util.HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        NotificationListener listener =
                (n, hb) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                            n.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from(
                                        (CompositeData) n.getUserData());
                        long after = 0;
                        for (Map.Entry<String, MemoryUsage> e :
                                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (heapPools.contains(e.getKey())) {
                                after += e.getValue().getUsed();
                            }
                        }
                        peakAfterGc.accumulateAndGet(after, Math::max);
                    }
                };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(
                        () -> {
                            try {
                                emitter.removeNotificationListener(listener);
                            } catch (javax.management.ListenerNotFoundException ignored) {
                                // already gone
                            }
                        });
            }
        }
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                MemoryUsage u =
                                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                                peakUsed.accumulateAndGet(u.getUsed(), Math::max);
                                peakCommitted.accumulateAndGet(u.getCommitted(), Math::max);
                                try {
                                    Thread.sleep(20);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unsubscribe.forEach(Runnable::run);
    }

    long peakUsed() {
        return peakUsed.get();
    }

    long peakAfterGc() {
        return peakAfterGc.get();
    }

    long peakCommitted() {
        return peakCommitted.get();
    }
}
