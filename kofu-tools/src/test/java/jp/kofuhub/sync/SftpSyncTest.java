package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.stream.Stream;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.SftpTestServer;
import jp.kofuhub.support.TestHubSftp;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.ContextConfiguration;

/**
 * The registry-sync route with its production transport: camel-sftp against a real SFTP server
 * ({@link SftpTestServer}) with key authentication and strict host key checking. The in-house
 * system uploads {@code name.kexp.part} and renames it (registry-export.md §2). Municipality 012246
 * (Chitose) is this class's own; the tests run in order on the state the previous left.
 */
@ContextConfiguration(initializers = TestHubSftp.Sftp.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SftpSyncTest extends HubTestBase {

    static final String CITY = "012246";
    static final String A1 = atena(2461);
    static final String A2 = atena(2462);
    static final String A3 = atena(2463);

    private final SftpTestServer sftp = SftpTestServer.get();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir Path local;

    @Test
    @Order(1)
    void aFullThenADeltaUploadedOverSftpApply() throws IOException {
        upload(
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("200", A1, "北海道千歳市東雲町１番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    A1,
                                    1,
                                    "200",
                                    "千歳",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1970, 5, 5),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    A2,
                                    1,
                                    "200",
                                    "千歳",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 6, 6),
                                    "RESIDENT")),
                    rec(RecordType.C, card("CT00000000000001", A1))
                });
        awaitApplied(1);
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isEqualTo(2);

        upload(
                2,
                Kind.DELTA,
                new Object[][] {
                    rec(
                            RecordType.R,
                            resident(
                                    A3,
                                    1,
                                    "200",
                                    "千歳",
                                    "三郎",
                                    "子",
                                    LocalDate.of(2000, 1, 1),
                                    "RESIDENT"))
                });
        awaitApplied(2);
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isEqualTo(3);
        assertThat(
                        jdbc.queryForObject(
                                "select given_name from resident where municipality_code = ? and atena_no = ?",
                                String.class,
                                CITY,
                                A3))
                .isEqualTo("三郎");
        assertThat(
                        jdbc.queryForObject(
                                "select last_sequence from sync_source_state where municipality_code = ?",
                                Long.class,
                                CITY))
                .isEqualTo(2L);
        await().atMost(SYNC_WAIT).until(() -> inboxFiles() == 0);
    }

    @Test
    @Order(2)
    void aPartFileIsNeverPickedUpUntilItIsRenamed() throws IOException {
        Path file =
                TestRecords.write(
                        local,
                        CITY,
                        3,
                        Kind.DELTA,
                        StandardCharsets.UTF_8,
                        new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            A3,
                                            2,
                                            "200",
                                            "千歳",
                                            "三郎",
                                            "子",
                                            LocalDate.of(2000, 1, 1),
                                            "REMOVED"))
                        });
        String name = file.getFileName().toString();
        Path part = inbox.resolve(name + ".part");
        Files.copy(file, part);
        // complete bytes, but still under the upload name: the hub leaves it alone
        await().during(Duration.ofSeconds(1))
                .atMost(SYNC_WAIT)
                .until(() -> Files.exists(part) && appliedFiles(CITY) == 2);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        awaitApplied(3);
        assertThat(
                        jdbc.queryForObject(
                                "select status from resident where municipality_code = ? and atena_no = ?",
                                String.class,
                                CITY,
                                A3))
                .isEqualTo("REMOVED");
        await().atMost(SYNC_WAIT).until(() -> !Files.exists(inbox.resolve(name)));
    }

    @Test
    @Order(3)
    void aTamperedFileUploadedOverSftpIsQuarantinedLocally() throws IOException {
        Path file =
                TestRecords.write(
                        local,
                        CITY,
                        4,
                        Kind.DELTA,
                        StandardCharsets.UTF_8,
                        new Object[][] {
                            rec(
                                    RecordType.R,
                                    resident(
                                            A2,
                                            2,
                                            "200",
                                            "千歳",
                                            "花子",
                                            "妻",
                                            LocalDate.of(1972, 6, 6),
                                            "RESIDENT"))
                        });
        String name = file.getFileName().toString();
        Path tampered = local.resolve("tampered");
        Files.writeString(
                tampered,
                Files.readString(file, StandardCharsets.UTF_8).replace("花子", "華子"),
                StandardCharsets.UTF_8);
        sftp.upload(tampered, name);

        Path[] reasonFile = new Path[1];
        await().atMost(SYNC_WAIT).until(() -> (reasonFile[0] = reasonFile(name)) != null);
        JsonNode reason = json.readTree(reasonFile[0].toFile());
        assertThat(reason.get("reason").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(reason.get("file").asText()).isEqualTo(name);
        Path stored = quarantine.resolve(reason.get("storedAs").asText());
        assertThat(quarantinedContent(stored))
                .isEqualTo(Files.readAllBytes(tampered)); // encrypted at rest
        await().atMost(SYNC_WAIT).until(() -> !Files.exists(inbox.resolve(name)));
        assertThat(appliedFiles(CITY)).isEqualTo(3);
        assertThat(
                        jdbc.queryForObject(
                                "select given_name from resident where municipality_code = ? and atena_no = ?",
                                String.class,
                                CITY,
                                A2))
                .isEqualTo("花子");
        Files.delete(reasonFile[0]);
        Files.delete(stored);
    }

    @Test
    @Order(4)
    void onlyTheRegisteredKeyMayLogIn() throws Exception {
        // the hub's own key would work (every upload above logs in with it); a stranger's does not
        assertThatThrownBy(() -> sftp.login(SftpTestServer.newRsaKey()))
                .isInstanceOf(org.apache.sshd.common.SshException.class)
                .hasMessageContaining("No more authentication methods available");
    }

    private void upload(long seq, Kind kind, Object[][] records) throws IOException {
        Path file = TestRecords.write(local, CITY, seq, kind, StandardCharsets.UTF_8, records);
        sftp.upload(file, file.getFileName().toString());
    }

    private void awaitApplied(long files) {
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == files);
    }

    private long inboxFiles() throws IOException {
        try (Stream<Path> s = Files.list(inbox)) {
            return s.filter(p -> p.getFileName().toString().startsWith(CITY)).count();
        }
    }

    private Path reasonFile(String name) throws IOException {
        try (Stream<Path> s = Files.list(quarantine)) {
            return s.filter(
                            p ->
                                    p.getFileName().toString().startsWith(name)
                                            && p.getFileName().toString().endsWith(".reason.json"))
                    .findFirst()
                    .orElse(null);
        }
    }
}
