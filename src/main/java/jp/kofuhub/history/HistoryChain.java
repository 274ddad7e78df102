package jp.kofuhub.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash of one history row: {@code row_hash = SHA-256 hex (prev_hash + "\n" + canonical line)}.
 *
 * <p>The canonical line is the row's fields in the order of {@link HistoryEntry}, separated by a
 * tab: municipality, recorded_at (UTC instant, milliseconds: {@code 2024-06-01T00:00:00.123Z}),
 * transaction id, store, terminal, holder 宛名番号, kind, printed options, sheets, 発行番号, fee, outcome,
 * refusal code — and, only when either is set (operator rows: the stop switch, V8), operator and
 * reason; rows without them hash exactly as before V8. A null is written as the empty string; in
 * values a backslash, tab, line feed and carriage return are escaped ({@code \\ \t \n \r}), so no
 * value can forge a separator. The sequence number is not in the line: a row's place is fixed by
 * the previous row's hash it carries, so a row moved elsewhere still hashes correctly but no longer
 * links — that is how {@link IssuanceHistory#verify} tells REORDERED from ALTERED.
 *
 * <p>Changing anything here breaks every stored chain: it is the format of the evidence.
 */
public final class HistoryChain {

    /** The previous hash of a chain's first row. */
    public static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

    private HistoryChain() {}

    /**
     * The recorded time as stored and hashed: the same instant, in UTC, truncated to milliseconds.
     */
    public static OffsetDateTime stored(OffsetDateTime t) {
        return t.toInstant().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
    }

    /** The canonical line of a row's fields (no trailing line feed). */
    public static String line(HistoryEntry e) {
        StringBuilder b = new StringBuilder(160);
        field(b, e.municipality());
        field(b, INSTANT.format(stored(e.recordedAt())));
        field(b, e.transactionId());
        field(b, e.store());
        field(b, e.terminal());
        field(b, e.holderAtena());
        field(b, e.kind());
        field(b, e.printedOptions());
        field(b, Integer.toString(e.sheets()));
        field(b, e.issueNumber());
        field(b, Integer.toString(e.fee()));
        field(b, e.outcome());
        field(b, e.refusalCode());
        if (e.operator() != null || e.reason() != null) {
            field(b, e.operator());
            field(b, e.reason());
        }
        return b.substring(1);
    }

    /** {@code SHA-256 hex (prevHash + "\n" + line)}, lower case. */
    public static String hash(String prevHash, String line) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(prevHash.getBytes(StandardCharsets.UTF_8));
            d.update((byte) '\n');
            d.update(line.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The hash of a row with these fields after {@code prevHash}. */
    public static String rowHash(String prevHash, HistoryEntry e) {
        return hash(prevHash, line(e));
    }

    private static void field(StringBuilder b, String v) {
        b.append('\t');
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
    }
}
