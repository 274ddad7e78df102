package jp.kofuhub.koseki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.support.TestHub;
import org.junit.jupiter.api.Test;

/**
 * {@link KosekiHop} without Camel: the hub's request sealed for the server, the server's answers
 * opened or refused.
 */
class KosekiHopTest {

    static final char[] PASSWORD = "changeit-demo".toCharArray();
    final PgpMessages hub =
            PgpMessages.ofParty(TestHub.KEYS, "hub", PASSWORD, List.of("koseki-server"));
    final PgpMessages server =
            PgpMessages.ofParty(TestHub.KEYS, "koseki-server", PASSWORD, List.of("hub"));
    final PgpMessages centre =
            PgpMessages.ofParty(TestHub.KEYS, "centre", PASSWORD, List.of("hub"));
    final KosekiHop hop = new KosekiHop(hub);
    final byte[] pdf = "%PDF-1.7 a certificate".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void theRequestIsSealedToTheServerAndItsAnswerOpened() throws Exception {
        assertThat(hop.contentType()).isEqualTo(PgpMessages.MEDIA_TYPE);
        byte[] sealed = hop.request("{\"requestId\":\"X-1\"}", "X-1");
        assertThat(new String(server.open(sealed, "hub"), StandardCharsets.UTF_8))
                .isEqualTo("{\"requestId\":\"X-1\"}");
        byte[] answer = server.seal(pdf, "certificate.pdf", "hub");
        assertThat(hop.answer(answer, "application/pgp-encrypted", 200, "X-1")).isEqualTo(pdf);
    }

    @Test
    void anAnswerNotSignedByTheServerIsRefusedBeforeItIsRead() throws Exception {
        assertThatThrownBy(
                        () ->
                                hop.answer(
                                        centre.seal(pdf, "c.pdf", "hub"),
                                        PgpMessages.MEDIA_TYPE,
                                        200,
                                        "X-2"))
                .isInstanceOfSatisfying(
                        KosekiHop.AnswerRefused.class,
                        e -> assertThat(e.code()).isEqualTo("UNKNOWN_SIGNER"));
        byte[] tampered = server.seal(pdf, "c.pdf", "hub");
        tampered[tampered.length / 2] ^= 0x01;
        assertThatThrownBy(() -> hop.answer(tampered, PgpMessages.MEDIA_TYPE, 200, "X-3"))
                .isInstanceOfSatisfying(
                        KosekiHop.AnswerRefused.class,
                        e -> assertThat(e.code()).isIn("BAD_SIGNATURE", "NOT_ENCRYPTED_FOR_HUB"));
        assertThatThrownBy(() -> hop.answer(pdf, "application/pdf", 200, "X-4"))
                .isInstanceOfSatisfying(
                        KosekiHop.AnswerRefused.class,
                        e -> assertThat(e.code()).isEqualTo("UNSIGNED"));
        assertThatThrownBy(
                        () ->
                                hop.answer(
                                        "{\"code\":\"JOSEKI\"}".getBytes(StandardCharsets.UTF_8),
                                        "application/json",
                                        422,
                                        "X-5"))
                .isInstanceOf(KosekiHop.AnswerRefused.class);
    }

    @Test
    void theServersPlainRefusalOfTheRequestPassesAndPlainBodiesWithoutOpenPgp() throws Exception {
        byte[] refusal = "{\"code\":\"UNSIGNED\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(hop.answer(refusal, "application/json", 400, "X-6")).isEqualTo(refusal);
        KosekiHop plain = new KosekiHop(null);
        assertThat(plain.contentType()).isEqualTo("application/json");
        assertThat(plain.request("{}", "X-7")).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(plain.answer(pdf, "application/pdf", 200, "X-7")).isEqualTo(pdf);
    }
}
