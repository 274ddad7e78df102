package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;

/**
 * The data document of a 住民票の写し or 住民票記載事項証明書: the chosen members still registered, in standard
 * order, with the items a kiosk copy prints, and the optional items the resident asked for and the
 * municipality allows. Removed members (消除者), change history and 備考 are never in it; 住民票コード and
 * 個人番号 only on request where the profile allows. Names, addresses, 本籍 and the like go through boxes
 * of settings.xsl: shrunk to fit, or FIELD_OVERFLOW.
 */
public class JuminhyoDocument {

    public static final String KIND = JuminhyoKind.JUMINHYO;
    static final String CERTIFICATION_WHOLE = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。";
    static final String CERTIFICATION_PARTIAL = "この写しは、住民票の原本と相違ないことを証明する。";
    static final String CERTIFICATION_KISAI = "上記の事項は、住民票の原本に記載されている事項と相違ないことを証明する。";

    private final FontChain fonts;

    public JuminhyoDocument(FontChain fonts) {
        this.fonts = fonts;
    }

    /**
     * Builds the XML; throws {@link jp.kofuhub.render.GlyphUnavailableException} or {@link
     * jp.kofuhub.render.FieldOverflowException} naming the field. The 発行番号 is not part of it (the
     * layout step gets it as a parameter), so the same data always gives the same document.
     */
    public String build(
            String kind,
            CardHolder card,
            List<Person> members,
            boolean wholeHousehold,
            MunicipalityProfile city,
            CertificateOptions options,
            String sealUri,
            LocalDate today) {
        Person head =
                card.members().stream()
                        .filter(p -> p.atenaNo().equals(card.household().headAtenaNo()))
                        .findFirst()
                        .orElse(null);
        CertificateXml x = new CertificateXml(fonts);
        x.root(kind, city)
                .attr("scope", wholeHousehold ? "HOUSEHOLD" : "PARTIAL")
                .attr("layout", city.layout())
                .attr("members", Integer.toString(members.size()));
        issuer(x, city, sealUri);
        x.start("household")
                .boxed(
                        "address",
                        "household.address",
                        "household.address",
                        CertificateXml.join(
                                List.of(
                                        nz(card.household().address()),
                                        nz(card.household().katagaki()))));
        if (options.householdHead() && head != null) {
            x.boxed("head", "household.head", "household.head", displayName(head));
        }
        x.end();
        x.start("members");
        int i = 0;
        for (Person p : members) {
            i++;
            member(x, p, "member[" + i + "].", i, options, city);
        }
        x.end();
        x.text(
                "certification",
                "certification",
                JuminhyoKind.KISAI.equals(kind)
                        ? CERTIFICATION_KISAI
                        : wholeHousehold ? CERTIFICATION_WHOLE : CERTIFICATION_PARTIAL);
        x.start("issue").date("date", "issue.date", today, false).end();
        x.end();
        return x.finish();
    }

    private static void member(
            CertificateXml x,
            Person p,
            String f,
            int position,
            CertificateOptions options,
            MunicipalityProfile city) {
        x.start("member")
                .attr("position", Integer.toString(position))
                .attr("type", p.foreign() ? "F" : "J");
        x.boxed("name", f + "name", "member.name", displayName(p));
        if (p.foreign()) {
            x.boxed("tsusho", f + "tsusho", "member.alias", p.tsusho());
        }
        // 氏名の振り仮名: printed when recorded as confirmed, else shown as not recorded (STD §5)
        x.boxed(
                "kana",
                f + "kana",
                "member.kana",
                p.kanaConfirmed()
                        ? CertificateXml.join(
                                List.of(nz(p.familyNameKana()), nz(p.givenNameKana())))
                        : "（未記載）");
        if (p.kyuUji() != null) {
            x.boxed(
                    "kyu-uji",
                    f + "kyuUji",
                    "member.alias",
                    p.kyuUji() + (p.kyuUjiKana() == null ? "" : "（" + p.kyuUjiKana() + "）"));
        }
        x.date("birth", f + "birthDate", p.birthDate(), p.foreign())
                .text("sex", f + "sex", "1".equals(p.sex()) ? "男" : "女");
        if (options.householdHead()) {
            x.boxed("relationship", f + "relationship", "member.relationship", p.relationship());
        }
        // a foreign resident's dates are all in 西暦, a Japanese resident's in 和暦 (STD §5; issue #18:
        // the sheet mixed them); the 証明日 of the issuer stays 和暦
        x.date("became-resident", f + "becameResidentDate", p.becameResidentDate(), p.foreign())
                .date("address-since", f + "addressSince", p.addressSince(), p.foreign())
                .date("notified", f + "notifiedDate", p.notifiedDate(), p.foreign())
                .boxed(
                        "previous-address",
                        f + "previousAddress",
                        "member.previous-address",
                        beforeMovingIn(p.previousAddress(), city));
        if (options.honseki() && !p.foreign()) {
            x.boxed("honseki", f + "honseki", "member.honseki", p.honseki())
                    .boxed("hittosha", f + "hittosha", "member.hittosha", p.hittosha());
        }
        if (options.juminhyoCode()) {
            x.text("juminhyo-code", f + "juminhyoCode", p.juminhyoCode());
        }
        if (options.myNumber()) {
            x.text("my-number", f + "myNumber", p.myNumber());
        }
        if (p.foreign()) {
            x.text("nationality", f + "nationality", p.nationality())
                    .text("residence-status", f + "residenceStatus", p.residenceStatus())
                    .date(
                            "residence-period-end",
                            f + "residencePeriodEnd",
                            p.residencePeriodEnd(),
                            true);
        }
        x.end();
    }

    /**
     * 前住所 is the address before the person moved into the city, or blank (DOMAIN §5, issue #18):
     * the reader takes it from the latest 転入 snapshot; an address inside the city itself (a
     * registry's 異動前住所 of a 転居, when the history holds no 転入) is never a 転入前住所 and prints blank.
     */
    static String beforeMovingIn(String previousAddress, MunicipalityProfile city) {
        if (previousAddress == null || city.prefecture() == null || city.name() == null) {
            return previousAddress;
        }
        String here = city.prefecture() + city.name();
        String compact = previousAddress.replace("　", "").replace(" ", "");
        return compact.startsWith(here) ? "" : previousAddress;
    }

    static void issuer(CertificateXml x, MunicipalityProfile city, String sealUri) {
        x.start("issuer")
                .attr("seal", sealUri)
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
