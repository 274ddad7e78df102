package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.TaxRecord;

/**
 * The data document of the tax certificates: 所得証明書 (income), 課税証明書 / 非課税証明書 (levy), and 所得・課税証明書
 * (both), for one 年度. Amounts are printed in yen with thousands separators. Name, address and the
 * address on 1 January must fit their boxes (settings.xsl: tax.name, tax.address,
 * tax.address-jan1), shrunk if need be, else the certificate is refused with FIELD_OVERFLOW.
 */
public class TaxDocument {

    static final String CERTIFICATION = "上記のとおり証明する。";

    private final FontChain fonts;

    public TaxDocument(FontChain fonts) {
        this.fonts = fonts;
    }

    public String build(
            String kind,
            CardHolder card,
            MunicipalityProfile city,
            String sealUri,
            LocalDate today) {
        Person p = card.holder();
        TaxRecord t = card.tax();
        boolean income = !kind.equals("KAZEI");
        boolean levy = !kind.equals("SHOTOKU");
        CertificateXml x = new CertificateXml(fonts);
        x.root(kind, city);
        x.text("title", "title", title(kind, t.nonTaxed()));
        JuminhyoDocument.issuer(x, city, sealUri);
        x.start("tax")
                .text("year", "tax.year", fiscalYearLabel(t.fiscalYear()))
                .text("income-year", "tax.incomeYear", incomeYearLabel(t.fiscalYear() - 1));
        x.start("person")
                .boxed("name", "person.name", "tax.name", JuminhyoDocument.displayName(p))
                .date("birth", "person.birthDate", p.birthDate(), p.foreign())
                .boxed(
                        "address",
                        "person.address",
                        "tax.address",
                        CertificateXml.join(
                                List.of(
                                        card.household().address(),
                                        card.household().katagaki() == null
                                                ? ""
                                                : card.household().katagaki())))
                .boxed("address-jan1", "tax.addressJan1", "tax.address-jan1", t.addressJan1())
                .end();
        if (income) {
            x.start("income")
                    .text("salary", "tax.incomeSalary", yen(t.incomeSalary()))
                    .text("pension", "tax.incomePension", yen(t.incomePension()))
                    .text("business", "tax.incomeBusiness", yen(t.incomeBusiness()))
                    .text("other", "tax.incomeOther", yen(t.incomeOther()))
                    .text("total", "tax.totalIncome", yen(t.totalIncome()))
                    .text("deductions", "tax.deductions", yen(t.deductions()))
                    .text("taxable", "tax.taxableIncome", yen(t.taxableIncome()))
                    .end();
        }
        if (levy) {
            x.start("levy")
                    .attr("non-taxed", Boolean.toString(t.nonTaxed()))
                    .text("city-per-capita", "tax.cityPerCapita", yen(t.cityPerCapita()))
                    .text("city-income", "tax.cityIncomeLevy", yen(t.cityIncomeLevy()))
                    .text("city-total", "tax.cityTotal", yen(t.cityTotal()))
                    .text("pref-per-capita", "tax.prefPerCapita", yen(t.prefPerCapita()))
                    .text("pref-income", "tax.prefIncomeLevy", yen(t.prefIncomeLevy()))
                    .text("pref-total", "tax.prefTotal", yen(t.prefTotal()))
                    .text("total", "tax.total", yen(t.cityTotal() + t.prefTotal()))
                    .end();
        }
        x.end();
        x.text("certification", "certification", CERTIFICATION);
        x.start("issue").date("date", "issue.date", today, false).end();
        x.end();
        return x.finish();
    }

    static String title(String kind, boolean nonTaxed) {
        return switch (kind) {
            case "SHOTOKU" -> "所得証明書";
            case "KAZEI" -> nonTaxed ? "非課税証明書" : "課税証明書";
            default -> nonTaxed ? "所得・非課税証明書" : "所得・課税証明書";
        };
    }

    /** 令和8年度 for 2026; 令和元年度 for 2019 (the 年度 is named by the era in force in summer). */
    static String fiscalYearLabel(int year) {
        String w = EraDate.wareki(LocalDate.of(year, 7, 1));
        return w.substring(0, w.indexOf('年') + 1) + "度";
    }

    /** 令和7年中: the calendar year whose income the 年度 taxes. */
    static String incomeYearLabel(int year) {
        String w = EraDate.wareki(LocalDate.of(year, 12, 31));
        return w.substring(0, w.indexOf('年') + 1) + "中";
    }

    static String yen(long amount) {
        return String.format("%,d円", amount);
    }
}
