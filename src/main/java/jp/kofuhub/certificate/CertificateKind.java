package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;

/**
 * One kind of certificate the hub renders from the replica: which sources it needs, which XSLT
 * shell lays it out, and how its data document is drafted. Drafting reads the replica in one
 * statement, applies the kind's eligibility table and glyph-checks every printed field; the same
 * draft made again later must give the same XML, which is how an in-flight change is detected.
 */
public interface CertificateKind {

    /** Protocol code, e.g. JUMINHYO. */
    String code();

    /** XSLT shell in xslt-templates/, without .xsl. */
    String template();

    /** The source systems whose data the certificate prints (their freshness is checked). */
    List<String> sources();

    /**
     * The data document for the card holder, or empty when the serial is unknown here. Throws
     * {@link Refusal} when the holder may not have it.
     */
    Optional<Draft> draft(
            MunicipalityProfile city,
            String serial,
            CertificateOptions options,
            String sealUri,
            LocalDate today);

    /**
     * Whether {@code options} holds only options this kind knows (the 住民票 kinds take the member
     * selection and printed items, the tax kinds the 年度 and variant, 印鑑 none). A request with
     * another kind's options is malformed.
     */
    boolean accepts(CertificateOptions options);

    /**
     * A drafted certificate: whose it is (宛名番号, for logs), its data XML, and the sheets it will
     * take (an estimate from the layout rules, for the availability answer; the renderer counts).
     */
    record Draft(String holderAtena, String dataXml, int sheets) {}

    /** The holder may not have this certificate: a refusal code, and a field for glyph refusals. */
    class Refusal extends RuntimeException {
        private final RefusalCode code;
        private final String atena;

        public Refusal(RefusalCode code, String atena, String detail) {
            super(detail, null, false, false);
            this.code = code;
            this.atena = atena;
        }

        public RefusalCode code() {
            return code;
        }

        public String atena() {
            return atena;
        }
    }
}
