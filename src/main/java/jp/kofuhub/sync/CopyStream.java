package jp.kofuhub.sync;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Writes the rows of a FULL snapshot into PostgreSQL with {@code COPY … FROM STDIN}, on the file
 * transaction's own connection (so the rows commit or roll back with the file).
 *
 * <p>Each target table has a buffer of COPY text; when it holds {@link #CHUNK} bytes it becomes one
 * COPY statement, handed to a writer thread. The thread that reads and checks the file goes on
 * while the server inserts: on a two-core machine, parsing and inserting run side by side. At most
 * {@link #QUEUE} chunks wait, so memory stays a few megabytes whatever the file's size.
 *
 * <p>One connection, one user at a time: while the writer owns the connection the caller sends no
 * statement of its own (a FULL only buffers rows), and {@link #finish()} and {@link #close()} wait
 * for the writer before they return. The first failed COPY aborts the transaction; later chunks are
 * dropped and the failure is thrown, translated like any JDBC error, to the caller's next call.
 */
final class CopyStream implements AutoCloseable {

    /** Bytes of COPY text per statement. */
    static final int CHUNK = 512 * 1024;

    /** Chunks handed over but not yet written. */
    private static final int QUEUE = 3;

    /** Distinct dates remembered as text (the snapshot's dates come from a small set). */
    private static final int DATE_CACHE = 200_000;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private record Chunk(String sql, byte[] data, int length) {}

    private static final Chunk END = new Chunk(null, null, 0);

    private final CopyManager copy;
    private final Function<SQLException, RuntimeException> translate;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(QUEUE + 2);
    private final List<Target> targets = new ArrayList<>();
    private final Map<java.sql.Date, byte[]> dateText = new IdentityHashMap<>();
    private final Thread writer;
    private volatile Throwable failure;
    private volatile boolean discard;
    private volatile long written;
    private long submitted;
    private boolean ended;

    CopyStream(CopyManager copy, Function<SQLException, RuntimeException> translate) {
        this.copy = copy;
        this.translate = translate;
        this.writer = new Thread(this::write, "kofu-sync-copy");
        writer.setDaemon(true);
        writer.start();
    }

    /** A table (or a column list of one) that rows are copied into. */
    Target target(String table, String columns) {
        Target t = new Target("copy " + table + " (" + columns + ") from stdin");
        targets.add(t);
        return t;
    }

    /**
     * Sends what every target holds and waits until the server has it all; throws the first
     * failure.
     */
    void finish() {
        for (Target t : targets) {
            t.ship();
        }
        end();
        rethrow();
        if (written != submitted) {
            // never commit a snapshot with a chunk missing
            throw new IllegalStateException(
                    "COPY wrote " + written + " of " + submitted + " chunks");
        }
    }

    /**
     * Stops the writer, dropping what was not written yet; never throws (the transaction is
     * ending).
     */
    @Override
    public void close() {
        if (!ended) {
            discard = true;
            queue.clear();
            end();
        }
    }

    private void end() {
        ended = true;
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                if (queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                // the connection must not go back to the transaction while the writer still uses it
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        if (f instanceof SQLException e) {
            throw translate.apply(e);
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(f);
    }

    /** The writer thread: one COPY statement per chunk, until {@link #END}. */
    private void write() {
        while (true) {
            Chunk c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                continue; // only end() stops the writer
            }
            if (c == END) {
                return;
            }
            if (failure == null && !discard) {
                CopyIn in = null;
                try {
                    in = copy.copyIn(c.sql());
                    in.writeToCopy(c.data(), 0, c.length());
                    in.endCopy();
                    written++; // only this thread writes it
                } catch (SQLException | RuntimeException | Error e) {
                    if (in != null && in.isActive()) {
                        try {
                            in.cancelCopy();
                        } catch (SQLException | RuntimeException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                    }
                    failure = e;
                }
            }
            if (c.data().length == CHUNK + CHUNK / 4) {
                spare.offer(c.data());
            }
        }
    }

    /** The COPY text buffer of one target. */
    final class Target {
        private final String sql;
        private byte[] buf = new byte[CHUNK + CHUNK / 4];
        private int len;

        private Target(String sql) {
            this.sql = sql;
        }

        /** Appends one row (values in the column order of the target). */
        void row(Object[] values) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    put((byte) '\t');
                }
                value(values[i]);
            }
            put((byte) '\n');
            if (len >= CHUNK) {
                ship();
            }
        }

        private void ship() {
            if (len == 0) {
                return;
            }
            rethrow();
            Chunk c = new Chunk(sql, buf, len);
            try {
                while (!queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
                    rethrow();
                    if (!writer.isAlive()) {
                        throw new IllegalStateException(
                                "the COPY writer thread ended unexpectedly");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing a FULL snapshot", e);
            }
            submitted++;
            byte[] next = spare.poll();
            buf = next != null ? next : new byte[CHUNK + CHUNK / 4];
            len = 0;
        }

        private void value(Object v) {
            if (v == null) {
                ensure(2);
                buf[len++] = '\\';
                buf[len++] = 'N';
            } else if (v instanceof String s) {
                text(s);
            } else if (v instanceof Boolean b) {
                put((byte) (b ? 't' : 'f'));
            } else if (v instanceof java.sql.Date d) {
                ascii(date(d));
            } else if (v instanceof Integer || v instanceof Long) {
                ascii(v.toString().getBytes(StandardCharsets.US_ASCII));
            } else if (v instanceof java.math.BigDecimal d) {
                // numeric: the plain decimal text (an impression's size in mm, registry export 1.6)
                ascii(d.toPlainString().getBytes(StandardCharsets.US_ASCII));
            } else if (v instanceof java.util.UUID u) {
                ascii(u.toString().getBytes(StandardCharsets.US_ASCII));
            } else if (v instanceof byte[] b) {
                // bytea in hex form; the backslash itself escaped for COPY text
                ensure(3 + 2 * b.length);
                buf[len++] = '\\';
                buf[len++] = '\\';
                buf[len++] = 'x';
                for (byte x : b) {
                    buf[len++] = HEX[(x >> 4) & 0xf];
                    buf[len++] = HEX[x & 0xf];
                }
            } else {
                throw new IllegalArgumentException(
                        "no COPY text form for " + v.getClass().getName());
            }
        }

        /** UTF-8, with the backslash escaped; TAB, CR and LF cannot occur in a field. */
        private void text(String s) {
            int n = s.length();
            ensure(3 * n);
            byte[] b = buf;
            int p = len;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c == '\\') {
                        b[p++] = '\\';
                    }
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xc0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < n
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xf0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (cp & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    b[p++] =
                            '?'; // as String.getBytes(UTF_8) does; a decoded export never holds one
                } else {
                    b[p++] = (byte) (0xe0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (c & 0x3f));
                }
            }
            len = p;
        }

        private void ascii(byte[] a) {
            ensure(a.length);
            System.arraycopy(a, 0, buf, len, a.length);
            len += a.length;
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }
    }

    /**
     * yyyy-mm-dd; the writer hands the same Date instance for the same era date, so this is cached
     * by identity.
     */
    private byte[] date(java.sql.Date d) {
        byte[] t = dateText.get(d);
        if (t == null) {
            t = d.toString().getBytes(StandardCharsets.US_ASCII);
            if (dateText.size() < DATE_CACHE) {
                dateText.put(d, t);
            }
        }
        return t;
    }
}
