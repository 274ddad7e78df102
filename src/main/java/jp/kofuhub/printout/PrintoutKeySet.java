package jp.kofuhub.printout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The key-set document of a municipality (docs/interfaces/printout-code.md §5): its printout public
 * keys as JSON Web Keys (RFC 7517, so a browser imports them with WebCrypto as they are) with their
 * validity, {@code nbf} and {@code exp} as ISO-8601 instants.
 */
public final class PrintoutKeySet {

    public static final String FORMAT = "kofu-printout-keys/1";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PrintoutKeySet() {}

    public static String write(String municipality, String name, List<PrintoutKey> keys) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("municipality", municipality);
        if (name != null) {
            doc.put("name", name);
        }
        ArrayNode arr = doc.putArray("keys");
        for (PrintoutKey k : keys) {
            ObjectNode j = arr.addObject();
            j.put("kty", "EC");
            j.put("crv", "P-256");
            j.put("alg", "ES256");
            j.put("use", "sig");
            j.put("kid", k.kidText());
            ECPoint w = k.publicKey().getW();
            j.put("x", b64(w.getAffineX()));
            j.put("y", b64(w.getAffineY()));
            j.put("nbf", k.notBefore().toString());
            j.put("exp", k.notAfter().toString());
        }
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The keys of a key-set document.
     *
     * @throws IllegalArgumentException not a key-set document of this format
     */
    public static List<PrintoutKey> read(String json) {
        try {
            JsonNode doc = JSON.readTree(json);
            if (!FORMAT.equals(doc.path("format").asText())) {
                throw new IllegalArgumentException("not a " + FORMAT + " document");
            }
            String municipality = doc.path("municipality").asText();
            List<PrintoutKey> keys = new ArrayList<>();
            for (JsonNode j : doc.path("keys")) {
                if (!"EC".equals(j.path("kty").asText())
                        || !"P-256".equals(j.path("crv").asText())) {
                    continue;
                }
                ECPublicKey pub =
                        publicKey(unb64(j.path("x").asText()), unb64(j.path("y").asText()));
                byte[] kid = Base64.getUrlDecoder().decode(j.path("kid").asText());
                if (!Arrays.equals(kid, PrintoutKey.kidOf(pub))) {
                    throw new IllegalArgumentException("key id does not match its key");
                }
                keys.add(
                        new PrintoutKey(
                                municipality,
                                kid,
                                pub,
                                null,
                                Instant.parse(j.path("nbf").asText()),
                                Instant.parse(j.path("exp").asText())));
            }
            return keys;
        } catch (com.fasterxml.jackson.core.JsonProcessingException
                | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a key-set document: " + e.getMessage(), e);
        }
    }

    static ECPublicKey publicKey(byte[] x, byte[] y) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
            return (ECPublicKey)
                    KeyFactory.getInstance("EC")
                            .generatePublic(
                                    new ECPublicKeySpec(
                                            new ECPoint(new BigInteger(1, x), new BigInteger(1, y)),
                                            spec));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 public key", e);
        }
    }

    static String b64(BigInteger n) {
        byte[] b = n.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    private static byte[] unb64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }
}
