package jp.kofuhub.replica;

/** One person's income and tax for one 年度, in yen (from the tax system, source ZEI). */
public record TaxRecord(
        int fiscalYear,
        String addressJan1,
        boolean residentJan1,
        String filingKind,
        long incomeSalary,
        long incomePension,
        long incomeBusiness,
        long incomeOther,
        long totalIncome,
        long deductions,
        long taxableIncome,
        long cityPerCapita,
        long cityIncomeLevy,
        long prefPerCapita,
        long prefIncomeLevy,
        boolean nonTaxed) {

    public long cityTotal() {
        return cityPerCapita + cityIncomeLevy;
    }

    public long prefTotal() {
        return prefPerCapita + prefIncomeLevy;
    }
}
