package jp.kofuhub.issuance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.HexFormat;
import jp.kofuhub.render.PdfSigner;
import org.apache.camel.Exchange;

/**
 * The detached signature of a certificate answer's metadata (docs/interfaces/issuance-centre.md
 * §"Answer signature"): the 発行番号, fee and sheet count the centre bills and prints by travel in
 * headers, outside the OpenPGP body, so the hub signs them together with the SHA-256 of the body as
 * sent. The route {@code sign-answer} makes the signature with camel-crypto's {@code crypto:sign}
 * and the city's signing key (the key that signs the PDFs); this bean gives the canonical text and
 * the key. Without a signing key (a dev hub without keys) answers go unsigned, as the PDFs do.
 */
public class AnswerSignature {

    /** The header carrying the signature (base64). */
    public static final String HEADER = "X-Kofu-Signature";

    static final String VERSION = "kofu-answer/1";

    private final PdfSigner signer;

    public AnswerSignature(PdfSigner signer) {
        this.signer = signer;
    }

    public boolean available() {
        return signer != null;
    }

    public PrivateKey privateKey() {
        return signer.privateKey();
    }

    public String algorithm() {
        return signer.signatureAlgorithm();
    }

    /**
     * The canonical text of the exchange's answer: its X-Kofu headers, Content-Type and body
     * (byte[]).
     */
    public byte[] canonical(Exchange exchange) {
        var m = exchange.getMessage();
        return canonical(
                m.getHeader("X-Kofu-Transaction", String.class),
                m.getHeader("X-Kofu-Issue-Number", String.class),
                m.getHeader("X-Kofu-Fee", String.class),
                m.getHeader("X-Kofu-Pages", String.class),
                m.getHeader(Exchange.CONTENT_TYPE, String.class),
                m.getBody(byte[].class));
    }

    /**
     * The signed text, one {@code name:value} per line (LF), an absent value empty: {@code
     * kofu-answer/1}, {@code transaction}, {@code issue-number}, {@code fee}, {@code pages}, {@code
     * content-type}, {@code sha256} (lower-case hex of the body as sent). The centre rebuilds it
     * from what it received and verifies the signature with the hub's certificate.
     */
    public static byte[] canonical(
            String transaction,
            String issueNumber,
            String fee,
            String pages,
            String contentType,
            byte[] body) {
        String text =
                VERSION
                        + "\ntransaction:"
                        + nz(transaction)
                        + "\nissue-number:"
                        + nz(issueNumber)
                        + "\nfee:"
                        + nz(fee)
                        + "\npages:"
                        + nz(pages)
                        + "\ncontent-type:"
                        + nz(contentType)
                        + "\nsha256:"
                        + sha256(body)
                        + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(body == null ? new byte[0] : body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
