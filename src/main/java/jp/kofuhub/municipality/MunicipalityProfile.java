package jp.kofuhub.municipality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One municipality the hub serves, as configured in {@code config/municipalities/<code>-<name>.yaml}.
 * The 団体コード is the key of every replica row and every request. {@code mayorTitle} is the full
 * official title as printed on the issuer line (北広島市長, 当別町長), after the prefecture.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record MunicipalityProfile(
        String code,
        String name,
        String nameKana,
        String prefecture,
        String mayorTitle,
        String mayorName,
        String sealImage,
        String terminalCode,
        String printerCode,
        boolean excludeAdultGuardianship,
        List<String> offeredKinds,
        String taxYearSwitch,
        Integer taxYearsOffered,
        String juminhyoLayout,
        boolean printJuminhyoCode,
        boolean printMyNumber,
        String antiForgeryBand) {

    /** 住民票 layouts of the standard (STD §5): 世帯連記式, up to four persons a sheet, or 個人票, one a sheet. */
    public static final String RENKI = "RENKI";
    public static final String KOJIN = "KOJIN";

    /**
     * The height (an FO length in mm, e.g. {@code 20mm}) of a band across the top of every page, under
     * the top margin, that the hub leaves free of text for the issuance centre's anti-forgery overlay;
     * null when the centre needs none.
     */
    public String antiForgeryBand() {
        return antiForgeryBand;
    }

    /** 世帯連記式 unless the profile says 個人票. */
    public String layout() {
        return KOJIN.equals(juminhyoLayout) ? KOJIN : RENKI;
    }

    /**
     * Whether {@code year} is a 年度 offered on {@code today}: the current one and, if the profile
     * offers several ({@code taxYearsOffered}, default 1), as many earlier ones.
     */
    public boolean offersTaxYear(int year, java.time.LocalDate today) {
        int current = offeredTaxYear(today);
        int count = taxYearsOffered == null || taxYearsOffered < 1 ? 1 : taxYearsOffered;
        return year <= current && year > current - count;
    }


    /**
     * The 年度 of tax certificates offered on {@code today}: the new 年度 opens on the switch-over
     * day ({@code taxYearSwitch}, MM-dd, default 06-10); before it the previous 年度 is offered.
     */
    public int offeredTaxYear(java.time.LocalDate today) {
        String mmdd = taxYearSwitch == null ? "06-10" : taxYearSwitch;
        java.time.LocalDate switchDay = java.time.LocalDate.parse(today.getYear() + "-" + mmdd);
        return today.isBefore(switchDay) ? today.getYear() - 1 : today.getYear();
    }

    public boolean offers(String kind) {
        return offeredKinds != null && offeredKinds.contains(kind);
    }
}
