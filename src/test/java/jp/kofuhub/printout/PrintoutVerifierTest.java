package jp.kofuhub.printout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #21: a code is VALID only as signed, by a published key, while that key is valid. */
class PrintoutVerifierTest {

    @TempDir Path dir;

    static Map<String, Object> payload() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("v", 1L);
        p.put("m", "012343");
        p.put("k", "INKAN");
        p.put("n", "20261125-012343-K1-P1-000001");
        p.put("d", "2026-11-25");
        p.put("p", 1L);
        p.put("t", 1L);
        p.put("f", Map.of("name", "見本　花子", "reg", "IN-0000123"));
        return p;
    }

    static final Instant NOW = Instant.parse("2026-11-25T03:00:00Z");

    @Test
    void aCodeSignedWithAPublishedKeyIsValidAndAnyChangeIsNot() {
        PrintoutKey key = PrintoutFixtures.key(dir);
        PrintoutVerifier v = new PrintoutVerifier(List.of(key.publicOnly()));
        String code = PrintoutEnvelope.seal(payload(), key.kid(), key.privateKey());
        PrintoutVerifier.Verdict ok = v.verify(code, NOW);
        assertThat(ok.valid()).as(ok.detail()).isTrue();
        assertThat(ok.payload()).isEqualTo(payload());
        // deterministic: the same payload and key give the same code
        assertThat(PrintoutEnvelope.seal(payload(), key.kid(), key.privateKey())).isEqualTo(code);

        // one field changed, the signature kept
        PrintoutEnvelope.Opened o = PrintoutEnvelope.open(code);
        Map<String, Object> changed = payload();
        changed.put("f", Map.of("name", "見本　花代", "reg", "IN-0000123"));
        byte[] body = Cbor.encode(changed);
        byte[] cose =
                Cbor.encode(
                        new Cbor.Tagged(
                                18,
                                List.of(
                                        PrintoutEnvelope.protectedHeader(o.kid()),
                                        Map.of(),
                                        body,
                                        o.signature())));
        String tampered = PrintoutEnvelope.PREFIX + Base45.encode(PrintoutEnvelope.deflate(cose));
        assertThat(v.verify(tampered, NOW).reason())
                .isEqualTo(PrintoutVerifier.Reason.BAD_SIGNATURE);

        // re-signed with another key (not published) under the published key's id
        PrintoutKey other =
                PrintoutKeyStore.add(
                        dir.resolve("other"),
                        "012343",
                        "pw".toCharArray(),
                        key.notBefore(),
                        key.notAfter());
        assertThat(
                        v.verify(PrintoutEnvelope.seal(changed, key.kid(), other.privateKey()), NOW)
                                .reason())
                .isEqualTo(PrintoutVerifier.Reason.BAD_SIGNATURE);
        // ... or under its own id
        assertThat(
                        v.verify(
                                        PrintoutEnvelope.seal(
                                                changed, other.kid(), other.privateKey()),
                                        NOW)
                                .reason())
                .isEqualTo(PrintoutVerifier.Reason.UNKNOWN_KEY);

        // the key past its validity
        assertThat(v.verify(code, key.notAfter().plus(1, ChronoUnit.DAYS)).reason())
                .isEqualTo(PrintoutVerifier.Reason.EXPIRED_KEY);

        // not a code
        assertThat(v.verify("KH1:%%%", NOW).reason()).isEqualTo(PrintoutVerifier.Reason.MALFORMED);
        assertThat(v.verify("hello", NOW).reason()).isEqualTo(PrintoutVerifier.Reason.MALFORMED);
    }

    @Test
    void aKeySetDocumentRoundTrips() {
        PrintoutKey key = PrintoutFixtures.key(dir);
        List<PrintoutKey> read =
                PrintoutKeySet.read(PrintoutKeySet.write("012343", "北広島市", List.of(key)));
        assertThat(read).hasSize(1);
        assertThat(read.get(0).kid()).isEqualTo(key.kid());
        assertThat(read.get(0).publicKey()).isEqualTo(key.publicKey());
        assertThat(read.get(0).notAfter()).isEqualTo(key.notAfter());
    }

    @Test
    void base45MatchesRfc9285() {
        assertThat(Base45.encode("AB".getBytes())).isEqualTo("BB8");
        assertThat(Base45.encode("Hello!!".getBytes())).isEqualTo("%69 VD92EX0");
        assertThat(new String(Base45.decode("QED8WEX0"))).isEqualTo("ietf!");
    }
}
