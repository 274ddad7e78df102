package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;

/**
 * The data document of a 住民票の写し for the whole household (世帯全員): the members still
 * registered, in standard order, with the items a kiosk copy prints by default. 個人番号 and
 * 住民票コード are never in it; removed members (消除者) are left out.
 */
public class JuminhyoDocument {

    public static final String KIND = "JUMINHYO";
    static final String CERTIFICATION_WHOLE = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。";

    private final FontChain fonts;

    public JuminhyoDocument(FontChain fonts) {
        this.fonts = fonts;
    }

    /**
     * Builds the XML; throws {@link jp.kofuhub.render.GlyphUnavailableException} naming the field.
     * The 発行番号 is not part of it (the layout step gets it as a parameter), so the same data
     * always gives the same document.
     */
    public String build(CardHolder card, MunicipalityProfile city, String sealUri, LocalDate today) {
        List<Person> members = HouseholdOrder.sort(card.members().stream().filter(p -> !p.removed()).toList());
        Person head = members.stream().filter(p -> p.atenaNo().equals(card.household().headAtenaNo()))
                .findFirst().orElse(members.get(0));
        CertificateXml x = new CertificateXml(fonts);
        x.root(KIND, city).attr("scope", "HOUSEHOLD")
                .attr("members", Integer.toString(members.size()));
        issuer(x, city, sealUri);
        x.start("household")
                .text("address", "household.address", card.household().address())
                .text("katagaki", "household.katagaki", card.household().katagaki())
                .text("head", "household.head", displayName(head))
                .end();
        x.start("members");
        int i = 0;
        for (Person p : members) {
            i++;
            String f = "member[" + i + "].";
            x.start("member").attr("position", Integer.toString(i)).attr("type", p.foreign() ? "F" : "J");
            x.text("name", f + "name", displayName(p));
            if (p.foreign()) {
                x.text("tsusho", f + "tsusho", p.tsusho());
            }
            x.text("kana", f + "kana", p.kanaConfirmed()
                    ? CertificateXml.join(List.of(nz(p.familyNameKana()), nz(p.givenNameKana()))) : "（未記載）");
            if (p.kyuUji() != null) {
                x.text("kyu-uji", f + "kyuUji", p.kyuUji() + (p.kyuUjiKana() == null ? "" : "（" + p.kyuUjiKana() + "）"));
            }
            x.date("birth", f + "birthDate", p.birthDate(), p.foreign())
                    .text("sex", f + "sex", "1".equals(p.sex()) ? "男" : "女")
                    .text("relationship", f + "relationship", p.relationship())
                    .date("became-resident", f + "becameResidentDate", p.becameResidentDate(), false)
                    .date("address-since", f + "addressSince", p.addressSince(), false)
                    .date("notified", f + "notifiedDate", p.notifiedDate(), false)
                    .text("previous-address", f + "previousAddress", p.previousAddress());
            if (p.foreign()) {
                x.text("nationality", f + "nationality", p.nationality())
                        .text("residence-status", f + "residenceStatus", p.residenceStatus())
                        .date("residence-period-end", f + "residencePeriodEnd", p.residencePeriodEnd(), true);
            }
            x.end();
        }
        x.end();
        x.text("certification", "certification", CERTIFICATION_WHOLE);
        x.start("issue").date("date", "issue.date", today, false).end();
        x.end();
        return x.finish();
    }

    static void issuer(CertificateXml x, MunicipalityProfile city, String sealUri) {
        x.start("issuer").attr("seal", sealUri)
                .text("prefecture", "issuer.prefecture", city.prefecture())
                .text("title", "issuer.title", city.mayorTitle())
                .text("mayor", "issuer.mayor", city.mayorName())
                .end();
    }

    static String displayName(Person p) {
        if (p.foreign()) {
            return p.alphaName();
        }
        return p.familyName() + "　" + p.givenName();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
