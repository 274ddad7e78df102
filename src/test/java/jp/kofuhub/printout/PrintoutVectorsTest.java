package jp.kofuhub.printout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/interfaces/printout-code.md §8, read from the document itself: the test
 * key (a JWK with its private part), the payload (diagnostic notation, which for these types is
 * JSON), its CBOR bytes, the protected header, the COSE_Sign1 bytes and the code's text. The code
 * must make exactly these bytes from the key and payload (deterministic CBOR, RFC 6979 signature,
 * zlib level 9), and the verifier must find the code VALID with the key set the document gives.
 */
class PrintoutVectorsTest {

    static final Path DOC = Path.of("docs/interfaces/printout-code.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentsVectorsAreWhatTheCodeMakesAndVerifies() throws Exception {
        String doc = Files.readString(DOC);
        JsonNode jwk = JSON.readTree(block(doc, "json test-key"));
        assertEquals("TEST ONLY", jwk.path("note").asText().substring(0, 9));
        ECPrivateKey priv = privateKey(unb64(jwk.path("d").asText()));
        List<PrintoutKey> published = PrintoutKeySet.read(block(doc, "json test-key-set"));
        assertEquals(1, published.size());
        ECPublicKey pub = published.get(0).publicKey();
        assertEquals(jwk.path("x").asText(), PrintoutKeySet.b64(pub.getW().getAffineX()));
        assertEquals(jwk.path("y").asText(), PrintoutKeySet.b64(pub.getW().getAffineY()));
        byte[] kid = PrintoutKey.kidOf(pub);
        assertEquals(jwk.path("kid").asText(), PrintoutKey.kidText(kid));

        @SuppressWarnings("unchecked")
        Map<String, Object> payload =
                toCbor(
                        (Map<String, Object>)
                                JSON.readValue(block(doc, "cbor-diag payload"), Map.class));
        assertEquals(hexBlock(doc, "payload"), hex(Cbor.encode(payload)));
        assertEquals(hexBlock(doc, "protected"), hex(PrintoutEnvelope.protectedHeader(kid)));
        assertEquals(hexBlock(doc, "cose"), hex(PrintoutEnvelope.sign1(payload, kid, priv)));
        String code = block(doc, "text code").replace("\n", "");
        assertEquals(code, PrintoutEnvelope.seal(payload, kid, priv));

        PrintoutEnvelope.Opened opened = PrintoutEnvelope.open(code);
        assertArrayEquals(HexFormat.of().parseHex(hexBlock(doc, "payload")), opened.payloadBytes());
        PrintoutVerifier.Verdict v =
                new PrintoutVerifier(published).verify(code, Instant.parse("2026-11-25T03:00:00Z"));
        assertNull(v.reason(), () -> v.reason() + " " + v.detail());
        assertTrue(v.valid());
        assertEquals(
                PrintoutVerifier.Reason.EXPIRED_KEY,
                new PrintoutVerifier(published)
                        .verify(code, Instant.parse("2029-01-02T00:00:00Z"))
                        .reason());
        // one byte of the signature changed: the vector is not a code that verifies anyway
        byte[] cose = HexFormat.of().parseHex(hexBlock(doc, "cose"));
        cose[cose.length - 1] ^= 1;
        String tampered = PrintoutEnvelope.PREFIX + Base45.encode(PrintoutEnvelope.deflate(cose));
        assertEquals(
                PrintoutVerifier.Reason.BAD_SIGNATURE,
                new PrintoutVerifier(published)
                        .verify(tampered, Instant.parse("2026-11-25T03:00:00Z"))
                        .reason());
    }

    /** The content of the fenced block whose info string is {@code info}, trimmed. */
    static String block(String doc, String info) {
        Matcher m =
                Pattern.compile("(?s)```" + Pattern.quote(info) + "\\n(.*?)\\n```").matcher(doc);
        assertTrue(m.find(), () -> "no ```" + info + " block in " + DOC);
        return m.group(1).trim();
    }

    /** A hex block ({@code ```hex name}), whitespace (line breaks) removed. */
    static String hexBlock(String doc, String name) {
        return block(doc, "hex " + name).replaceAll("\\s", "");
    }

    /** JSON numbers as the CBOR integers (Long) the code writes. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> toCbor(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, convert(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            return toCbor((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(PrintoutVectorsTest::convert).toList();
        }
        return v;
    }

    static ECPrivateKey privateKey(byte[] d) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        return (ECPrivateKey)
                KeyFactory.getInstance("EC")
                        .generatePrivate(
                                new ECPrivateKeySpec(
                                        new BigInteger(1, d),
                                        p.getParameterSpec(ECParameterSpec.class)));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }
}
