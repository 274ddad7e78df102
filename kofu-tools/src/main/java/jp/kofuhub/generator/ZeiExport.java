package jp.kofuhub.generator;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import jp.kofuhub.generator.CityGenerator.Household;
import jp.kofuhub.generator.CityGenerator.Person;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;

/**
 * The 税務システム's export of a generated city (source {@code ZEI}): one FULL snapshot of the current
 * 年度's 個人住民税 records, written household by household while the 住民記録 snapshot is generated, from its
 * own random stream (the 住民記録 files stay byte-identical).
 *
 * <p>Who has a record: residents aged 16 or more today who were resident on 1 January of the 年度
 * (the 賦課期日). The 年度 is the one tax certificates show: it switches on 10 June.
 *
 * <p>Amounts are yen. {@code income_*} are 所得 by kind, after the statutory deductions of the income
 * year (給与所得控除, 公的年金等控除; business income is already net), so {@code total_income} is their sum.
 * Deductions are the 住民税 所得控除: 基礎控除, 社会保険料, 生命保険料, 配偶者 and 扶養 (claimed by the household's main
 * earner). {@code taxable_income} is rounded down to 1,000 yen; 均等割 is 3,500 (city) + 1,500
 * (prefecture); 所得割 is 6% + 4% of the taxable income, each rounded down to 100 yen. 非課税 (all tax 0)
 * follows the 1級地 limits: total income up to 450,000 yen for a single person, or 350,000 × (1 +
 * dependants) + 310,000; minors up to 1,350,000. Below the 所得割 limit (350,000 × (1 + dependants) +
 * 420,000 with dependants, 450,000 without) only 均等割 is due. {@code filing_kind}: {@code EMPLOYER}
 * (給与支払報告書) for salary alone, {@code PENSION} for a pension alone, {@code RETURN} for business or
 * other income, mixed income, or a salaried person's own return (医療費控除 …), {@code NONE} when nobody
 * reported anything (no income).
 */
final class ZeiExport implements AutoCloseable {

    static final String SOURCE = "ZEI";

    /** Tax certificates switch to the new 年度 on this day. */
    static final MonthDay YEAR_SWITCH = MonthDay.of(6, 10);

    private static final long CITY_PER_CAPITA = 3_500;
    private static final long PREF_PER_CAPITA = 1_500;
    private static final long BASIC_DEDUCTION = 430_000;
    private static final long DEPENDANT_LIMIT = 480_000;

    private final LocalDate today;
    private final UnaryOperator<String> adapt;
    private final SplittableRandom rng;
    private final ExportWriter full;
    private final int fiscalYear;
    private final LocalDate jan1;

    /** 31 December of the year whose income the 年度 taxes. */
    private final LocalDate incomeYearEnd;

    private long records;

    /**
     * One member's income in the income year, gross and net, and what the earner claims for them.
     */
    private static final class Income {
        final Person person;
        long salaryGross;
        long pensionGross;
        long business;
        long other;
        boolean ownReturn;
        long salary;
        long pension;
        long total;
        long socialInsurance;
        long lifeInsurance;

        /** Spouse and dependant deductions claimed, and how many people they cover. */
        long familyDeductions;

        int dependants;

        Income(Person person) {
            this.person = person;
        }

        boolean none() {
            return salaryGross == 0 && pensionGross == 0 && business == 0 && other == 0;
        }
    }

    ZeiExport(
            Path outDir,
            String municipality,
            Charset charset,
            LocalDate today,
            OffsetDateTime createdAt,
            long seed,
            UnaryOperator<String> adapt)
            throws IOException {
        this.today = today;
        this.adapt = adapt;
        this.rng = new SplittableRandom(seed ^ 0x5A45490000000000L);
        this.fiscalYear = fiscalYear(today);
        this.jan1 = LocalDate.of(fiscalYear, 1, 1);
        this.incomeYearEnd = LocalDate.of(fiscalYear - 1, 12, 31);
        this.full =
                new ExportWriter(
                        outDir,
                        municipality,
                        SOURCE,
                        1,
                        ExportHeader.Kind.FULL,
                        charset,
                        createdAt);
    }

    /**
     * The 年度 tax certificates show on {@code today}: the calendar year from 10 June, else the year
     * before.
     */
    static int fiscalYear(LocalDate today) {
        return MonthDay.from(today).isBefore(YEAR_SWITCH) ? today.getYear() - 1 : today.getYear();
    }

    int fiscalYear() {
        return fiscalYear;
    }

    long records() {
        return records;
    }

    /** The T records of one household of the FULL snapshot. */
    void household(Household h) throws IOException {
        int n = h.members.size();
        Income[] in = new Income[n];
        for (int i = 0; i < n; i++) {
            in[i] = income(h.members.get(i));
        }
        claimFamily(h, in);
        for (Income i : in) {
            Person p = i.person;
            if (p.age(today) >= 16 && !p.becameResident.isAfter(jan1)) {
                write(h, i);
            }
        }
    }

    // ---- income of the income year ----

    private Income income(Person p) {
        Income i = new Income(p);
        int age = Period.between(p.birth, incomeYearEnd).getYears();
        if (p.age(today) < 16 || age < 15) {
            return i;
        }
        double r = rng.nextDouble();
        if (p.cardRole.equals("showcase")) {
            i.salaryGross = yen(5_000_000, 7_500_000);
        } else if (age >= 65) {
            i.pensionGross =
                    rng.nextDouble() < 0.04 ? 0 : yen(age >= 75 ? 600_000 : 700_000, 2_800_000);
            if (r < 0.15) {
                i.salaryGross = yen(600_000, 3_000_000);
            } else if (r < 0.22) {
                i.business = yen(300_000, 3_000_000);
            }
            if (rng.nextDouble() < 0.05) {
                i.other = yen(100_000, 1_500_000);
            }
        } else if (p.foreign && !p.residenceStatus.equals("永住者")) {
            switch (p.residenceStatus) {
                case "留学" -> i.salaryGross = r < 0.7 ? yen(400_000, 1_300_000) : 0;
                case "技能実習", "特定技能" -> i.salaryGross = yen(2_000_000, 3_200_000);
                case "家族滞在" -> i.salaryGross = r < 0.4 ? yen(300_000, 1_200_000) : 0;
                default -> i.salaryGross = yen(3_200_000, 7_000_000);
            }
        } else if (age <= 22 && (p.relationship.equals("子") || p.relationship.equals("孫"))) {
            i.salaryGross = r < 0.45 ? yen(100_000, 1_400_000) : 0;
        } else if (p.relationship.equals("妻") || p.relationship.equals("子の妻")) {
            i.salaryGross =
                    r < 0.35 ? 0 : r < 0.75 ? yen(500_000, 1_500_000) : yen(2_500_000, 5_500_000);
        } else if (r < 0.05) {
            // out of work, or living on savings: nothing to report
            i.salaryGross = 0;
        } else if (r < 0.14) {
            i.business = yen(800_000, 6_000_000);
        } else {
            i.salaryGross = salaryByAge(age);
        }
        if (i.salaryGross > 0
                && i.business == 0
                && i.pensionGross == 0
                && i.other == 0
                && !p.cardRole.equals("showcase")) {
            i.ownReturn = rng.nextDouble() < 0.05;
        }
        i.salary = salaryIncome(i.salaryGross);
        i.pension = pensionIncome(i.pensionGross, age);
        i.total = i.salary + i.pension + i.business + i.other;
        i.socialInsurance =
                round1000(
                        i.salaryGross * 145 / 1000
                                + i.pensionGross * 8 / 100
                                + i.business * 12 / 100
                                + (i.business > 0 && age < 60 ? 203_760 : 0));
        i.lifeInsurance =
                i.salaryGross > 0 || i.business > 0
                        ? new long[] {0, 0, 28_000, 56_000, 70_000}[rng.nextInt(5)]
                        : 0;
        return i;
    }

    private long salaryByAge(int age) {
        if (rng.nextDouble() < 0.03) {
            return yen(9_000_000, 15_000_000);
        }
        if (age < 30) {
            return yen(2_500_000, 4_500_000);
        }
        if (age < 40) {
            return yen(3_500_000, 6_000_000);
        }
        if (age < 50) {
            return yen(4_000_000, 7_500_000);
        }
        return yen(4_000_000, 8_500_000);
    }

    /** 給与所得: salary minus 給与所得控除 (the table since 2020). */
    static long salaryIncome(long gross) {
        long deduction;
        if (gross <= 1_625_000) {
            deduction = 550_000;
        } else if (gross <= 1_800_000) {
            deduction = gross * 4 / 10 - 100_000;
        } else if (gross <= 3_600_000) {
            deduction = gross * 3 / 10 + 80_000;
        } else if (gross <= 6_600_000) {
            deduction = gross * 2 / 10 + 440_000;
        } else if (gross <= 8_500_000) {
            deduction = gross / 10 + 1_100_000;
        } else {
            deduction = 1_950_000;
        }
        return Math.max(0, gross - deduction);
    }

    /** 公的年金等に係る雑所得: pension minus 公的年金等控除 (other income up to 10 million). */
    static long pensionIncome(long gross, int age) {
        long deduction;
        if (gross <= (age >= 65 ? 3_300_000 : 1_300_000)) {
            deduction = age >= 65 ? 1_100_000 : 600_000;
        } else if (gross <= 4_100_000) {
            deduction = gross / 4 + 275_000;
        } else if (gross <= 7_700_000) {
            deduction = gross * 15 / 100 + 685_000;
        } else if (gross <= 10_000_000) {
            deduction = gross * 5 / 100 + 1_455_000;
        } else {
            deduction = 1_955_000;
        }
        return Math.max(0, gross - deduction);
    }

    // ---- spouse and dependants ----

    /**
     * The head's couple claims the spouse and the other low-income members; a married son (子 with
     * 子の妻 in the household) claims his wife and the grandchildren. The one of a couple with the
     * higher income is the earner.
     */
    private void claimFamily(Household h, Income[] in) {
        Income head = in[0];
        Income headSpouse = find(in, "妻", "夫");
        Income sonsWife = find(in, "子の妻");
        Income son = null;
        if (sonsWife != null) {
            for (Income i : in) {
                if (i.person.koseki == CityGenerator.Koseki.SON
                        && i.person.relationship.equals("子")) {
                    son = i;
                }
            }
        }
        Income earner = headSpouse != null && headSpouse.total > head.total ? headSpouse : head;
        Income sonEarner = son == null ? null : sonsWife.total > son.total ? sonsWife : son;
        for (Income i : in) {
            boolean sonsFamily =
                    sonEarner != null
                            && (i == son || i == sonsWife || i.person.relationship.equals("孫"));
            Income claimant = sonsFamily ? sonEarner : earner;
            if (i == claimant || i.total > DEPENDANT_LIMIT) {
                continue;
            }
            int age = Period.between(i.person.birth, incomeYearEnd).getYears();
            boolean spouse =
                    (claimant == earner && (i == head || i == headSpouse))
                            || (claimant == sonEarner && (i == son || i == sonsWife));
            claimant.dependants++;
            if (spouse) {
                claimant.familyDeductions +=
                        claimant.total <= 9_000_000 ? (age >= 70 ? 380_000 : 330_000) : 0;
            } else if (age >= 70) {
                boolean parent =
                        claimant == earner
                                && (i.person.relationship.equals("母")
                                        || i.person.relationship.equals("父"));
                claimant.familyDeductions += parent ? 450_000 : 380_000;
            } else if (age >= 19 && age <= 22) {
                claimant.familyDeductions += 450_000;
            } else if (age >= 16) {
                claimant.familyDeductions += 330_000;
            }
        }
        // 配偶者特別控除 for a spouse earning a little more than the dependant limit
        spouseSpecial(earner, earner == head ? headSpouse : head);
        if (sonEarner != null) {
            spouseSpecial(sonEarner, sonEarner == son ? sonsWife : son);
        }
    }

    private static void spouseSpecial(Income earner, Income spouse) {
        if (spouse == null || spouse.total <= DEPENDANT_LIMIT || earner.total > 9_000_000) {
            return;
        }
        if (spouse.total <= 950_000) {
            earner.familyDeductions += 330_000;
        } else if (spouse.total <= 1_330_000) {
            earner.familyDeductions += 110_000;
        }
    }

    private static Income find(Income[] in, String... relationships) {
        for (Income i : in) {
            for (String r : relationships) {
                if (i.person.relationship.equals(r)) {
                    return i;
                }
            }
        }
        return null;
    }

    // ---- the record ----

    private void write(Household h, Income i) throws IOException {
        Person p = i.person;
        long deductions = 0;
        long taxable = 0;
        boolean nonTaxed = true;
        long cityLevy = 0;
        long prefLevy = 0;
        String filing;
        if (i.none()) {
            filing = "NONE";
        } else {
            boolean salaryOnly =
                    i.salaryGross > 0 && i.pensionGross == 0 && i.business == 0 && i.other == 0;
            boolean pensionOnly =
                    i.pensionGross > 0 && i.salaryGross == 0 && i.business == 0 && i.other == 0;
            filing = salaryOnly && !i.ownReturn ? "EMPLOYER" : pensionOnly ? "PENSION" : "RETURN";
            deductions =
                    basicDeduction(i.total)
                            + i.socialInsurance
                            + i.lifeInsurance
                            + i.familyDeductions;
            taxable = Math.max(0, i.total - deductions) / 1000 * 1000;
            int ageJan1 = Period.between(p.birth, jan1).getYears();
            long limit = i.dependants == 0 ? 450_000 : 350_000L * (1 + i.dependants) + 310_000;
            nonTaxed = i.total <= limit || (ageJan1 < 18 && i.total <= 1_350_000);
            long levyLimit = i.dependants == 0 ? 450_000 : 350_000L * (1 + i.dependants) + 420_000;
            if (!nonTaxed && i.total > levyLimit) {
                cityLevy = taxable * 6 / 100 / 100 * 100;
                prefLevy = taxable * 4 / 100 / 100 * 100;
            }
        }
        full.write(
                RecordType.T,
                "U",
                Integer.toString(fiscalYear),
                p.atenaNo,
                adapt.apply(h.address),
                "1",
                filing,
                Long.toString(i.salary),
                Long.toString(i.pension),
                Long.toString(i.business),
                Long.toString(i.other),
                Long.toString(i.total),
                Long.toString(deductions),
                Long.toString(taxable),
                Long.toString(nonTaxed ? 0 : CITY_PER_CAPITA),
                Long.toString(cityLevy),
                Long.toString(nonTaxed ? 0 : PREF_PER_CAPITA),
                Long.toString(prefLevy),
                nonTaxed ? "1" : "0");
        records++;
    }

    /** 基礎控除 of 個人住民税 (since 2021): 430,000 yen, less above 24 million of income. */
    private static long basicDeduction(long total) {
        if (total <= 24_000_000) {
            return BASIC_DEDUCTION;
        }
        if (total <= 24_500_000) {
            return 290_000;
        }
        return total <= 25_000_000 ? 150_000 : 0;
    }

    Path commit() throws IOException {
        return full.commit();
    }

    @Override
    public void close() throws IOException {
        full.close();
    }

    // ---- helpers ----

    /** A random amount between lo and hi, in whole thousands of yen. */
    private long yen(long lo, long hi) {
        return (lo + rng.nextLong(hi - lo + 1)) / 1000 * 1000;
    }

    private static long round1000(long v) {
        return v / 1000 * 1000;
    }
}
