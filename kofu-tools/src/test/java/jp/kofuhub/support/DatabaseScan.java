package jp.kofuhub.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Scans every value of every table outside the replica (and Flyway's) for what must not be at rest
 * there: a document's bytes, a resident's name. Strings are judged as their UTF-8 bytes.
 */
public final class DatabaseScan {

    /** Tables the replica keeps the registry in: personal data is there by design. */
    public static final List<String> REPLICA =
            List.of(
                    "household",
                    "resident",
                    "resident_history",
                    "card_serial",
                    "issuance_block",
                    "seal_registration",
                    "tax_record",
                    "honseki_registration",
                    "my_number");

    private DatabaseScan() {}

    /** "table.column" of every value outside the replica that {@code found} accepts. */
    public static List<String> hitsOutsideReplica(JdbcTemplate jdbc, Predicate<byte[]> found) {
        List<String> hits = new ArrayList<>();
        List<String> tables =
                jdbc.queryForList(
                        "select table_name from information_schema.tables where lower(table_schema)"
                                + " = 'public' and table_type in ('BASE TABLE', 'TABLE')",
                        String.class);
        for (String table : tables) {
            String t = table.toLowerCase();
            if (REPLICA.contains(t) || t.startsWith("flyway")) {
                continue;
            }
            jdbc.query(
                    "select * from " + t,
                    rs -> {
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            Object v = rs.getObject(c);
                            byte[] bytes =
                                    v instanceof byte[] b
                                            ? b
                                            : v == null
                                                    ? null
                                                    : v.toString().getBytes(StandardCharsets.UTF_8);
                            if (bytes != null && found.test(bytes)) {
                                hits.add(t + "." + rs.getMetaData().getColumnName(c).toLowerCase());
                            }
                        }
                    });
        }
        return hits;
    }
}
