package jp.kofuhub.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.sync.PgpFiles;
import org.junit.jupiter.api.Test;

/** Seal and open between two parties of the test run's demo key set; every refusal has its code. */
class PgpMessagesTest {

    private static final char[] PASSWORD = DemoKeys.DEFAULT_PASSWORD.toCharArray();
    private static final byte[] JSON = "{\"transaction\":\"T1\"}".getBytes(StandardCharsets.UTF_8);

    private final PgpMessages hub = PgpMessages.ofParty(TestHub.KEYS, "hub", PASSWORD, List.of("centre", "koseki-server"));
    private final PgpMessages centre = PgpMessages.ofParty(TestHub.KEYS, "centre", PASSWORD, List.of("hub"));
    private final PgpMessages koseki = PgpMessages.ofParty(TestHub.KEYS, "koseki-server", PASSWORD, List.of("hub", "centre"));

    @Test
    void roundTripBothWays() throws Exception {
        byte[] sealed = centre.seal(JSON, "request.json", "hub");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("transaction");
        assertThat(hub.open(sealed, "centre")).isEqualTo(JSON);
        byte[] answer = hub.seal("%PDF-1.7".getBytes(StandardCharsets.US_ASCII), "T1.pdf", "centre");
        assertThat(centre.open(answer, "hub")).asString(StandardCharsets.US_ASCII).isEqualTo("%PDF-1.7");
    }

    @Test
    void signedByAnotherPartyIsUnknownSigner() throws Exception {
        byte[] byKoseki = koseki.seal(JSON, "request.json", "hub");
        assertThatThrownBy(() -> hub.open(byKoseki, "centre")).isInstanceOfSatisfying(PgpRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("UNKNOWN_SIGNER"));
        assertThatThrownBy(() -> hub.open(byKoseki, "finance")).isInstanceOfSatisfying(PgpRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("UNKNOWN_SIGNER"));
    }

    @Test
    void encryptedToAnotherPartyIsRefused() throws Exception {
        byte[] toKoseki = centre.seal(JSON, "request.json", "hub");
        assertThatThrownBy(() -> koseki.open(toKoseki, "centre")).isInstanceOfSatisfying(PgpRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));
        assertThatThrownBy(() -> hub.open(JSON, "centre")).isInstanceOfSatisfying(PgpRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));
    }

    @Test
    void tamperedIsBadSignatureAndUnsignedIsUnsigned() throws Exception {
        byte[] sealed = centre.seal(JSON, "request.json", "hub");
        sealed[sealed.length - 30] ^= 0x01;
        assertThatThrownBy(() -> hub.open(sealed, "centre")).isInstanceOfSatisfying(PgpRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("BAD_SIGNATURE"));

        ByteArrayOutputStream unsigned = new ByteArrayOutputStream();
        PgpFiles.seal(new ByteArrayInputStream(JSON), "request.json", unsigned, null,
                PgpFiles.encryptionKey(PgpFiles.publicKeys(TestHub.KEYS.resolve("hub.pgp.pub"))), false);
        assertThatThrownBy(() -> hub.open(unsigned.toByteArray(), "centre")).isInstanceOfSatisfying(
                PgpRefusedException.class, e -> assertThat(e.code()).isEqualTo("UNSIGNED"));
    }
}
