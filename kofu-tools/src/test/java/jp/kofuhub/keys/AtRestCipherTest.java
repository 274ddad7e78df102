package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import jp.kofuhub.demo.DemoKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The at-rest format: round trips, fresh IVs, rotation, and refusal of changed or foreign messages.
 */
class AtRestCipherTest {

    @TempDir Path dir;

    private static String keyLine(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return id + "=" + Base64.getEncoder().encodeToString(k) + "\n";
    }

    private Path keyFile(String... lines) throws IOException {
        Path f = dir.resolve("at-rest.keys");
        Files.writeString(f, "# test keys\n" + String.join("", lines));
        return f;
    }

    @Test
    void roundTripsAnySizeAndNeverShowsThePlaintext() throws Exception {
        AtRestCipher c = AtRestCipher.load(keyFile(keyLine("a")));
        Random r = new Random(7);
        for (int size :
                new int[] {
                    0,
                    1,
                    100,
                    AtRestFormat.SEGMENT - 1,
                    AtRestFormat.SEGMENT,
                    AtRestFormat.SEGMENT + 1,
                    3 * AtRestFormat.SEGMENT,
                    3 * AtRestFormat.SEGMENT + 17
                }) {
            byte[] plain = new byte[size];
            r.nextBytes(plain);
            byte[] sealed = c.encrypt(plain);
            assertThat(c.decrypt(sealed)).as("size %d", size).isEqualTo(plain);
        }
        byte[] marker = "012173 北広島市 山田太郎".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = c.encrypt(marker);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("012173");
        assertThat(Arrays.copyOf(sealed, 4)).isEqualTo("KFAR".getBytes(StandardCharsets.US_ASCII));
        // a fresh IV per message: the same plaintext twice gives different ciphertexts
        assertThat(c.encrypt(marker)).isNotEqualTo(sealed);
    }

    @Test
    void streamsLargeContentThroughInSegments() throws Exception {
        AtRestCipher c = AtRestCipher.load(keyFile(keyLine("a")));
        Path plainFile = dir.resolve("plain");
        Path sealedFile = dir.resolve("sealed");
        byte[] chunk = new byte[10_000];
        new Random(1).nextBytes(chunk);
        MessageDigest in = MessageDigest.getInstance("SHA-256");
        try (OutputStream o = c.encrypting(Files.newOutputStream(sealedFile))) {
            for (int i = 0; i < 500; i++) { // ~5 MB, 77 segments
                o.write(chunk);
                in.update(chunk);
            }
        }
        MessageDigest out = MessageDigest.getInstance("SHA-256");
        try (InputStream d = c.decrypting(Files.newInputStream(sealedFile))) {
            byte[] b = new byte[8192];
            for (int n; (n = d.read(b)) > 0; ) {
                out.update(b, 0, n);
            }
        }
        assertThat(out.digest()).isEqualTo(in.digest());
        assertThat(Files.exists(plainFile)).isFalse();
    }

    @Test
    void aChangedByteAnywhereIsRefused() throws Exception {
        AtRestCipher c = AtRestCipher.load(keyFile(keyLine("a")));
        byte[] plain = new byte[2 * AtRestFormat.SEGMENT + 5];
        new Random(3).nextBytes(plain);
        byte[] sealed = c.encrypt(plain);
        int header = 4 + 1 + 1 + 1 + 12;
        for (int at :
                new int[] {
                    4, 6, header - 1, header, header + AtRestFormat.SEGMENT + 3, sealed.length - 1
                }) {
            byte[] t = sealed.clone();
            t[at] ^= 0x01;
            assertThatThrownBy(() -> c.decrypt(t))
                    .as("byte %d", at)
                    .isInstanceOf(AtRestCipher.AtRestException.class);
        }
    }

    @Test
    void aTruncatedOrExtendedMessageIsRefusedAndReleasesNoUnauthenticatedBytes() throws Exception {
        AtRestCipher c = AtRestCipher.load(keyFile(keyLine("a")));
        byte[] plain = new byte[3 * AtRestFormat.SEGMENT];
        new Random(4).nextBytes(plain);
        byte[] sealed = c.encrypt(plain);
        int seg = AtRestFormat.SEGMENT + AtRestFormat.TAG_BYTES;
        // dropped the last segment: the one before was not written as the last
        byte[] cut = Arrays.copyOf(sealed, sealed.length - seg);
        assertThatThrownBy(() -> c.decrypt(cut)).isInstanceOf(AtRestCipher.AtRestException.class);
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThatThrownBy(() -> c.decrypt(longer))
                .isInstanceOf(AtRestCipher.AtRestException.class);

        // the first segment changed: the reader stops before returning any byte of it, and stays
        // stopped
        byte[] t = sealed.clone();
        t[30] ^= 0x40;
        DecryptingStream d = c.decrypting(new ByteArrayInputStream(t));
        assertThatThrownBy(d::read)
                .isInstanceOf(AtRestCipher.AtRestException.class)
                .hasMessageContaining("segment 0");
        assertThat(d.failure()).isNotNull();
        assertThatThrownBy(d::read).isInstanceOf(AtRestCipher.AtRestException.class);
    }

    @Test
    void plainDataAndUnknownKeysAreRefusedClearly() throws Exception {
        AtRestCipher a = AtRestCipher.load(keyFile(keyLine("key-a")));
        assertThatThrownBy(() -> a.decrypt("#KOFU-EXPORT 1\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(AtRestCipher.AtRestException.class)
                .hasMessageContaining("not encrypted at rest");
        byte[] other = AtRestCipher.ephemeral().encrypt(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> a.decrypt(other))
                .isInstanceOf(AtRestCipher.AtRestException.class)
                .hasMessageContaining("'ephemeral'");
    }

    @Test
    void rotationAppendsAKeyAndOldMessagesStayReadableUntilTheirKeyIsRemoved() throws Exception {
        String lineA = keyLine("key-a");
        Path f = keyFile(lineA);
        AtRestCipher c = AtRestCipher.load(f);
        byte[] underA = c.encrypt("under A".getBytes(StandardCharsets.UTF_8));

        Files.writeString(f, keyLine("key-b"), StandardOpenOption.APPEND);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(c.currentKeyId()).isEqualTo("key-b"); // no restart
        byte[] underB = c.encrypt("under B".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(underB, 6, 5, StandardCharsets.US_ASCII)).isEqualTo("key-b");
        assertThat(c.decrypt(underA)).isEqualTo("under A".getBytes(StandardCharsets.UTF_8));
        assertThat(c.decrypt(underB)).isEqualTo("under B".getBytes(StandardCharsets.UTF_8));

        // key A removed: what it encrypted is refused, naming the key, never a key's bytes
        Files.writeString(f, Files.readString(f).replace(lineA, ""));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
        assertThatThrownBy(() -> c.decrypt(underA))
                .isInstanceOf(AtRestCipher.AtRestException.class)
                .hasMessageContaining("'key-a'");
        assertThat(c.decrypt(underB)).isEqualTo("under B".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingOrBadKeyFileFailsClearlyWithoutShowingKeys() throws Exception {
        assertThatThrownBy(() -> AtRestCipher.load(dir.resolve("none.keys")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none.keys")
                .hasMessageContaining("missing");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        Path bad = keyFile("a=" + shortKey + "\n");
        assertThatThrownBy(() -> AtRestCipher.load(bad))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("16 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> AtRestCipher.load(keyFile("# only comments\n")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> AtRestCipher.load(keyFile("a=%%%\n")))
                .hasMessageContaining("not base64")
                .hasMessageNotContaining("%%%");
    }

    @Test
    void theDemoKeySetsFileLoads() throws Exception {
        Path keys = dir.resolve("demo");
        DemoKeys.generate(keys, "test".toCharArray(), false);
        AtRestCipher c = AtRestCipher.load(keys.resolve(DemoKeys.AT_REST_KEYS));
        assertThat(c.currentKeyId()).startsWith("demo-");
        assertThat(c.decrypt(c.encrypt(new byte[] {9}))).containsExactly(9);
    }

    @Test
    void copiesOfOneStreamAreByteExact() throws Exception {
        AtRestCipher c = AtRestCipher.ephemeral();
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream o = c.encrypting(sealed)) {
            for (int i = 0; i < 70_000; i++) {
                o.write(i & 0xff); // single bytes across a segment boundary
            }
        }
        byte[] back = c.decrypting(new ByteArrayInputStream(sealed.toByteArray())).readAllBytes();
        assertThat(back).hasSize(70_000);
        for (int i = 0; i < back.length; i++) {
            assertThat(back[i]).isEqualTo((byte) (i & 0xff));
        }
    }
}
