package jp.kofuhub.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room of the decryption work folder (issue #22): the byte cap, the reserve kept free on the
 * volume, the disk's own "no space left" — each a {@link WorkDirFullException} ({@code
 * WORK_DIR_FULL}) decided before the bytes are written; a file that ran out of room is not started
 * again until the room has grown; waiting files are shown and forgotten.
 */
class SyncWorkSpaceTest {

    @TempDir Path dir;

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T03:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MutableClock clock = new MutableClock();

    @Test
    void theCapStopsTheWriteBeforeItPassesAndTheFileIsNotStartedAgainUntilThereIsRoom()
            throws Exception {
        SyncWorkSpace space = new SyncWorkSpace(dir, 4_000_000, 0, clock);
        Files.write(dir.resolve("other"), new byte[1_600_000]);
        space.checkRoom("a.kexp.pgp", 300_000); // 2.4 MB free, 300 kB received: starts
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = space.guard(sink, "a.kexp.pgp", 300_000);
        out.write(new byte[2_000_000]);
        assertThatThrownBy(() -> out.write(new byte[500_000]))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageStartingWith("WORK_DIR_FULL: ran out of room after 2000000 bytes")
                .hasMessageContaining("kofu.sync.pgp.work-max-bytes");
        assertThat(sink.size()).isEqualTo(2_000_000); // nothing of the refused write was written
        SyncWorkSpace.Waiting w = space.waiting().get(0);
        assertThat(w.file()).isEqualTo("a.kexp.pgp");
        assertThat(w.reachedBytes()).isEqualTo(2_500_000);
        assertThat(w.neededBytes()).isGreaterThan(2_500_000);
        assertThat(w.attempts()).isEqualTo(1);

        // the next poll: 2.4 MB free but it needs more than 2.5 MB — refused before any work
        assertThatThrownBy(() -> space.checkRoom("a.kexp.pgp", 300_000))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("no room to start");
        assertThat(space.waiting().get(0).attempts()).isEqualTo(2);
        assertThat(space.refusals()).isEqualTo(2);
        // another (small) file still goes
        space.checkRoom("b.kexp.pgp", 100_000);

        // room again: started, and once decrypted no longer waiting
        Files.delete(dir.resolve("other"));
        space.checkRoom("a.kexp.pgp", 300_000);
        space.done("a.kexp.pgp");
        assertThat(space.waiting()).isEmpty();
    }

    @Test
    void theReserveKeepsTheVolumeFromFilling() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        // a reserve above what is free: nothing may be started, and the reason names the setting
        SyncWorkSpace space = new SyncWorkSpace(dir, Long.MAX_VALUE, free + (1L << 30), clock);
        assertThatThrownBy(() -> space.checkRoom("a.kexp.pgp", 10))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("kofu.sync.pgp.work-reserve-bytes");
        // checked again while writing, before the first byte
        OutputStream out = space.guard(new ByteArrayOutputStream(), "a.kexp.pgp", 10);
        assertThatThrownBy(() -> out.write(new byte[10]))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("kofu.sync.pgp.work-reserve-bytes");
    }

    @Test
    void theDisksOwnNoSpaceLeftIsTheSameFault() throws Exception {
        SyncWorkSpace space = new SyncWorkSpace(dir, Long.MAX_VALUE, 0, clock);
        OutputStream full =
                new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("No space left on device");
                    }
                };
        assertThatThrownBy(() -> space.guard(full, "a.kexp.pgp", 10).write(new byte[10]))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("the disk is full");
        // another I/O failure stays what it is (not the room)
        OutputStream broken =
                new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Input/output error");
                    }
                };
        assertThatThrownBy(() -> space.guard(broken, "a.kexp.pgp", 10).write(1))
                .isNotInstanceOf(WorkDirFullException.class)
                .hasMessage("Input/output error");
        assertThat(space.translate(new IOException("No space left on device"), "b", 1))
                .isInstanceOf(WorkDirFullException.class);
    }

    @Test
    void aWaitingFileNotTriedAgainIsForgotten() throws Exception {
        SyncWorkSpace space = new SyncWorkSpace(dir, 10, 0, clock);
        assertThatThrownBy(() -> space.checkRoom("gone.kexp.pgp", 100))
                .isInstanceOf(WorkDirFullException.class);
        assertThat(space.waiting()).hasSize(1);
        clock.now = clock.now.plus(SyncWorkSpace.FORGET).plus(Duration.ofSeconds(1));
        assertThat(space.waiting()).isEmpty();
    }

    /**
     * The real thing where permitted: a 1.5 MiB tmpfs, no cap, no reserve — the kernel's ENOSPC
     * (between two free-space checks, one per MiB) is WORK_DIR_FULL. Skipped where mount is not
     * permitted.
     */
    @Test
    void aRealFullTmpfs() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", mnt.toString()),
                "mount is not permitted here");
        try {
            SyncWorkSpace space = new SyncWorkSpace(mnt, Long.MAX_VALUE, 0, clock);
            Path tmp = mnt.resolve(".decrypt-1.kexp");
            try (OutputStream out = space.guard(Files.newOutputStream(tmp), "a.kexp.pgp", -1)) {
                byte[] buf = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
                assertThatThrownBy(
                                () -> {
                                    for (int i = 0; i < 64; i++) {
                                        out.write(buf);
                                    }
                                })
                        .isInstanceOf(WorkDirFullException.class)
                        .hasMessageContaining("No space left on device");
            }
            assertThat(space.waiting().get(0).reachedBytes()).isBetween(1L << 20, 2L << 20);
        } finally {
            run("umount", mnt.toString());
        }
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
