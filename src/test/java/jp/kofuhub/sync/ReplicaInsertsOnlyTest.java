package jp.kofuhub.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The replica is written by inserts and deletes only (issue #20 item 4): a FULL over a loaded
 * replica keeps every row whose {@code row_digest} matches the file's (CopySink), so a statement
 * that changed a row's content in place would leave a digest that no longer describes it, and the
 * next FULL would keep stale data. No code or route may update or upsert a replica table.
 */
class ReplicaInsertsOnlyTest {

    private static final String TABLES =
            "(household|resident|card_serial|my_number|issuance_block|seal_registration|tax_record"
                    + "|honseki_registration)";
    private static final Pattern CHANGE_IN_PLACE =
            Pattern.compile(
                    "(?is)\\b(update\\s+"
                            + TABLES
                            + "\\b|merge\\s+into\\s+"
                            + TABLES
                            + "\\b|insert\\s+into\\s+"
                            + TABLES
                            + "\\b[^;\"]*on\\s+conflict[^;\"]*do\\s+update)");

    @Test
    void noStatementChangesAReplicaRowInPlace() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main"), Path.of("routes"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    var m = CHANGE_IN_PLACE.matcher(text);
                    while (m.find()) {
                        found.add(f + ": " + m.group());
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void thePatternFindsAnUpdateAndAnUpsert() {
        assertThat(
                        CHANGE_IN_PLACE
                                .matcher("jdbc.update(\"update resident set status = ?\")")
                                .find())
                .isTrue();
        assertThat(
                        CHANGE_IN_PLACE
                                .matcher(
                                        "insert into card_serial (a) values (?) on conflict (a) do update set b = 1")
                                .find())
                .isTrue();
        assertThat(CHANGE_IN_PLACE.matcher("update issue_counter set n = n + 1").find()).isFalse();
    }
}
