package jp.kofuhub.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PgpInbox} with a {@link SyncWorkSpace} that has no room (issue #22): a file refused before
 * it is started has its received stream closed (it is refused at every poll: no open file may be
 * left behind each time) and nothing written; a file that runs out of room while it is decrypted
 * leaves no partial plaintext; with room, the same file opens. Keys: the run's demo key set.
 */
class PgpInboxWorkSpaceTest {

    @TempDir Path dir;

    static final char[] PASSWORD = "changeit-demo".toCharArray();

    /** An input stream that remembers whether it was closed. */
    static final class Watched extends FilterInputStream {
        boolean closed;

        Watched(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    private PgpInbox inbox(Path work, SyncWorkSpace space) {
        return new PgpInbox(
                true,
                TestHub.KEYS.resolve("hub.pgp.sec"),
                PASSWORD,
                Map.of("JUKI", TestHub.KEYS.resolve("juki.pgp.pub")),
                work,
                null,
                InflationLimit.EXPORT,
                space);
    }

    /** {@code bytes} of plaintext (not very compressible), sealed by juki for the hub. */
    private Path sealed(int bytes) throws Exception {
        StringBuilder b = new StringBuilder();
        java.util.Random r = new java.util.Random(22);
        while (b.length() < bytes) {
            b.append(Long.toHexString(r.nextLong())).append('\n');
        }
        Path plain = dir.resolve("990081_JUKI_000000001_FULL.kexp");
        Files.writeString(plain, b, StandardCharsets.US_ASCII);
        return PgpFiles.seal(
                plain,
                dir.resolve(plain.getFileName() + ".pgp"),
                PgpFiles.unlock(
                        PgpFiles.signingKey(
                                PgpFiles.secretKeys(TestHub.KEYS.resolve("juki.pgp.sec"))),
                        PASSWORD),
                PgpFiles.encryptionKey(PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub"))),
                false);
    }

    private static long files(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(work)) {
            return s.count();
        }
    }

    @Test
    void refusedBeforeItStartsTheReceivedStreamIsClosedAndNothingWritten() throws Exception {
        Path file = sealed(200_000);
        Path work = dir.resolve("work");
        SyncWorkSpace space = new SyncWorkSpace(work, 1000, 0, Clock.systemUTC());
        Watched body = new Watched(Files.newInputStream(file));
        assertThatThrownBy(
                        () ->
                                inbox(work, space)
                                        .open(
                                                body,
                                                file.getFileName().toString(),
                                                Files.size(file)))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("no room to start");
        assertThat(body.closed).isTrue();
        assertThat(files(work)).isZero();
    }

    @Test
    void runningOutOfRoomWhileDecryptingLeavesNoPartialFileAndTheSameFileOpensWithRoom()
            throws Exception {
        Path file = sealed(3_000_000);
        long received = Files.size(file);
        Path work = dir.resolve("work");
        // room for the received file, not for its plaintext: it starts, then runs out
        SyncWorkSpace small = new SyncWorkSpace(work, received + 100_000, 0, Clock.systemUTC());
        Watched body = new Watched(Files.newInputStream(file));
        String name = file.getFileName().toString();
        assertThatThrownBy(() -> inbox(work, small).open(body, name, received))
                .isInstanceOf(WorkDirFullException.class)
                .hasMessageContaining("ran out of room");
        assertThat(body.closed).isTrue();
        assertThat(files(work)).isZero(); // the partial plaintext is gone
        assertThat(small.waiting())
                .singleElement()
                .extracting(SyncWorkSpace.Waiting::file)
                .isEqualTo(name);

        SyncWorkSpace roomy = new SyncWorkSpace(work, 10_000_000, 0, Clock.systemUTC());
        try (InputStream plain =
                inbox(work, roomy).open(Files.newInputStream(file), name, received)) {
            assertThat(plain.readAllBytes()).hasSizeGreaterThanOrEqualTo(3_000_000);
        }
        assertThat(files(work)).isZero();
        assertThat(roomy.waiting()).isEmpty();
    }
}
