package jp.kofuhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for the fault-injection suite (issue #22): between a hub and PostgreSQL or the koseki
 * server, on a free local port. Modes, switched at any time:
 *
 * <ul>
 *   <li>{@link Mode#PASS}: bytes go through;
 *   <li>{@link Mode#DELAY}: every chunk is delivered {@link #delayMs} later, in order (latency);
 *   <li>{@link Mode#SLOW_ANSWER}: requests go through at once, the answers are held until {@link
 *       #delayMs} after the connection's last request bytes were forwarded (a server that answers
 *       in that time, whatever its own work took below it) — for "just under / just over a
 *       timeout";
 *   <li>{@link Mode#BLACKHOLE}: new connections are accepted and never answered, bytes on open ones
 *       are held (not lost) until the mode changes — a hung peer, not a refusing one;
 *   <li>{@link Mode#DROP}: new connections are closed at once.
 * </ul>
 *
 * {@link #cut()} closes every open connection (both ends), as a cable pulled or a restart of the
 * peer would. Plain sockets, two threads per connection.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode {
        PASS,
        DELAY,
        SLOW_ANSWER,
        BLACKHOLE,
        DROP
    }

    private final String name;
    private final int target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    /** Connections accepted while blackholed: closed when the mode changes (never connected). */
    private final Set<Socket> unanswered = ConcurrentHashMap.newKeySet();

    private final Object modeChanged = new Object();
    private final ScheduledExecutorService later = Executors.newScheduledThreadPool(1);
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMs;
    private volatile boolean closed;
    private final AtomicLong accepted = new AtomicLong();

    /**
     * One-shot: the next connection whose client sends these bytes gets no answer until released.
     */
    private volatile byte[] holdPattern;

    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong holds = new AtomicLong();

    public FaultProxy(String name, int targetPort) throws IOException {
        this(name, 0, targetPort);
    }

    /** A proxy listening on {@code listenPort} (0: a free one) of the loopback address. */
    public FaultProxy(String name, int listenPort, int targetPort) throws IOException {
        this.name = name;
        this.target = targetPort;
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
        Thread t = new Thread(this::acceptLoop, "proxy-" + name + "-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public long accepted() {
        return accepted.get();
    }

    public Mode mode() {
        return mode;
    }

    public void pass() {
        set(Mode.PASS, 0);
    }

    public void delay(long ms) {
        set(Mode.DELAY, ms);
    }

    /** Answers arrive {@code ms} after the request (see {@link Mode#SLOW_ANSWER}). */
    public void answerAfter(long ms) {
        set(Mode.SLOW_ANSWER, ms);
    }

    public void blackhole() {
        set(Mode.BLACKHOLE, 0);
    }

    public void drop() {
        set(Mode.DROP, 0);
    }

    private void set(Mode m, long ms) {
        synchronized (modeChanged) {
            delayMs = ms;
            mode = m;
            modeChanged.notifyAll();
        }
        if (m != Mode.BLACKHOLE) {
            for (Socket s : unanswered) {
                closeQuietly(s);
                open.remove(s);
            }
            unanswered.clear();
        }
    }

    /**
     * The next client chunk containing {@code text} (e.g. a statement's SQL) is forwarded, and then
     * that connection's answers are held back until {@link #releaseHeld}: its database session sits
     * idle inside the transaction, holding its locks, as a frozen instance's would.
     */
    public void holdAnswersAfter(String text) {
        holdPattern = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** How many connections were held by {@link #holdAnswersAfter} so far. */
    public long holds() {
        return holds.get();
    }

    public void releaseHeld() {
        synchronized (modeChanged) {
            held.clear();
            modeChanged.notifyAll();
        }
    }

    /** Closes every open connection through the proxy. */
    public void cut() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Mode now = mode;
            if (now == Mode.DROP) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            if (now == Mode.BLACKHOLE) {
                unanswered.add(client);
                continue; // accepted, never answered; closed by cut() or close()
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
                open.add(upstream);
                AtomicLong requestAt = new AtomicLong(System.nanoTime());
                pump(client, upstream, "up", null, requestAt);
                pump(upstream, client, "down", client, requestAt);
            } catch (IOException e) {
                open.remove(client);
                closeQuietly(client);
            }
        }
    }

    private void pump(
            Socket from, Socket to, String direction, Socket heldClient, AtomicLong requestAt) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] buf = new byte[16 * 1024];
                            // the time the previous chunk was delivered: chunks never overtake
                            long[] last = {0};
                            try (InputStream in = from.getInputStream()) {
                                OutputStream out = to.getOutputStream();
                                int n;
                                while ((n = in.read(buf)) > 0) {
                                    holdWhileBlackholed();
                                    byte[] chunk = Arrays.copyOf(buf, n);
                                    byte[] pattern = holdPattern;
                                    if (heldClient == null
                                            && pattern != null
                                            && contains(chunk, pattern)) {
                                        holdPattern = null;
                                        held.add(from);
                                        holds.incrementAndGet();
                                    }
                                    if (heldClient != null) {
                                        holdWhileHeld(heldClient);
                                    }
                                    if (heldClient == null) {
                                        requestAt.set(System.nanoTime());
                                    }
                                    if (heldClient != null
                                            && mode == Mode.SLOW_ANSWER
                                            && delayMs > 0) {
                                        long at =
                                                Math.max(
                                                        last[0],
                                                        requestAt.get()
                                                                + TimeUnit.MILLISECONDS.toNanos(
                                                                        delayMs));
                                        last[0] = at;
                                        // this pump waits for each write: chunks due at the same
                                        // time are never reordered
                                        try {
                                            later.schedule(
                                                            () -> write(out, chunk, from, to),
                                                            Math.max(0, at - System.nanoTime()),
                                                            TimeUnit.NANOSECONDS)
                                                    .get();
                                        } catch (java.util.concurrent.ExecutionException e) {
                                            throw new IOException(e.getCause());
                                        }
                                    } else if (mode == Mode.DELAY && delayMs > 0) {
                                        long at =
                                                Math.max(
                                                        last[0],
                                                        System.nanoTime()
                                                                + TimeUnit.MILLISECONDS.toNanos(
                                                                        delayMs));
                                        last[0] = at;
                                        later.schedule(
                                                () -> write(out, chunk, from, to),
                                                at - System.nanoTime(),
                                                TimeUnit.NANOSECONDS);
                                    } else if (last[0] > System.nanoTime()) {
                                        // delayed chunks still queued: keep the order
                                        later.schedule(
                                                () -> write(out, chunk, from, to),
                                                last[0] - System.nanoTime(),
                                                TimeUnit.NANOSECONDS);
                                    } else {
                                        out.write(chunk);
                                        out.flush();
                                    }
                                }
                            } catch (IOException | InterruptedException e) {
                                // closed: end both sides
                            } finally {
                                later.schedule(
                                        () -> {
                                            closeQuietly(from);
                                            closeQuietly(to);
                                            open.remove(from);
                                            open.remove(to);
                                        },
                                        Math.max(0, last[0] - System.nanoTime()),
                                        TimeUnit.NANOSECONDS);
                            }
                        },
                        "proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void holdWhileBlackholed() throws InterruptedException {
        synchronized (modeChanged) {
            while (mode == Mode.BLACKHOLE && !closed) {
                modeChanged.wait();
            }
        }
    }

    private void holdWhileHeld(Socket client) throws InterruptedException {
        synchronized (modeChanged) {
            while (held.contains(client) && !closed) {
                modeChanged.wait();
            }
        }
    }

    static boolean contains(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void write(OutputStream out, byte[] chunk, Socket from, Socket to) {
        try {
            out.write(chunk);
            out.flush();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (modeChanged) {
            held.clear();
            modeChanged.notifyAll();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        cut();
        later.shutdownNow();
    }

    @Override
    public String toString() {
        return "proxy " + name + " :" + port() + " → :" + target + " " + mode;
    }
}
