package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import jp.kofuhub.registry.ExportFormat;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The registry-sync route against the real file inbox: whole files apply in one transaction, in
 * sequence; bad files go to quarantine whole with a reason and change nothing. Municipality 012173
 * (Ebetsu) is this class's own. The tests run in order: each builds on the replica state the
 * previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SyncScenarios extends HubTestBase {

    static final String CITY = "012173";
    static final String A1 = atena(1001);
    static final String A2 = atena(1002);
    static final String A3 = atena(1003);

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @Order(1)
    void fullSnapshotApplies() throws IOException {
        write(
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("100", A1, "北海道江別市高砂町１番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    A1,
                                    1,
                                    "100",
                                    "江別",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1970, 5, 5),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    A2,
                                    1,
                                    "100",
                                    "江別",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 6, 6),
                                    "RESIDENT")),
                    rec(RecordType.C, card("EB00000000000001", A1))
                });
        awaitApplied(1);
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isEqualTo(2);
        assertThat(count("select count(*) from resident_history where municipality_code = ?", CITY))
                .isEqualTo(2);
        assertThat(
                        jdbc.queryForObject(
                                "select last_sequence from sync_source_state where municipality_code = ?",
                                Long.class,
                                CITY))
                .isEqualTo(1L);
    }

    @Test
    @Order(2)
    void theSameFileAgainIsANoOp() throws IOException {
        Path again =
                write(
                        1,
                        Kind.FULL,
                        new Object[][] {
                            rec(RecordType.H, household("100", A1, "北海道江別市高砂町１番地")),
                            rec(
                                    RecordType.R,
                                    resident(
                                            A1,
                                            1,
                                            "100",
                                            "江別",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 5, 5),
                                            "RESIDENT")),
                            rec(
                                    RecordType.R,
                                    resident(
                                            A2,
                                            1,
                                            "100",
                                            "江別",
                                            "花子",
                                            "妻",
                                            LocalDate.of(1972, 6, 6),
                                            "RESIDENT")),
                            rec(RecordType.C, card("EB00000000000001", A1))
                        });
        await().atMost(SYNC_WAIT).until(() -> !Files.exists(again));
        assertThat(appliedFiles(CITY)).isEqualTo(1);
        assertThat(quarantined()).isEmpty();
    }

    @Test
    @Order(3)
    void aDeltaThatArrivesEarlyWaitsForItsPredecessor() throws IOException {
        Path third =
                write(
                        3,
                        Kind.DELTA,
                        new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            A3,
                                            2,
                                            "100",
                                            "江別",
                                            "三郎",
                                            "子",
                                            LocalDate.of(2001, 1, 1),
                                            "RESIDENT"))
                        });
        // nothing of sequence 3 applies while 2 is missing; the file stays in the inbox
        await().during(java.time.Duration.ofMillis(800))
                .atMost(SYNC_WAIT)
                .until(() -> Files.exists(third) && appliedFiles(CITY) == 1);
        write(
                2,
                Kind.DELTA,
                new Object[][] {
                    rec(
                            RecordType.R,
                            resident(
                                    A3,
                                    1,
                                    "100",
                                    "江別",
                                    "三郎",
                                    "子",
                                    LocalDate.of(2000, 1, 1),
                                    "RESIDENT"))
                });
        awaitApplied(3);
        // sequence 3's snapshot (履歴番号 2) is the current row; both are in the history
        assertThat(
                        jdbc.queryForObject(
                                "select history_no from resident where municipality_code = ? and atena_no = ?",
                                Integer.class,
                                CITY,
                                A3))
                .isEqualTo(2);
        assertThat(
                        count(
                                "select count(*) from resident_history where municipality_code = ? and atena_no = ?",
                                CITY,
                                A3))
                .isEqualTo(2);
    }

    @Test
    @Order(4)
    void aFileWithABadDateIsQuarantinedWholeAndChangesNothing() throws IOException {
        String[] moved =
                resident(A1, 2, "100", "江別", "一郎", "世帯主", LocalDate.of(1970, 5, 5), "REMOVED");
        String[] badDate =
                TestRecords.set(
                        resident(
                                A2,
                                2,
                                "100",
                                "江別",
                                "花子",
                                "妻",
                                LocalDate.of(1972, 6, 6),
                                "RESIDENT"),
                        "change_date",
                        "4320101"); // 平成32年: no such year
        write(4, Kind.DELTA, new Object[][] {rec(RecordType.R, moved), rec(RecordType.R, badDate)});
        JsonNode reason = awaitQuarantined("012173_JUKI_000000004_DELTA.kexp");
        assertThat(reason.get("reason").asText()).isEqualTo("BAD_DATE");
        assertThat(reason.get("detail").asText())
                .contains("line 2")
                .contains("change_date")
                .doesNotContain("花子");
        // the first record of the file was not applied either
        assertThat(
                        jdbc.queryForObject(
                                "select status from resident where municipality_code = ? and atena_no = ?",
                                String.class,
                                CITY,
                                A1))
                .isEqualTo("RESIDENT");
        assertThat(appliedFiles(CITY)).isEqualTo(3);
    }

    @Test
    @Order(5)
    void aTamperedPayloadIsQuarantinedForItsHash() throws IOException {
        Path file =
                write(
                        4,
                        Kind.DELTA,
                        new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            A2,
                                            2,
                                            "100",
                                            "江別",
                                            "花子",
                                            "妻",
                                            LocalDate.of(1972, 6, 6),
                                            "RESIDENT"))
                        });
        Path tampered = inbox.resolve("tmp-tampered");
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("花子", "華子");
        Files.delete(file);
        Files.writeString(tampered, text, StandardCharsets.UTF_8);
        Files.move(tampered, file);
        JsonNode reason = awaitQuarantined("012173_JUKI_000000004_DELTA.kexp");
        assertThat(reason.get("reason").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(
                        jdbc.queryForObject(
                                "select given_name from resident where municipality_code = ? and atena_no = ?",
                                String.class,
                                CITY,
                                A2))
                .isEqualTo("花子");
    }

    @Test
    @Order(6)
    void filesForAMunicipalityThisHubDoesNotServeAreQuarantined() throws IOException {
        TestRecords.write(
                inbox,
                "999999",
                1,
                Kind.FULL,
                StandardCharsets.UTF_8,
                new Object[][] {rec(RecordType.H, household("1", A1, "どこか"))});
        assertThat(awaitQuarantined("999999_JUKI_000000001_FULL.kexp").get("reason").asText())
                .isEqualTo("UNKNOWN_MUNICIPALITY");
    }

    @Test
    @Order(7)
    void aTruncatedFileIsQuarantined() throws IOException {
        Path file =
                write(
                        4,
                        Kind.DELTA,
                        new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            A2,
                                            3,
                                            "100",
                                            "江別",
                                            "花子",
                                            "妻",
                                            LocalDate.of(1972, 6, 6),
                                            "RESIDENT")),
                            rec(
                                    RecordType.R,
                                    resident(
                                            A1,
                                            3,
                                            "100",
                                            "江別",
                                            "一郎",
                                            "世帯主",
                                            LocalDate.of(1970, 5, 5),
                                            "RESIDENT"))
                        });
        byte[] bytes = Files.readAllBytes(file);
        Path part = inbox.resolve("tmp-truncated");
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        Files.delete(file);
        Files.move(part, file);
        String reason = awaitQuarantined("012173_JUKI_000000004_DELTA.kexp").get("reason").asText();
        assertThat(reason).isIn("BAD_RECORD", "BAD_ENCODING", "HASH_MISMATCH", "COUNT_MISMATCH");
        assertThat(appliedFiles(CITY)).isEqualTo(3);
    }

    @Test
    @Order(8)
    void aCp932FileAppliesWithTheTrapCharactersInTheirJisForms() throws IOException {
        String[] h = household("100", A1, "北海道江別市高砂町１番地");
        h[5] = "コーポ\uFF5E江別２\uFF0D１０１\u2225"; // what a CP932 system holds: ～ － ∥
        TestRecords.write(
                inbox,
                CITY,
                4,
                Kind.DELTA,
                jp.kofuhub.registry.ExportFormat.CP932,
                new Object[][] {rec(RecordType.H, h)});
        awaitApplied(4);
        assertThat(
                        jdbc.queryForObject(
                                "select katagaki from household where municipality_code = ? and household_no = ?",
                                String.class,
                                CITY,
                                "100"))
                .isEqualTo("コーポ\u301C江別２\u2212１０１\u2016");
    }

    @Test
    @Order(9)
    void aCp932FileWithABytePastItsTableIsQuarantined() throws IOException {
        Path file =
                TestRecords.write(
                        inbox.resolveSibling("staging-cp932"),
                        CITY,
                        5,
                        Kind.DELTA,
                        jp.kofuhub.registry.ExportFormat.CP932,
                        new Object[][] {rec(RecordType.H, household("100", A1, "北海道江別市"))});
        byte[] bytes = Files.readAllBytes(file);
        // 0x85 0x40 is an unassigned CP932 lead/trail pair: it cannot decode, whatever the manifest
        // says
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("#end\n") + 5 + 2;
        bytes[at] = (byte) 0x85;
        bytes[at + 1] = (byte) 0x40;
        Path target = inbox.resolve(file.getFileName());
        Path part = inbox.resolve(file.getFileName() + ".part");
        Files.write(part, bytes);
        Files.move(part, target);
        JsonNode reason = awaitQuarantined(file.getFileName().toString());
        assertThat(reason.get("reason").asText()).isEqualTo("BAD_ENCODING");
        assertThat(appliedFiles(CITY)).isEqualTo(4);
    }

    @Test
    @Order(10)
    void aFullSnapshotWithADuplicateKeyIsQuarantinedAndTheOldSnapshotStays() throws IOException {
        write(
                5,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("300", A1, "北海道江別市野幌町１番地")),
                    rec(RecordType.H, household("300", A1, "北海道江別市野幌町２番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    A1,
                                    9,
                                    "300",
                                    "江別",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1970, 5, 5),
                                    "RESIDENT"))
                });
        JsonNode reason = awaitQuarantined("012173_JUKI_000000005_FULL.kexp");
        assertThat(reason.get("reason").asText()).isEqualTo("DUPLICATE_KEY");
        assertThat(
                        count(
                                "select count(*) from household where municipality_code = ? and household_no = '100'",
                                CITY))
                .isEqualTo(1);
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isEqualTo(3);
        assertThat(appliedFiles(CITY)).isEqualTo(4);
    }

    private Path write(long seq, Kind kind, Object[][] records) throws IOException {
        return TestRecords.write(inbox, CITY, seq, kind, StandardCharsets.UTF_8, records);
    }

    private void awaitApplied(long files) {
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == files);
    }

    private List<Path> quarantined() throws IOException {
        try (Stream<Path> s = Files.list(quarantine)) {
            return s.filter(p -> p.getFileName().toString().startsWith(CITY)).toList();
        }
    }

    /**
     * Waits for the newest reason file of {@code fileName} and returns it (older ones are removed).
     */
    private JsonNode awaitQuarantined(String fileName) throws IOException {
        Path reasonFile = awaitReasonFile(fileName);
        JsonNode reason = json.readTree(reasonFile.toFile());
        Path stored = quarantine.resolve(reason.get("storedAs").asText());
        assertThat(stored).exists();
        Files.delete(reasonFile);
        Files.delete(stored);
        assertThat(ExportFormat.SUFFIX).isEqualTo(".kexp");
        return reason;
    }
}
