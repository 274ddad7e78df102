package jp.kofuhub.issuance;

import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands out 発行番号: issue date · municipality · terminal · printer · running number. The running
 * number is per municipality and day, taken under the counter row's lock in the database, so
 * several threads or instances never hand out the same number.
 */
public class IssueNumbers {

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public IssueNumbers(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public String next(String municipality, LocalDate day, String terminal, String printer) {
        return next(municipality, day, terminal, printer, number -> {});
    }

    /**
     * The next 発行番号; {@code record} runs in the same database transaction that takes it from the
     * counter (CertificatePreparation writes it on the transaction row), so a number is either
     * recorded where it was spent or not taken at all — the running numbers have no silent gap.
     */
    public String next(
            String municipality,
            LocalDate day,
            String terminal,
            String printer,
            java.util.function.Consumer<String> record) {
        Date d = Date.valueOf(day);
        ensureCounter(municipality, d);
        return tx.execute(
                s -> {
                    jdbc.update(
                            "update issue_counter set last_no = last_no + 1 where municipality_code = ? and issue_date = ?",
                            municipality,
                            d);
                    Long n =
                            jdbc.queryForObject(
                                    "select last_no from issue_counter where municipality_code = ? and issue_date = ?",
                                    Long.class,
                                    municipality,
                                    d);
                    String number =
                            String.format(
                                    "%s-%s-%s-%s-%06d",
                                    day.format(DAY), municipality, terminal, printer, n);
                    record.accept(number);
                    return number;
                });
    }

    /** Creates the day's counter row outside the numbering transaction; a lost race is harmless. */
    private void ensureCounter(String municipality, Date d) {
        try {
            jdbc.update(
                    "insert into issue_counter (municipality_code, issue_date, last_no) select ?, ?, 0"
                            + " where not exists (select 1 from issue_counter where municipality_code = ? and issue_date = ?)",
                    municipality,
                    d,
                    municipality,
                    d);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // another thread or instance created it first
        }
    }
}
