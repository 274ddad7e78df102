package jp.kofuhub.attack;

import java.nio.file.Path;
import java.util.List;
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

        H2File() {
            super(hub("h2file").h2File(DIR.resolve("kofu")));
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
