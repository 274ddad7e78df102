package jp.kofuhub.sync;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room {@link PgpInbox} may use in {@code kofu.sync.pgp.work-dir} to decrypt a registry export
 * file (a FULL is about 1 GB), decided before the work is done and kept while it is done (issue
 * #22, "inbox disk full while a FULL is decrypted"):
 *
 * <ul>
 *   <li>the <b>cap</b> {@code kofu.sync.pgp.work-max-bytes}: everything in the folder (the file
 *       being decrypted and whatever else lies there) stays at or below it;
 *   <li>the <b>reserve</b> {@code kofu.sync.pgp.work-reserve-bytes}: the volume under the folder
 *       keeps at least that much free for what shares it (the database, logs, the SFTP download
 *       folder) — checked before a file is started and again every MiB written;
 *   <li>the disk's own "no space left on device" (another writer took the room between two checks)
 *       is recognised as the same fault.
 * </ul>
 *
 * <p>Before a file is decrypted ({@link #checkRoom}) the room must hold at least the received file
 * (its plaintext is rarely smaller), and for a file that ran out of room before, more than it
 * reached then (+10 %): a FULL that does not fit is not decrypted again at every poll, only once
 * the room has grown. Each refusal is a {@link WorkDirFullException} ({@code WORK_DIR_FULL}): the
 * file stays in the inbox, nothing of it applied, its partial plaintext deleted by the caller. The
 * files waiting for room are kept here for the health component {@code syncWork} and the meters
 * {@code kofu.sync.work.*}; the first refusal of a file is one WARN line, the recovery one INFO
 * line (file names, byte counts and settings only — never content). A file not tried again for
 * {@link #FORGET} is forgotten (taken out of the inbox, or the leadership moved on).
 */
public final class SyncWorkSpace {

    private static final Logger LOG = LoggerFactory.getLogger(SyncWorkSpace.class);

    /** Free space on the volume is asked again after this many bytes written. */
    static final long CHECK_EVERY = 1L << 20;

    /** A waiting file not tried again for this long is forgotten. */
    public static final Duration FORGET = Duration.ofMinutes(5);

    private static final long MARGIN = 1L << 16;

    private final Path dir;
    private final long maxBytes;
    private final long reserveBytes;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();

    /**
     * A file waiting for room: its size as received, how far its plaintext got before the room ran
     * out (0 when it was refused before a byte was written), the room it needs to be tried again.
     */
    public record Waiting(
            String file,
            long receivedBytes,
            long reachedBytes,
            long neededBytes,
            Instant since,
            Instant lastAttempt,
            long attempts,
            String why) {}

    /**
     * @param maxBytes the cap on the folder's content, in bytes (positive)
     * @param reserveBytes the free space the volume keeps, in bytes (0: none)
     */
    public SyncWorkSpace(Path dir, long maxBytes, long reserveBytes, Clock clock) {
        if (maxBytes <= 0 || reserveBytes < 0) {
            throw new IllegalArgumentException(
                    "kofu.sync.pgp.work-max-bytes must be positive and work-reserve-bytes not"
                            + " negative (got "
                            + maxBytes
                            + ", "
                            + reserveBytes
                            + ")");
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.reserveBytes = reserveBytes;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long reserveBytes() {
        return reserveBytes;
    }

    /** Attempts refused for want of room since start (meter {@code kofu.sync.work.full}). */
    public long refusals() {
        return refusals.get();
    }

    /** The files waiting for room, oldest first. */
    public List<Waiting> waiting() {
        prune();
        return waiting.values().stream().sorted(Comparator.comparing(Waiting::since)).toList();
    }

    /** Bytes of the files in the folder now (0 when it does not exist). */
    public long used() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                try {
                    if (Files.isRegularFile(p)) {
                        sum += Files.size(p);
                    }
                } catch (IOException e) {
                    // removed while listed
                }
            }
        } catch (IOException e) {
            LOG.debug("sync: cannot list the work folder ({})", e.getClass().getSimpleName());
        }
        return sum;
    }

    /**
     * Free bytes of the volume under the folder for this process (the folder's nearest existing
     * parent when it is not made yet); {@link Long#MAX_VALUE} when it cannot be asked.
     */
    public long usable() {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("sync: cannot ask the free space ({})", e.getClass().getSimpleName());
            return Long.MAX_VALUE;
        }
    }

    /** The room now, and what limits it. */
    record Room(long bytes, String why) {}

    Room room() {
        long used = used();
        long capRoom = maxBytes - used;
        long free = usable();
        long diskRoom = free == Long.MAX_VALUE ? Long.MAX_VALUE : free - reserveBytes;
        if (capRoom <= diskRoom) {
            return new Room(
                    Math.max(0, capRoom),
                    "the work folder holds "
                            + used
                            + " of its "
                            + maxBytes
                            + " bytes (kofu.sync.pgp.work-max-bytes)");
        }
        return new Room(
                Math.max(0, diskRoom),
                "the volume has "
                        + free
                        + " bytes free, of which "
                        + reserveBytes
                        + " are kept for others (kofu.sync.pgp.work-reserve-bytes)");
    }

    /**
     * Before {@code file} is decrypted: the room must hold what it needs ({@link #needed}), else
     * {@link WorkDirFullException} without any work done.
     *
     * @param receivedBytes the received (encrypted) file's size, -1 when unknown
     */
    public void checkRoom(String file, long receivedBytes) throws WorkDirFullException {
        prune();
        long needed = needed(file, receivedBytes);
        Room room = room();
        if (room.bytes() < needed) {
            throw refused(
                    file,
                    receivedBytes,
                    0,
                    needed,
                    "no room to start: the file needs at least "
                            + needed
                            + " bytes, "
                            + room.why());
        }
    }

    /**
     * The least room {@code file} needs to be tried: the received size, and more than its plaintext
     * reached when it last ran out of room.
     */
    long needed(String file, long receivedBytes) {
        long needed = Math.max(0, receivedBytes);
        Waiting w = waiting.get(file);
        if (w != null && w.receivedBytes() == receivedBytes) {
            needed = Math.max(needed, neededAfter(w.reachedBytes()));
        }
        return needed;
    }

    /**
     * {@code out} (the temporary file of {@code file}) bounded by the room: a write that would pass
     * the cap, or leave less than the reserve free, or that the disk refuses for want of space,
     * throws {@link WorkDirFullException} and nothing of it is written.
     */
    public OutputStream guard(OutputStream out, String file, long receivedBytes) {
        long capLeft = maxBytes - used();
        return new FilterOutputStream(out) {
            private long written;
            private long nextCheck;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > capLeft) {
                    throw ranOut(
                            len,
                            "the work folder may hold "
                                    + maxBytes
                                    + " bytes (kofu.sync.pgp.work-max-bytes)");
                }
                if (written + len >= nextCheck) {
                    long free = usable();
                    if (free != Long.MAX_VALUE && free - len < reserveBytes) {
                        throw ranOut(
                                len,
                                free
                                        + " bytes free on the volume, "
                                        + reserveBytes
                                        + " are kept for others (kofu.sync.pgp.work-reserve-bytes)");
                    }
                    nextCheck = written + len + CHECK_EVERY;
                }
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw noSpace(e) ? ranOut(len, "the disk is full (" + e.getMessage() + ")") : e;
                }
                written += len;
            }

            /** Refused with {@code len} more bytes to write after {@code written}. */
            private WorkDirFullException ranOut(int len, String why) {
                return refused(
                        file,
                        receivedBytes,
                        written + len,
                        written + len,
                        "ran out of room after " + written + " bytes: " + why);
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw noSpace(e)
                            ? refused(
                                    file,
                                    receivedBytes,
                                    written,
                                    written,
                                    "the disk is full (" + e.getMessage() + ")")
                            : e;
                }
            }
        };
    }

    /**
     * {@code e} as {@link WorkDirFullException} when it says the disk is full (e.g. the temporary
     * file could not be made), else {@code e} itself.
     */
    public IOException translate(IOException e, String file, long receivedBytes) {
        if (e instanceof WorkDirFullException || !noSpace(e)) {
            return e;
        }
        return refused(
                file,
                receivedBytes,
                0,
                needed(file, receivedBytes),
                "the disk is full (" + e.getMessage() + ")");
    }

    /** The disk's own "full" (ENOSPC, EDQUOT; Windows' wording), anywhere in the causes. */
    static boolean noSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null
                    && (m.contains("No space left on device")
                            || m.contains("Disk quota exceeded")
                            || m.contains("not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code file} was decrypted (or refused for its own fault): it waits no more. */
    public void done(String file) {
        Waiting w = waiting.remove(file);
        if (w != null) {
            LOG.info(
                    "sync {}: room in the work folder again, decrypted after {} attempt(s) refused"
                            + " {} over {} s",
                    file,
                    w.attempts(),
                    WorkDirFullException.CODE,
                    Duration.between(w.since(), clock.instant()).toSeconds());
        }
    }

    private WorkDirFullException refused(
            String file, long receivedBytes, long reached, long needed, String why) {
        refusals.incrementAndGet();
        Instant now = clock.instant();
        Waiting before = waiting.get(file);
        boolean first = before == null || before.receivedBytes() != receivedBytes;
        long reachedBytes = first ? reached : Math.max(before.reachedBytes(), reached);
        long neededBytes =
                Math.max(Math.max(needed, Math.max(0, receivedBytes)), neededAfter(reachedBytes));
        Waiting w =
                new Waiting(
                        file,
                        receivedBytes,
                        reachedBytes,
                        neededBytes,
                        first ? now : before.since(),
                        now,
                        first ? 1 : before.attempts() + 1,
                        why);
        waiting.put(file, w);
        if (first) {
            LOG.warn(
                    "sync {}: {} — {}; nothing applied, not quarantined for it: the file stays"
                            + " where it is (the inbox) and is decrypted again once there is room"
                            + " for {} bytes",
                    file,
                    WorkDirFullException.CODE,
                    why,
                    w.neededBytes());
        } else {
            LOG.debug(
                    "sync {}: {} again (attempt {}): {}",
                    file,
                    WorkDirFullException.CODE,
                    w.attempts(),
                    why);
        }
        return new WorkDirFullException(file, w.neededBytes(), why);
    }

    /** More than a file reached when it ran out of room (+10 %): the room it needs next time. */
    private static long neededAfter(long reachedBytes) {
        return reachedBytes > 0 ? reachedBytes + reachedBytes / 10 + MARGIN : 0;
    }

    private void prune() {
        Instant horizon = clock.instant().minus(FORGET);
        waiting.values().removeIf(w -> w.lastAttempt().isBefore(horizon));
    }
}
