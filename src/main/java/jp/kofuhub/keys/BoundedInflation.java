package jp.kofuhub.keys;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The plaintext of an OpenPGP message as it is decrypted and decompressed, counted as it streams:
 * the read that takes it past the {@link InflationLimit} (its size, or its ratio to the message
 * bytes read so far) fails with {@link Exceeded}, so no more than one buffer beyond the limit is
 * ever inflated, buffered or written. The one bounded-inflation stream of every boundary (centre
 * requests, koseki answers, registry export files), through {@link PgpOpener}. {@link #exceeded()}
 * remembers the refusal, for when a library wraps or swallows the exception.
 */
public final class BoundedInflation extends FilterInputStream {

    /** The limit was crossed: the message is refused {@value #CODE}. */
    public static final class Exceeded extends IOException {
        Exceeded(String message) {
            super(message);
        }
    }

    /** The refusal code of a message over its limit. */
    public static final String CODE = "MESSAGE_TOO_LARGE";

    /** The raw message as it is read: counts bytes (the denominator of the ratio). */
    public static final class Counted extends FilterInputStream {
        private long count;

        public Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += Math.max(0, s);
            return s;
        }

        public long count() {
            return count;
        }
    }

    private final Counted source;
    private final InflationLimit limit;
    private long count;
    private Exceeded exceeded;

    /**
     * @param plain the decrypted or decompressed stream to count
     * @param source the raw message it comes from (counted)
     */
    public BoundedInflation(InputStream plain, Counted source, InflationLimit limit) {
        super(plain);
        this.source = source;
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        check();
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are inflated all the same: read them through the count
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    /** The plaintext bytes read so far. */
    public long count() {
        return count;
    }

    /**
     * The refusal, once the limit was crossed (also when the exception was swallowed on the way),
     * else null.
     */
    public Exceeded exceeded() {
        return exceeded;
    }

    private void add(int n) throws Exceeded {
        count += n;
        if (count > limit.maxBytes()) {
            exceeded = new Exceeded("the content inflates beyond " + limit.maxBytes() + " bytes");
        } else if (count > InflationLimit.RATIO_FLOOR
                && count > limit.maxRatio() * Math.max(1, source.count())) {
            exceeded =
                    new Exceeded(
                            "the content inflates more than "
                                    + limit.maxRatio()
                                    + " times the "
                                    + source.count()
                                    + " bytes of the message read so far");
        }
        check();
    }

    private void check() throws Exceeded {
        if (exceeded != null) {
            throw exceeded;
        }
    }
}
