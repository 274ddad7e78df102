package jp.kofuhub.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * JDBC batches, households before residents before cards, every {@value #BATCH} rows of any table.
 */
final class BatchSink implements FullSink {

    static final int BATCH = 5000;

    private final JdbcTemplate jdbc;
    private final Map<String, List<Object[]>> batches = new LinkedHashMap<>();

    /**
     * @param historyInsert the statement the history rows are written with (so they batch after the
     *     residents)
     */
    BatchSink(JdbcTemplate jdbc, String historyInsert) {
        this.jdbc = jdbc;
        for (String sql :
                List.of(
                        ReplicaStatements.INSERT_HOUSEHOLD,
                        ReplicaStatements.INSERT_RESIDENT,
                        historyInsert,
                        ReplicaStatements.INSERT_CARD)) {
            batches.put(sql, new ArrayList<>());
        }
    }

    @Override
    public void add(String insert, Object[] row) {
        List<Object[]> batch = batches.computeIfAbsent(insert, k -> new ArrayList<>());
        batch.add(row);
        if (batch.size() >= BATCH) {
            finish();
        }
    }

    @Override
    public void finish() {
        for (Map.Entry<String, List<Object[]>> e : batches.entrySet()) {
            if (!e.getValue().isEmpty()) {
                jdbc.batchUpdate(e.getKey(), e.getValue());
                e.getValue().clear();
            }
        }
    }

    @Override
    public void close() {
        batches.clear();
    }
}
