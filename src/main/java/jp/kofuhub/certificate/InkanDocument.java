package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.SealRegistration;

/**
 * The data document of a 印鑑登録証明書: the registered seal image at its real size (the millimetres the
 * registry measured, registry-export.md §7.5; refused when unknown or larger than the frame), the
 * name in the form the registration uses (氏名, 旧氏 併記, 通称, or the alphabetic name), birth date, sex
 * and address. Name and address must fit their boxes (settings.xsl: inkan.name, inkan.address),
 * shrunk if need be, else the certificate is refused with FIELD_OVERFLOW.
 */
public class InkanDocument {

    public static final String KIND = "INKAN";
    static final String CERTIFICATION = "この写しは、登録されている印影と相違ないことを証明する。";

    private final FontChain fonts;

    public InkanDocument(FontChain fonts) {
        this.fonts = fonts;
    }

    /**
     * The 印影 frame of inkan.xsl ({@code impression-max}): an impression wider or higher does not
     * print at its real size there.
     */
    static final java.math.BigDecimal IMPRESSION_MAX_MM = new java.math.BigDecimal("35");

    /**
     * Refuses a seal that cannot print at its real size: no size from the registry
     * (SEAL_SIZE_UNKNOWN), or larger than the frame (SEAL_SIZE_UNPRINTABLE).
     */
    static void printableAtRealSize(CardHolder card) {
        SealRegistration seal = card.seal();
        String atena = card.holder().atenaNo();
        if (seal.widthMm() == null || seal.heightMm() == null) {
            throw new CertificateKind.Refusal(
                    RefusalCode.SEAL_SIZE_UNKNOWN, atena, RefusalCode.SEAL_SIZE_UNKNOWN.meaning());
        }
        if (seal.widthMm().compareTo(IMPRESSION_MAX_MM) > 0
                || seal.heightMm().compareTo(IMPRESSION_MAX_MM) > 0) {
            throw new CertificateKind.Refusal(
                    RefusalCode.SEAL_SIZE_UNPRINTABLE,
                    atena,
                    RefusalCode.SEAL_SIZE_UNPRINTABLE.meaning());
        }
    }

    public String build(
            CardHolder card, MunicipalityProfile city, String sealUri, LocalDate today) {
        Person p = card.holder();
        SealRegistration seal = card.seal();
        printableAtRealSize(card);
        CertificateXml x = new CertificateXml(fonts);
        x.root(KIND, city);
        JuminhyoDocument.issuer(x, city, sealUri);
        x.start("registration")
                .attr("number", seal.registrationNo())
                .attr("width-mm", seal.widthMm().stripTrailingZeros().toPlainString())
                .attr("height-mm", seal.heightMm().stripTrailingZeros().toPlainString())
                .attr(
                        "image",
                        "data:image/png;base64," + Base64.getEncoder().encodeToString(seal.image()))
                .date("registered", "registration.registeredDate", seal.registeredDate(), false)
                .end();
        x.start("person")
                .boxed("name", "person.name", "inkan.name", registeredName(p, seal.nameForm()))
                .date("birth", "person.birthDate", p.birthDate(), p.foreign())
                .text("sex", "person.sex", "1".equals(p.sex()) ? "男" : "女")
                .boxed(
                        "address",
                        "person.address",
                        "inkan.address",
                        CertificateXml.join(
                                List.of(
                                        card.household().address(),
                                        card.household().katagaki() == null
                                                ? ""
                                                : card.household().katagaki())))
                .end();
        x.text("certification", "certification", CERTIFICATION);
        x.start("issue").date("date", "issue.date", today, false).end();
        x.end();
        return x.finish();
    }

    /** The name as registered: 氏名; 氏名 with （旧氏）; 通称; or the alphabetic name. */
    static String registeredName(Person p, String form) {
        return switch (form) {
            case "KYU_UJI" ->
                    p.familyName()
                            + "　"
                            + p.givenName()
                            + (p.kyuUji() == null ? "" : "（旧氏：" + p.kyuUji() + "）");
            case "TSUSHO" -> p.tsusho() != null ? p.tsusho() : JuminhyoDocument.displayName(p);
            default -> JuminhyoDocument.displayName(p);
        };
    }
}
