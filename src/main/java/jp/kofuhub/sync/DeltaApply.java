package jp.kofuhub.sync;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of a DELTA ({@link ReplicaWriter}): each record replaces the row with its key, or
 * deletes it. A resident record always writes its history row but replaces the current row only
 * when it is not older (lower 履歴番号) than the stored one.
 */
final class DeltaApply {

    private final JdbcTemplate jdbc;
    private final String m;

    DeltaApply(JdbcTemplate jdbc, String municipality) {
        this.jdbc = jdbc;
        this.m = municipality;
    }

    /**
     * 個人番号 stay only where the profile prints them: removes every {@code my_number} row of the
     * municipality.
     */
    void dropMyNumbers() {
        jdbc.update("delete from my_number where municipality_code = ?", m);
    }

    /** Deletes the row of {@code table} with this key. */
    void delete(String table, String keyColumn, String key) {
        jdbc.update(
                "delete from " + table + " where municipality_code = ? and " + keyColumn + " = ?",
                m,
                key);
    }

    /** Replaces the row of {@code table} with this key by {@code row}. */
    void replace(String insert, String table, String keyColumn, String key, Object[] row) {
        delete(table, keyColumn, key);
        jdbc.update(insert, row);
    }

    /** Replaces the tax record of one resident and fiscal year. */
    void replaceTax(int year, String atena, Object[] row) {
        jdbc.update(
                "delete from tax_record where municipality_code = ? and fiscal_year = ? and atena_no = ?",
                m,
                year,
                atena);
        jdbc.update(ReplicaStatements.INSERT_TAX, row);
    }

    /**
     * Replaces the history row ({@code hist}) and, unless the stored resident is newer, the current
     * row ({@code row}) of one resident.
     */
    void resident(String atena, int historyNo, Object[] row, Object[] hist) {
        jdbc.update(
                "delete from resident_history where municipality_code = ? and atena_no = ? and history_no = ?",
                m,
                atena,
                historyNo);
        jdbc.update(ReplicaStatements.INSERT_HISTORY, hist);
        Integer current =
                jdbc.query(
                        "select history_no from resident where municipality_code = ? and atena_no = ?",
                        rs -> rs.next() ? rs.getInt(1) : null,
                        m,
                        atena);
        if (current != null && current > historyNo) {
            return;
        }
        jdbc.update("delete from resident where municipality_code = ? and atena_no = ?", m, atena);
        jdbc.update(ReplicaStatements.INSERT_RESIDENT, row);
    }
}
