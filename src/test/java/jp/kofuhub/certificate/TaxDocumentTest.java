package jp.kofuhub.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TaxDocumentTest {

    @Test
    void fiscalYearsAreNamedByTheEraInForceInSummer() {
        assertThat(TaxDocument.fiscalYearLabel(2026)).isEqualTo("令和8年度");
        assertThat(TaxDocument.fiscalYearLabel(2019)).isEqualTo("令和元年度");
        assertThat(TaxDocument.incomeYearLabel(2018)).isEqualTo("平成30年中");
        assertThat(TaxDocument.incomeYearLabel(2019)).isEqualTo("令和元年中");
    }

    @Test
    void titlesFollowKindAndNonTaxedFlag() {
        assertThat(TaxDocument.title("SHOTOKU", true)).isEqualTo("所得証明書");
        assertThat(TaxDocument.title("KAZEI", false)).isEqualTo("課税証明書");
        assertThat(TaxDocument.title("KAZEI", true)).isEqualTo("非課税証明書");
        assertThat(TaxDocument.title("SHOTOKU_KAZEI", false)).isEqualTo("所得・課税証明書");
        assertThat(TaxDocument.yen(1234567)).isEqualTo("1,234,567円");
    }

    @Test
    void theNewTaxYearOpensOnTheSwitchDay() {
        var city = EligibilityTest.city(false);
        assertThat(city.offeredTaxYear(LocalDate.of(2026, 6, 9))).isEqualTo(2025);
        assertThat(city.offeredTaxYear(LocalDate.of(2026, 6, 10))).isEqualTo(2026);
        assertThat(city.offeredTaxYear(LocalDate.of(2027, 1, 5))).isEqualTo(2026);
    }
}
