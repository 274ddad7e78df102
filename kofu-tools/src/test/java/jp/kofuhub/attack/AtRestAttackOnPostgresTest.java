package jp.kofuhub.attack;

import java.nio.file.Path;
import java.util.List;
import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link AtRestScenarios} on PostgreSQL 15: the table content, and the server's data directory
 * (heap files with their dead tuples, the WAL) after a CHECKPOINT.
 */
@ContextConfiguration(initializers = TestHub.Postgres.class)
class AtRestAttackOnPostgresTest extends AtRestScenarios {

    @Override
    List<Path> databaseFiles() {
        return List.of(Path.of(jdbc.queryForObject("show data_directory", String.class)));
    }

    @Override
    void checkpoint() {
        jdbc.execute("checkpoint");
    }
}
