package jp.kofuhub.registry;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Dates in the registry export are written the way the in-house systems keep them: a 7-digit era
 * date {@code GYYMMDD} (元号コード G: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和; YY the era year; MM; DD). A year
 * outside its era (平成32, 令和0, 昭和65) or a day before the era began is invalid.
 */
public final class EraDate {

    /**
     * The five modern eras with their first day; an era ends the day before the next one begins.
     */
    public enum Era {
        MEIJI(1, "明治", "M", LocalDate.of(1868, 1, 25)),
        TAISHO(2, "大正", "T", LocalDate.of(1912, 7, 30)),
        SHOWA(3, "昭和", "S", LocalDate.of(1926, 12, 25)),
        HEISEI(4, "平成", "H", LocalDate.of(1989, 1, 8)),
        REIWA(5, "令和", "R", LocalDate.of(2019, 5, 1));

        public final int code;
        public final String kanji;
        public final String letter;
        public final LocalDate start;

        Era(int code, String kanji, String letter, LocalDate start) {
            this.code = code;
            this.kanji = kanji;
            this.letter = letter;
            this.start = start;
        }

        /** Last day of the era, or {@code null} for the current one. */
        public LocalDate end() {
            Era[] all = values();
            return ordinal() + 1 < all.length ? all[ordinal() + 1].start.minusDays(1) : null;
        }

        static Era ofCode(int code) {
            for (Era e : values()) {
                if (e.code == code) {
                    return e;
                }
            }
            return null;
        }

        public static Era of(LocalDate date) {
            Era found = null;
            for (Era e : values()) {
                if (!date.isBefore(e.start)) {
                    found = e;
                }
            }
            return found;
        }
    }

    private EraDate() {}

    /**
     * Parses {@code GYYMMDD}; throws {@link IllegalArgumentException} with a reason that names no
     * data.
     */
    public static LocalDate parse(String text) {
        if (text == null
                || text.length() != 7
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a 7-digit era date");
        }
        Era era = Era.ofCode(text.charAt(0) - '0');
        if (era == null) {
            throw new IllegalArgumentException("unknown era code " + text.charAt(0));
        }
        int year = Integer.parseInt(text.substring(1, 3));
        int month = Integer.parseInt(text.substring(3, 5));
        int day = Integer.parseInt(text.substring(5, 7));
        if (year < 1) {
            throw new IllegalArgumentException(era.kanji + " year out of range");
        }
        LocalDate date;
        try {
            date = LocalDate.of(era.start.getYear() + year - 1, month, day);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("no such calendar day");
        }
        LocalDate end = era.end();
        if (date.isBefore(era.start) || (end != null && date.isAfter(end))) {
            throw new IllegalArgumentException(era.kanji + " year out of range");
        }
        return date;
    }

    /** Formats a date as {@code GYYMMDD}. */
    public static String format(LocalDate date) {
        Era era = Era.of(date);
        if (era == null) {
            throw new IllegalArgumentException("date before 明治");
        }
        int year = date.getYear() - era.start.getYear() + 1;
        return String.format(
                "%d%02d%02d%02d", era.code, year, date.getMonthValue(), date.getDayOfMonth());
    }

    /** 和暦 for print: 令和8年11月25日, with 元年 for the first year. */
    public static String wareki(LocalDate date) {
        Era era = Era.of(date);
        if (era == null) {
            return date.getYear() + "年" + date.getMonthValue() + "月" + date.getDayOfMonth() + "日";
        }
        int year = date.getYear() - era.start.getYear() + 1;
        return era.kanji
                + (year == 1 ? "元" : Integer.toString(year))
                + "年"
                + date.getMonthValue()
                + "月"
                + date.getDayOfMonth()
                + "日";
    }

    /** Western calendar for print (foreign residents' birth dates): 1985年4月1日. */
    public static String seireki(LocalDate date) {
        return date.getYear() + "年" + date.getMonthValue() + "月" + date.getDayOfMonth() + "日";
    }
}
