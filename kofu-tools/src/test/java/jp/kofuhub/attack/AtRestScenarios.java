package jp.kofuhub.attack;

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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.DatabaseScan;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 finding 6, the attacker who gets a copy of the database (its files, a backup, a dump):
 * the availability answer's household listing — members' names and 続柄 — must not be there, not
 * while the transaction is open and not after it ended. Overwriting a row is no proof: H2's MVStore
 * keeps old page versions in its file and PostgreSQL keeps dead tuples and WAL, so the test scans
 * the raw database files (after a checkpoint) for the names' UTF-8 bytes as the answer shows them
 * (family and given name joined by U+3000, a form the replica never stores), and the content of
 * every table outside the replica. A positive control proves the scanner reads the files: the
 * replica's own family name is found there.
 */
abstract class AtRestScenarios extends HubTestBase {

    static final String CITY = "990066";
    static final String HEAD = atena(6601), WIFE = atena(6602);
    static final String CARD = "AR00000000000001";

    /** Names of this test only; 続柄 世帯主 and 妻. */
    static final String FAMILY = "鏡霧", HEAD_GIVEN = "隠之介", WIFE_GIVEN = "秘乃";

    /** The names as the availability answer lists them. */
    static final List<String> LISTED =
            List.of(FAMILY + "\u3000" + HEAD_GIVEN, FAMILY + "\u3000" + WIFE_GIVEN);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<Class<?>> LOADED =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The folders holding the database's files, scanned raw. */
    abstract List<Path> databaseFiles();

    /** Writes everything the database holds in memory to its files. */
    abstract void checkpoint();

    @BeforeEach
    void cityLoaded() throws Exception {
        synchronized (AtRestScenarios.class) {
            if (LOADED.contains(getClass())) {
                return;
            }
            TestRecords.write(
                    inbox,
                    CITY,
                    "JUKI",
                    1,
                    Kind.FULL,
                    new Object[][] {
                        rec(RecordType.H, household("1", HEAD, "北海道保管市秘匿町一丁目1番地")),
                        rec(
                                RecordType.R,
                                resident(
                                        HEAD,
                                        1,
                                        "1",
                                        FAMILY,
                                        HEAD_GIVEN,
                                        "世帯主",
                                        LocalDate.of(1970, 4, 1),
                                        "RESIDENT")),
                        rec(
                                RecordType.R,
                                resident(
                                        WIFE,
                                        1,
                                        "1",
                                        FAMILY,
                                        WIFE_GIVEN,
                                        "妻",
                                        LocalDate.of(1972, 5, 2),
                                        "RESIDENT")),
                        rec(RecordType.C, card(CARD, HEAD)),
                    });
            TestRecords.write(inbox, CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
            TestRecords.write(inbox, CITY, "ZEI", 1, Kind.FULL, new Object[][] {});
            await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 3);
            LOADED.add(getClass());
        }
    }

    private HttpResponse<byte[]> post(String path, String body) throws Exception {
        return Http.post(baseUrl() + "/api/v1/" + path, "application/json", body);
    }

    @Test
    void theHouseholdListingIsNeverAtRestInTheDatabase() throws Exception {
        String tx = Http.newTransaction();
        String ask =
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\"}";
        HttpResponse<byte[]> first = post("availability", ask);
        assertThat(first.statusCode()).as(Http.body(first)).isEqualTo(200);
        JsonNode household = JSON.readTree(first.body()).get("household");
        assertThat(household.get("members").findValuesAsText("name"))
                .containsExactlyElementsOf(LISTED);
        assertThat(household.get("members").findValuesAsText("relationship"))
                .containsExactly("世帯主", "妻");
        // a retry (any instance: the answer comes from the database and the replica) gets the same
        // answer
        assertThat(post("availability", ask).body()).isEqualTo(first.body());

        // while the transaction is open
        assertThat(tableHits())
                .as("tables outside the replica holding a listed name, transaction open")
                .isEmpty();
        checkpoint();
        assertThat(fileHits(LISTED))
                .as("database files holding a listed name, transaction open")
                .isEmpty();

        // the resident chooses the second member on that listing; the choice is checked without the
        // names
        String issue =
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\",\"kind\":\"JUMINHYO\",\"store\":\"S0066\",\"terminal\":\"K6\",\"options\":{\"members\":[2],"
                        + "\"household\":\""
                        + household.get("version").asText()
                        + "\"}}";
        HttpResponse<byte[]> issued = post("certificates", issue);
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        HttpResponse<byte[]> done =
                post("completions", "{\"transaction\":\"" + tx + "\",\"outcome\":\"PRINTED\"}");
        assertThat(done.statusCode()).as(Http.body(done)).isEqualTo(200);

        // after it ended
        assertThat(
                        count(
                                "select count(*) from issuance_transaction where transaction_id = ? and state = 'PRINTED'"
                                        + " and availability_answer is null",
                                tx))
                .isEqualTo(1);
        assertThat(tableHits())
                .as("tables outside the replica holding a listed name, transaction ended")
                .isEmpty();
        checkpoint();
        assertThat(fileHits(LISTED))
                .as("database files holding a listed name, transaction ended")
                .isEmpty();
        // the positive control: the scanner does read the files (the replica holds the family name
        // by design)
        assertThat(fileHits(List.of(FAMILY)))
                .as("the replica's family name in the database files")
                .isNotEmpty();
    }

    /** "table.column" of every value outside the replica holding a member's given name. */
    private List<String> tableHits() {
        return DatabaseScan.hitsOutsideReplica(
                jdbc,
                bytes -> {
                    String s = new String(bytes, StandardCharsets.UTF_8);
                    return s.contains(HEAD_GIVEN) || s.contains(WIFE_GIVEN);
                });
    }

    /**
     * Files under {@link #databaseFiles()} holding any of {@code names} in UTF-8 (PostgreSQL, H2's
     * LOB store) or in the form H2's MVStore writes strings of a row in.
     */
    List<String> fileHits(List<String> names) throws IOException {
        List<byte[]> needles =
                names.stream()
                        .flatMap(n -> Stream.of(n.getBytes(StandardCharsets.UTF_8), mvStoreForm(n)))
                        .toList();
        List<String> hits = new ArrayList<>();
        for (Path root : databaseFiles()) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    byte[] b;
                    try {
                        b = Files.readAllBytes(f);
                    } catch (IOException gone) {
                        continue; // a temporary file of the server went away meanwhile
                    }
                    if (needles.stream().anyMatch(n -> indexOf(b, n) >= 0)) {
                        hits.add(f.toString());
                    }
                }
            }
        }
        return hits;
    }

    /**
     * A string as H2's MVStore writes it in a row ({@code DataUtils.writeStringData}): UTF-8's lead
     * bytes without the {@code 10xxxxxx} marks of the bytes that follow, one Java char at a time.
     */
    static byte[] mvStoreForm(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (char c : s.toCharArray()) {
            if (c < 0x80) {
                out.write(c);
            } else if (c >= 0x800) {
                out.write(0xe0 | (c >> 12));
                out.write((c >> 6) & 0x3f);
                out.write(c & 0x3f);
            } else {
                out.write(0xc0 | (c >> 6));
                out.write(c & 0x3f);
            }
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
