package jp.kofuhub.keys;

/**
 * How far the content of one OpenPGP message may inflate (issue #16, "bounded work"): at most
 * {@code maxBytes} bytes of plaintext, and — once past {@link #RATIO_FLOOR} — at most {@code
 * maxRatio} times the bytes of the message read so far. Checked by {@link BoundedInflation} while
 * the content streams, before anything is buffered or written; a message over either limit is
 * refused {@code MESSAGE_TOO_LARGE}. One per boundary, from {@code
 * kofu.inflation.<boundary>.max-bytes} and {@code .max-ratio} ({@link PgpMessagesBeans}): {@link
 * #CENTRE}, {@link #KOSEKI}, {@link #EXPORT} are the defaults.
 *
 * @param maxBytes the largest plaintext accepted, in bytes (counted after decryption and after
 *     decompression)
 * @param maxRatio the largest ratio of plaintext to message bytes read, judged once the plaintext
 *     exceeds {@link #RATIO_FLOOR}
 */
public record InflationLimit(long maxBytes, long maxRatio) {

    /**
     * Plaintext up to this size is never judged by its ratio (a small, very regular message
     * compresses well).
     */
    public static final long RATIO_FLOOR = 1L << 20;

    /** An issuance-centre request: a JSON request of at most 4096 bytes; 64 KiB leaves room. */
    public static final InflationLimit CENTRE = new InflationLimit(64L * 1024, 100);

    /** A koseki server's answer: one certificate PDF (tens to hundreds of KiB). */
    public static final InflationLimit KOSEKI = new InflationLimit(16L * 1024 * 1024, 100);

    /** A registry export file: a FULL is about 1 GB and compresses less than 10:1. */
    public static final InflationLimit EXPORT = new InflationLimit(4L * 1024 * 1024 * 1024, 100);

    public InflationLimit {
        if (maxBytes <= 0 || maxRatio <= 0) {
            throw new IllegalArgumentException(
                    "inflation limits must be positive (max-bytes "
                            + maxBytes
                            + ", max-ratio "
                            + maxRatio
                            + ")");
        }
    }
}
