package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.MyNumber;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.ReplicaReader;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * 個人番号 (record type N, contract 1.2) through the real sync route: stored and read with the person
 * only for a municipality whose profile prints it (990001, test-only profile), refused whole for
 * one that does not (990019), checked, deleted and replaced like the other JUKI records, and never
 * written to a log line or a reason file. Both municipalities are this class's own and are served
 * only by its own test hub ({@link MyNumberHub}). Ordered: each test starts from the replica the
 * previous one left. Every 個人番号 here is synthetic: {@link MyNumber#of} of 86420000000 + a small
 * counter (a made-up pattern, distinctive enough to search the logs for).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class MyNumberScenarios extends HubTestBase {

    static final String PRINTS = "990001";
    static final String DOES_NOT_PRINT = "990019";
    static final String A1 = atena(9901);
    static final String A2 = atena(9902);
    static final String A3 = atena(9903);
    static final String CARD = "MN00000000000001";
    static final long SYNTHETIC = 86_420_000_000L;
    static final String NO1 = MyNumber.of(SYNTHETIC + 1);
    static final String NO2 = MyNumber.of(SYNTHETIC + 2);
    static final String NO3 = MyNumber.of(SYNTHETIC + 3);
    static final String NO4 = MyNumber.of(SYNTHETIC + 4);
    static final String NO11 = MyNumber.of(SYNTHETIC + 11);

    /**
     * Every number this class ever sends (bad ones included): none may reach a log line or a reason
     * file.
     */
    static final List<String> SENT = new ArrayList<>();

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    private final ObjectMapper json = new ObjectMapper();

    @Autowired ReplicaReader replica;

    @BeforeAll
    static void startCapturing() {
        LOGS.setName("my-number-scenarios");
        LOGS.list.clear();
        LOGS.start();
    }

    /**
     * After the context started: Spring Boot's logging set-up resets the root logger's appenders.
     */
    @BeforeEach
    void captureLogs() {
        if (root().getAppender(LOGS.getName()) == null) {
            root().addAppender(LOGS);
        }
    }

    @AfterAll
    static void stopCapturing() {
        root().detachAppender(LOGS);
        LOGS.stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** {@code good} with its check digit changed: 12 digits, not a valid 個人番号. */
    private static String badCheckDigit(String good) {
        String bad = good.substring(0, 11) + (char) ('0' + (good.charAt(11) - '0' + 1) % 10);
        assertThat(MyNumber.isValid(bad)).isFalse();
        return bad;
    }

    private static String[] n(String op, String atena, String number) {
        if (!number.isEmpty()) {
            SENT.add(number);
        }
        return new String[] {op, atena, number};
    }

    private static Object[][] family(Object[]... more) {
        List<Object[]> l =
                new ArrayList<>(
                        List.of(
                                rec(RecordType.H, household("900", A1, "架空県架空市本町１番地")),
                                rec(
                                        RecordType.R,
                                        resident(
                                                A1,
                                                1,
                                                "900",
                                                "架空",
                                                "一郎",
                                                "世帯主",
                                                LocalDate.of(1970, 1, 1),
                                                "RESIDENT")),
                                rec(
                                        RecordType.R,
                                        resident(
                                                A2,
                                                1,
                                                "900",
                                                "架空",
                                                "花子",
                                                "妻",
                                                LocalDate.of(1972, 2, 2),
                                                "RESIDENT")),
                                rec(
                                        RecordType.R,
                                        resident(
                                                A3,
                                                1,
                                                "900",
                                                "架空",
                                                "次郎",
                                                "子",
                                                LocalDate.of(2005, 3, 3),
                                                "RESIDENT")),
                                rec(RecordType.C, card(CARD, A1))));
        l.addAll(List.of(more));
        return l.toArray(new Object[0][]);
    }

    private Path write(String city, long seq, Kind kind, Object[]... records) throws IOException {
        return TestRecords.write(inbox, city, seq, kind, StandardCharsets.UTF_8, records);
    }

    private void awaitApplied(String city, long seq) {
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                count(
                                                "select count(*) from sync_file where municipality_code = ?"
                                                        + " and source_system = 'JUKI' and sequence_no = ?",
                                                city,
                                                seq)
                                        == 1);
    }

    private long lastSequence(String city) {
        return count(
                "select last_sequence from sync_source_state where municipality_code = ? and source_system = 'JUKI'",
                city);
    }

    /**
     * The 個人番号 of every member of the card holder's household, as issuance reads them (one SELECT).
     */
    private Map<String, String> numbersOfHousehold(String city) {
        Optional<CardHolder> holder = replica.findBySerial(city, CARD, LocalDate.of(2026, 11, 25));
        assertThat(holder).isPresent();
        Map<String, String> out = new HashMap<>();
        for (Person p : holder.get().members()) {
            out.put(p.atenaNo(), p.myNumber());
        }
        return out;
    }

    private JsonNode reason(String fileName) throws IOException {
        Path reasonFile = awaitReasonFile(fileName);
        String text = Files.readString(reasonFile);
        assertThat(SENT).allSatisfy(number -> assertThat(text).doesNotContain(number));
        return json.readTree(text);
    }

    @Test
    @Order(1)
    void numbersOfAPrintingMunicipalityAreStoredAndReadWithThePerson() throws IOException {
        write(
                PRINTS,
                1,
                Kind.FULL,
                family(rec(RecordType.N, n("U", A1, NO1)), rec(RecordType.N, n("U", A2, NO2))));
        awaitApplied(PRINTS, 1);
        assertThat(count("select count(*) from my_number where municipality_code = ?", PRINTS))
                .isEqualTo(2);
        Map<String, String> numbers = numbersOfHousehold(PRINTS);
        assertThat(numbers).containsEntry(A1, NO1).containsEntry(A2, NO2).containsEntry(A3, null);
        assertThat(
                        replica.findBySerial(PRINTS, CARD, LocalDate.of(2026, 11, 25))
                                .orElseThrow()
                                .holder()
                                .myNumber())
                .isEqualTo(NO1);
    }

    @Test
    @Order(2)
    void aDeltaReplacesAndDeletesNumbers() throws IOException {
        write(
                PRINTS,
                2,
                Kind.DELTA,
                rec(RecordType.N, n("U", A1, NO11)),
                rec(RecordType.N, n("D", A2, "")),
                rec(RecordType.N, n("D", atena(9999), "")));
        awaitApplied(PRINTS, 2);
        Map<String, String> numbers = numbersOfHousehold(PRINTS);
        assertThat(numbers).containsEntry(A1, NO11).containsEntry(A2, null).containsEntry(A3, null);
        assertThat(count("select count(*) from my_number where municipality_code = ?", PRINTS))
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void aBadCheckDigitQuarantinesTheFileAndNamesOnlyLineAndColumn() throws IOException {
        String bad = badCheckDigit(NO3);
        write(
                PRINTS,
                3,
                Kind.DELTA,
                rec(RecordType.N, n("U", A2, NO2)),
                rec(RecordType.N, n("U", A3, bad)));
        JsonNode r = reason(PRINTS + "_JUKI_000000003_DELTA.kexp");
        assertThat(r.get("reason").asText()).isEqualTo("BAD_RECORD");
        assertThat(r.get("detail").asText())
                .isEqualTo("payload line 2 N.my_number: check digit does not match");
        assertThat(numbersOfHousehold(PRINTS))
                .containsEntry(A1, NO11)
                .containsEntry(A2, null)
                .containsEntry(A3, null);
        assertThat(lastSequence(PRINTS)).isEqualTo(2);
    }

    @Test
    @Order(4)
    void aNumberForSomeoneWhoIsNotAResidentIsADanglingReference() throws IOException {
        write(
                PRINTS,
                3,
                Kind.FULL,
                family(
                        rec(RecordType.N, n("U", A1, NO1)),
                        rec(RecordType.N, n("U", atena(9998), NO4))));
        JsonNode r = reason(PRINTS + "_JUKI_000000003_FULL.kexp");
        assertThat(r.get("reason").asText()).isEqualTo("DANGLING_REFERENCE");
        assertThat(r.get("detail").asText())
                .isEqualTo("1 個人番号 record(s) name a resident the replica does not have");
        assertThat(numbersOfHousehold(PRINTS)).containsEntry(A1, NO11).containsEntry(A2, null);
        assertThat(lastSequence(PRINTS)).isEqualTo(2);
    }

    @Test
    @Order(5)
    void aFullReplacesEveryNumberOfTheMunicipality() throws IOException {
        write(PRINTS, 4, Kind.FULL, family(rec(RecordType.N, n("U", A3, NO3))));
        awaitApplied(PRINTS, 4);
        assertThat(numbersOfHousehold(PRINTS))
                .containsEntry(A1, null)
                .containsEntry(A2, null)
                .containsEntry(A3, NO3);
        assertThat(count("select count(*) from my_number where municipality_code = ?", PRINTS))
                .isEqualTo(1);
        assertThat(
                        count(
                                "select count(*) from my_number where municipality_code = ? and source_sequence = 4",
                                PRINTS))
                .isEqualTo(1);
        // a FULL without N records empties the table as well
        write(PRINTS, 5, Kind.FULL, family());
        awaitApplied(PRINTS, 5);
        assertThat(count("select count(*) from my_number where municipality_code = ?", PRINTS))
                .isZero();
        write(PRINTS, 6, Kind.DELTA, rec(RecordType.N, n("U", A1, NO1)));
        awaitApplied(PRINTS, 6);
        assertThat(numbersOfHousehold(PRINTS)).containsEntry(A1, NO1);
    }

    @Test
    @Order(6)
    void aMunicipalityThatDoesNotPrintThemGetsNone() throws IOException {
        write(DOES_NOT_PRINT, 1, Kind.FULL, family());
        awaitApplied(DOES_NOT_PRINT, 1);
        assertThat(numbersOfHousehold(DOES_NOT_PRINT)).containsEntry(A1, null);

        // a DELTA: the R before the N was written, and is rolled back with the file
        String[] moved =
                resident(A3, 2, "900", "架空", "次郎", "子", LocalDate.of(2005, 3, 3), "REMOVED");
        write(
                DOES_NOT_PRINT,
                2,
                Kind.DELTA,
                rec(RecordType.R, moved),
                rec(RecordType.N, n("U", A1, NO1)));
        JsonNode delta = reason(DOES_NOT_PRINT + "_JUKI_000000002_DELTA.kexp");
        assertThat(delta.get("reason").asText()).isEqualTo("MY_NUMBER_NOT_ALLOWED");
        assertThat(delta.get("detail").asText())
                .startsWith("payload line 2: municipality 990019 does not print 個人番号");

        // a FULL: its deletes are rolled back too; the check comes before the fields (a bad number
        // is not looked at)
        write(
                DOES_NOT_PRINT,
                2,
                Kind.FULL,
                family(rec(RecordType.N, n("U", A2, badCheckDigit(NO4)))));
        JsonNode full = reason(DOES_NOT_PRINT + "_JUKI_000000002_FULL.kexp");
        assertThat(full.get("reason").asText()).isEqualTo("MY_NUMBER_NOT_ALLOWED");
        assertThat(full.get("detail").asText()).startsWith("payload line 6: ");

        assertThat(
                        count(
                                "select count(*) from my_number where municipality_code = ?",
                                DOES_NOT_PRINT))
                .isZero();
        assertThat(
                        count(
                                "select count(*) from resident where municipality_code = ?",
                                DOES_NOT_PRINT))
                .isEqualTo(3);
        assertThat(
                        count(
                                "select history_no from resident where municipality_code = ? and atena_no = ?",
                                DOES_NOT_PRINT,
                                A3))
                .isEqualTo(1);
        assertThat(lastSequence(DOES_NOT_PRINT)).isEqualTo(1);
    }

    @Test
    @Order(7)
    void numbersLeftFromAnEarlierProfileGoWithTheNextJukiFile() throws IOException {
        // as if the profile printed them before and was switched off since (profiles are read at
        // start-up)
        jdbc.update(
                "insert into my_number (municipality_code, atena_no, my_number, source_sequence) values (?,?,?,?)",
                DOES_NOT_PRINT,
                A1,
                NO1,
                1);
        assertThat(numbersOfHousehold(DOES_NOT_PRINT)).containsEntry(A1, NO1);
        write(DOES_NOT_PRINT, 2, Kind.DELTA); // the heartbeat
        awaitApplied(DOES_NOT_PRINT, 2);
        assertThat(
                        count(
                                "select count(*) from my_number where municipality_code = ?",
                                DOES_NOT_PRINT))
                .isZero();
        assertThat(numbersOfHousehold(DOES_NOT_PRINT)).containsEntry(A1, null);
    }

    @Test
    @Order(8)
    void noNumberEverReachedALogLine() {
        List<ILoggingEvent> events;
        synchronized (LOGS) {
            events = List.copyOf(LOGS.list);
        }
        assertThat(events).isNotEmpty();
        assertThat(SENT).isNotEmpty();
        for (ILoggingEvent e : events) {
            StringBuilder text = new StringBuilder(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getMessage());
            }
            assertThat(SENT)
                    .allSatisfy(number -> assertThat(text.toString()).doesNotContain(number));
        }
        assertThat(events)
                .anySatisfy(
                        e -> assertThat(e.getFormattedMessage()).contains("MY_NUMBER_NOT_ALLOWED"));
    }
}
