package jp.kofuhub.demo;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import jp.kofuhub.keys.KeysOnFirstRun;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.LogCapture;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #18: the README's ready line ({@code demo city <code> ready}) is logged on a restart too,
 * when the city was loaded by an earlier start (before, only the first start logged it, so a
 * restarted demo never said it was ready). The demo city bean is started as a restarted hub starts
 * it, on municipality 990346 whose JUKI FULL this hub has already applied.
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class DemoReadyOnH2Test extends HubTestBase {

    static final String CITY = "990346";

    @Autowired Clock clock;
    @Autowired MunicipalityRegistry municipalities;
    @Autowired KeysOnFirstRun keys;

    @Test
    void aRestartedDemoLogsItsReadyLine() throws Exception {
        String head = atena(34601);
        TestRecords.write(
                inbox,
                CITY,
                1,
                Kind.FULL,
                java.nio.charset.StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("1", head, "北海道北広島市中央１丁目１番１号")),
                    rec(
                            RecordType.R,
                            resident(
                                    head,
                                    1,
                                    "1",
                                    "準備",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1980, 1, 1),
                                    "RESIDENT")),
                    rec(RecordType.C, card("ZJ00000000034601", head)),
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);
        Path cards = Files.createTempDirectory("demo-ready").resolve("cards-" + CITY + ".csv");
        DemoCity restarted =
                new DemoCity(
                        jdbc,
                        clock,
                        municipalities,
                        0,
                        inbox.toString(),
                        cards.toString(),
                        CITY,
                        10,
                        1L,
                        true,
                        keys,
                        TestHub.KEYS.toString(),
                        DemoKeys.DEFAULT_PASSWORD,
                        "",
                        false,
                        "127.0.0.1");
        try (LogCapture log = LogCapture.open()) {
            restarted.run(null);
            await().atMost(SYNC_WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(log.lines())
                                            .anyMatch(
                                                    l ->
                                                            l.text()
                                                                    .startsWith(
                                                                            "demo city "
                                                                                    + CITY
                                                                                    + " ready (JUKI"
                                                                                    + " seq")));
            // a restart does not generate the city again: its cards file is not written
            assertThat(cards).doesNotExist();
        } finally {
            restarted.destroy();
        }
    }
}
