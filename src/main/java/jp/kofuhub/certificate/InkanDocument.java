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
 * The data document of a 印鑑登録証明書: the registered seal image, the name in the form the registration
 * uses (氏名, 旧氏 併記, 通称, or the alphabetic name), birth date, sex and address. Name and address must
 * fit their boxes (settings.xsl: inkan.name, inkan.address), shrunk if need be, else the
 * certificate is refused with FIELD_OVERFLOW.
 */
public class InkanDocument {

    public static final String KIND = "INKAN";
    static final String CERTIFICATION = "この写しは、登録されている印影と相違ないことを証明する。";

    private final FontChain fonts;

    public InkanDocument(FontChain fonts) {
        this.fonts = fonts;
    }

    public String build(
            CardHolder card, MunicipalityProfile city, String sealUri, LocalDate today) {
        Person p = card.holder();
        SealRegistration seal = card.seal();
        CertificateXml x = new CertificateXml(fonts);
        x.root(KIND, city);
        JuminhyoDocument.issuer(x, city, sealUri);
        x.start("registration")
                .attr("number", seal.registrationNo())
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
