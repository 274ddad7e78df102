package jp.kofuhub.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/** What every fault must leave of a municipality's 発行番号, checked in the database. */
public final class IssueNumberChecks {

    private IssueNumberChecks() {}

    /**
     * No 発行番号 twice in the history, and every running number the counter handed out is on one
     * transaction row (spent where it was recorded: issued, voided with its history row, or still
     * held) — none skipped, none twice.
     */
    public static void noNumberTwiceOrSkipped(JdbcTemplate db, String city) {
        assertThat(
                        db.queryForList(
                                "select issue_number from issuance_history where municipality_code = ? and"
                                        + " issue_number is not null group by issue_number having count(*) > 1",
                                String.class,
                                city))
                .as("発行番号 twice in the history")
                .isEmpty();
        for (Map<String, Object> c :
                db.queryForList(
                        "select issue_date, last_no from issue_counter where municipality_code = ?",
                        city)) {
            long last = ((Number) c.get("last_no")).longValue();
            List<String> numbers =
                    db.queryForList(
                            "select issue_number from issuance_transaction where municipality_code = ?"
                                    + " and issue_number like ?",
                            String.class,
                            city,
                            c.get("issue_date").toString().replace("-", "") + "-%");
            Set<Long> running = new HashSet<>();
            for (String n : numbers) {
                assertThat(running.add(Long.parseLong(n.substring(n.lastIndexOf('-') + 1))))
                        .as("running number of %s twice", n)
                        .isTrue();
            }
            assertThat(running).as("numbers 1..%d on transaction rows", last).hasSize((int) last);
        }
    }
}
