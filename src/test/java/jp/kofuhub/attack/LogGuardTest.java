package jp.kofuhub.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.LogGuard;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log guard itself (issue #16): it learns the residents every export writer writes, it catches
 * their values and the shapes of their identifiers in any line logged through Logback (message and
 * exception text), it leaves the hub's ordinary lines alone, and it fails the test class during
 * which such a line was logged — shown by running a class that logs a planted 宛名番号 through the
 * JUnit Platform launcher, as surefire does, and reading its result and target/log-guard/.
 */
class LogGuardTest {

    private static final Logger LOG = LoggerFactory.getLogger("jp.kofuhub.attack.planted");

    @TempDir Path tmp;

    /**
     * A resident written through the reference writer: the guard learns them from the writer's tap.
     */
    private String[] writeResident(
            long base, String family, String given, String serial, String juminhyoCode)
            throws Exception {
        String atena = TestRecords.atena(base);
        String[] r =
                TestRecords.resident(
                        atena,
                        1,
                        "H" + base,
                        family,
                        given,
                        "本人",
                        LocalDate.of(1980, 4, 1),
                        "ACTIVE");
        TestRecords.set(r, "juminhyo_code", juminhyoCode);
        TestRecords.write(
                tmp,
                "999991",
                "JUKI",
                1,
                ExportHeader.Kind.FULL,
                new Object[][] {
                    TestRecords.rec(
                            RecordType.H,
                            TestRecords.household("H" + base, atena, "北海道架空市見本町9丁目8番7号")),
                    TestRecords.rec(RecordType.R, r),
                    TestRecords.rec(RecordType.C, TestRecords.card(serial, atena))
                });
        return new String[] {atena, family + " " + given, serial, juminhyoCode};
    }

    private static int caught(String planted, Runnable log) {
        int mark = LogGuard.count();
        log.run();
        int n = LogGuard.since(mark).size();
        LogGuard.forgive(planted);
        return n;
    }

    @Test
    void catchesEveryValueOfAGeneratedResidentInMessagesAndExceptions() throws Exception {
        String[] p = writeResident(88_000_001L, "鬼首", "朔太郎", "9F3A5C7E1B2D4068", "73950218463");
        String atena = p[0];
        assertThat(
                        caught(
                                atena,
                                () ->
                                        LOG.info(
                                                "issue 999991 JUMINHYO tx T-1 {}: refused SUPPORT_MEASURE",
                                                atena)))
                .isEqualTo(1);
        assertThat(caught("朔太郎", () -> LOG.warn("field overflow in 朔太郎's name"))).isEqualTo(1);
        assertThat(caught("鬼首", () -> LOG.info("name: 鬼首　朔太郎"))).isEqualTo(1);
        assertThat(caught("見本町", () -> LOG.info("address 北海道架空市見本町9丁目8番7号 did not fit")))
                .isEqualTo(1);
        assertThat(caught(p[2], () -> LOG.info("card {} presented", p[2]))).isEqualTo(1);
        assertThat(caught(p[3], () -> LOG.info("code {} printed", p[3]))).isEqualTo(1);
        assertThat(
                        caught(
                                atena,
                                () ->
                                        LOG.error(
                                                "sync failed",
                                                new IllegalStateException(
                                                        "wrapper",
                                                        new IllegalArgumentException(
                                                                "duplicate key ("
                                                                        + atena
                                                                        + ", 1)")))))
                .isEqualTo(1);
    }

    @Test
    void catchesTheShapesOfIdentifiersItWasNotTold() {
        String unknownAtena = AtenaNumber.of(31_415_926_535L);
        assertThat(caught(unknownAtena, () -> LOG.info("looked up {}", unknownAtena))).isEqualTo(1);
        assertThat(
                        caught(
                                "0123456789ABCDEF",
                                () -> LOG.info("card serial 0123456789ABCDEF unknown")))
                .isEqualTo(1);
        assertThat(caught("12345678901", () -> LOG.info("住民票コード: 12345678901"))).isEqualTo(1);
        assertThat(caught("000000000000123", () -> LOG.info("atena=000000000000123"))).isEqualTo(1);
    }

    @Test
    void leavesTheHubsOrdinaryLinesAlone() throws Exception {
        writeResident(88_000_002L, "柊木", "葵衣", "0A1B2C3D4E5F6071", "40213958762");
        int mark = LogGuard.count();
        LOG.info(
                "issue 012343 JUMINHYO tx 4d6f1e2a-6c1b-4f7e-9d0a-1b2c3d4e5f60: issued 012343-20261125-000042 (2 sheets)");
        LOG.info("sync 012343 JUKI seq 6 DELTA: APPLIED (12 records, 48 ms)");
        LOG.info(
                "koseki server listening on port 8091 for municipality 012343 (120 戸籍, 北広島市, mutual TLS)");
        LOG.info(
                "issuance failed unexpectedly in exchange 9A8B7C6D5E4F3A2-0000000000000017: java.lang.IllegalStateException");
        LOG.info("coupling SUSPENDED by operator (reason: 24 characters, sha256 3f9a1c0b7e2d4c5a)");
        LOG.info("purged 1234567890123 message nonces at 1732500000000");
        assertThat(LogGuard.since(mark)).isEmpty();
    }

    /**
     * Logs a planted 宛名番号: run only by {@link
     * #failsTheTestClassDuringWhichALineShowedPersonalData}.
     */
    @EnabledIfSystemProperty(named = "kofu.log-guard.planted", matches = ".+")
    static class Planted {
        @Test
        void logsAPlantedAtena() {
            LOG.info(
                    "issue 012343 JUMINHYO tx T-9 atena {}: refused SUPPORT_MEASURE",
                    System.getProperty("kofu.log-guard.planted"));
        }
    }

    @Test
    void failsTheTestClassDuringWhichALineShowedPersonalData() throws Exception {
        String planted = AtenaNumber.of(27_182_818_284L);
        Path report = LogGuard.DIR.resolve(Planted.class.getName() + ".txt");
        Files.deleteIfExists(report);
        AtomicReference<TestExecutionResult> classResult = new AtomicReference<>();
        AtomicReference<TestExecutionResult> testResult = new AtomicReference<>();
        System.setProperty("kofu.log-guard.planted", planted);
        try {
            LauncherFactory.create()
                    .execute(
                            LauncherDiscoveryRequestBuilder.request()
                                    .selectors(selectClass(Planted.class))
                                    .build(),
                            new TestExecutionListener() {

                                @Override
                                public void executionFinished(
                                        TestIdentifier id, TestExecutionResult result) {
                                    if (id.getUniqueId()
                                            .endsWith("[class:" + Planted.class.getName() + "]")) {
                                        classResult.set(result);
                                    } else if (id.isTest()) {
                                        testResult.set(result);
                                    }
                                }
                            });
        } finally {
            System.clearProperty("kofu.log-guard.planted");
            LogGuard.forgive(planted);
        }
        // the test method itself passed; its class fails in afterAll, which surefire reports as an
        // error
        assertThat(testResult.get().getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(classResult.get().getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(classResult.get().getThrowable())
                .get()
                .asString()
                .contains("log guard")
                .contains(planted);
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertThat(lines)
                .singleElement()
                .asString()
                .contains(planted)
                .contains("jp.kofuhub.attack.planted");
        Files.delete(report);
    }
}
