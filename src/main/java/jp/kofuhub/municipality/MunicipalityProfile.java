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
        String taxYearSwitch) {


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
