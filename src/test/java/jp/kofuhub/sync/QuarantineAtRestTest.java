package jp.kofuhub.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import jp.kofuhub.keys.AtRestCipher;
import jp.kofuhub.registry.ExportFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quarantined file is stored encrypted at rest, read back exactly, across a key rotation; a
 * changed one is refused.
 */
class QuarantineAtRestTest {

    @TempDir Path dir;

    private static final byte[] EXPORT =
            ("#KOFU-EXPORT 1\nmunicipality=012173\n" + "R|012173000001|北広島|太郎\n")
                    .getBytes(StandardCharsets.UTF_8);

    private static String keyLine(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return id + "=" + Base64.getEncoder().encodeToString(k) + "\n";
    }

    private String store(Quarantine q, String name) throws Exception {
        q.store(
                new ByteArrayInputStream(EXPORT),
                name,
                new ExportFileException("BAD_RECORD", "line 1: test"));
        return q.list().stream()
                .filter(e -> e.file().equals(name))
                .findFirst()
                .orElseThrow()
                .storedAs();
    }

    private byte[] read(Quarantine q, String storedAs) throws Exception {
        try (InputStream in = q.open(storedAs)) {
            return in.readAllBytes();
        }
    }

    @Test
    void storedEncryptedReadBackExactlyAndStillReadableAfterANewKeyIsAppended() throws Exception {
        Path keys = dir.resolve("at-rest.keys");
        Files.writeString(keys, "# keys\n" + keyLine("key-a"));
        AtRestCipher cipher = AtRestCipher.load(keys);
        Quarantine q = new Quarantine(dir.resolve("quarantine"), cipher);

        String underA = store(q, "012173_JUKI_000000001_FULL.kexp");
        byte[] onDisk = Files.readAllBytes(dir.resolve("quarantine").resolve(underA));
        String text = new String(onDisk, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("KOFU-EXPORT").doesNotContain("012173").contains("key-a");
        assertThat(read(q, underA)).isEqualTo(EXPORT);
        assertThat(q.find(underA).orElseThrow().size()).isEqualTo(EXPORT.length);
        String reasonJson =
                Files.readString(
                        dir.resolve("quarantine").resolve(underA + Quarantine.REASON_SUFFIX));
        assertThat(reasonJson).contains("BAD_RECORD"); // the reason file stays plain

        // rotation: key B appended; new files use B, the file under A still reads
        Files.writeString(keys, keyLine("key-b"), StandardOpenOption.APPEND);
        Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));
        String underB = store(q, "012173_JUKI_000000002_DELTA.kexp");
        assertThat(
                        new String(
                                Files.readAllBytes(dir.resolve("quarantine").resolve(underB)),
                                StandardCharsets.ISO_8859_1))
                .contains("key-b");
        assertThat(read(q, underA)).isEqualTo(EXPORT);
        assertThat(read(q, underB)).isEqualTo(EXPORT);

        // replaced content (a corrected file) is encrypted under the current key
        byte[] corrected = "#KOFU-EXPORT 1\ncorrected\n".getBytes(StandardCharsets.UTF_8);
        q.replaceContent(underA, new ByteArrayInputStream(corrected));
        assertThat(read(q, underA)).isEqualTo(corrected);
        assertThat(q.find(underA).orElseThrow().size()).isEqualTo(corrected.length);
        assertThat(
                        new String(
                                Files.readAllBytes(dir.resolve("quarantine").resolve(underA)),
                                StandardCharsets.ISO_8859_1))
                .contains("key-b")
                .doesNotContain("corrected");
    }

    @Test
    void aChangedOrPlainStoredFileIsRefused() throws Exception {
        Path keys = dir.resolve("at-rest.keys");
        Files.writeString(keys, keyLine("key-a"));
        Quarantine q = new Quarantine(dir.resolve("quarantine"), AtRestCipher.load(keys));
        String storedAs = store(q, "012173_JUKI_000000003_DELTA.kexp");
        Path stored = dir.resolve("quarantine").resolve(storedAs);

        byte[] b = Files.readAllBytes(stored);
        b[b.length - 3] ^= 0x10;
        Files.write(stored, b);
        assertThatThrownBy(() -> read(q, storedAs))
                .isInstanceOf(AtRestCipher.AtRestException.class);

        Files.write(stored, EXPORT); // a plain file put in its place
        assertThatThrownBy(() -> q.open(storedAs))
                .isInstanceOf(AtRestCipher.AtRestException.class)
                .hasMessageContaining("not encrypted at rest");

        q.discard(storedAs, "tanaka", "test");
        assertThat(q.list()).isEmpty();
    }
}
