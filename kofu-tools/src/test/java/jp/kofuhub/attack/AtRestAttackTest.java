package jp.kofuhub.attack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jp.kofuhub.support.TestHub;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link AtRestScenarios} on H2 in a file, as the default profile runs it: the raw {@code .mv.db}
 * file (MVStore, which keeps old page versions after an update) is scanned after a CHECKPOINT.
 */
@ContextConfiguration(initializers = AtRestAttackTest.H2File.class)
class AtRestAttackTest extends AtRestScenarios {

    /** H2 in a file of its own, in PostgreSQL mode like config/application.yaml. */
    static class H2File extends TestHub {
        static final Path DIR = dir();

        private static Path dir() {
            try {
                return java.nio.file.Files.createTempDirectory("kofu-test-h2file-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        protected String name() {
            return "h2file";
        }

        @Override
        protected Map<String, Object> datasource() {
            return Map.of("spring.datasource.url", "jdbc:h2:file:" + DIR.resolve("kofu") + ";MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "spring.datasource.username", "sa",
                    "spring.datasource.password", "");
        }
    }

    @Override
    List<Path> databaseFiles() {
        return List.of(H2File.DIR);
    }

    @Override
    void checkpoint() {
        jdbc.execute("checkpoint");
    }
}
