package jp.kofuhub.kiosk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;
import jp.kofuhub.issuance.AnswerSignature;
import jp.kofuhub.keys.PgpMessages;

/**
 * The centre's side of the issuance hop (docs/interfaces/issuance-centre.md v1.1), as the {@code
 * kiosk} tool and the issuance benchmark play it: every request gets a fresh {@code sentAt} and
 * {@code nonce} and is sealed (signed by the centre, encrypted to the hub) when {@code pgp} is set;
 * a sealed answer is opened (the hub's signature verified) and the answer signature {@code
 * X-Kofu-Signature} is verified with the hub's certificate when one is given. Thread-safe when its
 * HTTP client is.
 */
public final class CentreClient {

    private final HttpClient client;
    private final PgpMessages pgp;
    private final X509Certificate hub;

    /**
     * @param pgp the centre's OpenPGP key with the hub as peer, or null for plain JSON (dev
     *     profile)
     * @param hub the hub's certificate that verifies answer signatures, or null to not verify them
     */
    public CentreClient(HttpClient client, PgpMessages pgp, X509Certificate hub) {
        this.client = client;
        this.pgp = pgp;
        this.hub = hub;
    }

    /** The certificate in {@code file} (PEM or DER), or null when the file is not readable. */
    public static X509Certificate certificateOrNull(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot read the certificate " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** True when requests are sealed with OpenPGP. */
    public boolean sealed() {
        return pgp != null;
    }

    /**
     * An answer of the hub, opened when it came sealed; {@code signed}: its answer signature
     * verified.
     */
    public record Answer(int status, HttpHeaders headers, byte[] body, boolean signed) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Posts {@code body} with a fresh sentAt and nonce, sealed when {@link #sealed()}; opens a
     * sealed answer.
     */
    public Answer post(String url, ObjectNode body) throws IOException, InterruptedException {
        ObjectNode message =
                body.deepCopy()
                        .put("sentAt", OffsetDateTime.now().toString())
                        .put("nonce", UUID.randomUUID().toString().replace("-", ""));
        byte[] json = message.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header(
                                "Content-Type",
                                pgp != null ? PgpMessages.MEDIA_TYPE : "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        pgp != null ? pgp.seal(json, "request.json", "hub") : json))
                        .build();
        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        boolean sealedAnswer =
                r.headers()
                        .firstValue("Content-Type")
                        .map(t -> t.startsWith(PgpMessages.MEDIA_TYPE))
                        .orElse(false);
        if (sealedAnswer && pgp == null) {
            throw new IOException("a sealed answer to a plain request");
        }
        // the hub's signature is verified before the answer is used; a plain answer to a sealed
        // request
        // is only ever an error about the request itself (it could not be opened)
        boolean signed = verifyAnswerSignature(r);
        return new Answer(
                r.statusCode(),
                r.headers(),
                sealedAnswer ? pgp.open(r.body(), "hub") : r.body(),
                signed);
    }

    /**
     * True when the answer carries the hub's metadata signature (X-Kofu-Signature,
     * issuance-centre.md "Answer signature") and it verifies with the hub's certificate; false when
     * there is none or no certificate to check it with. A signature that does not verify is an
     * error.
     */
    boolean verifyAnswerSignature(HttpResponse<byte[]> r) throws IOException {
        var sig = r.headers().firstValue(AnswerSignature.HEADER);
        if (sig.isEmpty() || hub == null) {
            return false;
        }
        try {
            HttpHeaders h = r.headers();
            byte[] canonical =
                    AnswerSignature.canonical(
                            h.firstValue("X-Kofu-Transaction").orElse(null),
                            h.firstValue("X-Kofu-Issue-Number").orElse(null),
                            h.firstValue("X-Kofu-Fee").orElse(null),
                            h.firstValue("X-Kofu-Pages").orElse(null),
                            h.firstValue("Content-Type").orElse(null),
                            r.body());
            Signature v =
                    Signature.getInstance(
                            "EC".equals(hub.getPublicKey().getAlgorithm())
                                    ? "SHA256withECDSA"
                                    : "SHA256withRSA");
            v.initVerify(hub);
            v.update(canonical);
            if (!v.verify(Base64.getDecoder().decode(sig.get()))) {
                throw new IOException(
                        "the answer's metadata signature (X-Kofu-Signature) does not verify");
            }
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(
                    "the answer's metadata signature cannot be checked: " + e.getMessage(), e);
        }
    }
}
