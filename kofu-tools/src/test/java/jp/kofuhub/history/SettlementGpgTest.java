package jp.kofuhub.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import jp.kofuhub.settlement.DailySettlement;
import jp.kofuhub.settlement.Settlement;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.SecureKosekiHub;
import jp.kofuhub.support.TestHub;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Settlement files with {@code kofu.settlement.pgp=true} (test hub {@link SecureKosekiHub},
 * municipality 990017): the day's file is {@code settlement_<municipality>_<yyyyMMdd>.csv.pgp},
 * signed by the hub and encrypted to {@code finance}; the real {@code gpg} with finance's secret
 * key and the hub's public key decrypts it, reports a good signature by {@code hub@kofu-hub.demo}
 * and gives back the CSV exactly; the run row keeps the CSV's SHA-256. Nobody else can read it.
 */
@ContextConfiguration(initializers = SecureKosekiHub.class)
class SettlementGpgTest extends HubTestBase {

    static final String CITY = SecureKosekiHub.SETTLED_CITY;
    static final LocalDate DAY = LocalDate.of(2024, 6, 3);
    static final char[] PASSWORD = "changeit-demo".toCharArray();

    @Autowired IssuanceHistory history;

    @Autowired Settlement settlement;

    @Autowired TransactionTemplate tx;

    @Autowired ProducerTemplate camel;

    @Value("${kofu.test.settlement-dir}")
    Path outbox;

    private static HistoryEntry entry(
            int n, String at, String kind, String outcome, int sheets, int fee) {
        boolean printed = "PRINTED".equals(outcome);
        return new HistoryEntry(
                CITY,
                OffsetDateTime.parse(at),
                "SG-" + n,
                "S1",
                "K1",
                "0000000000" + (30000 + n),
                kind,
                null,
                sheets,
                printed ? "20240603-" + CITY + "-K1-P1-" + String.format("%06d", n) : null,
                fee,
                outcome,
                printed ? null : "REPLICA_STALE");
    }

    @Test
    void aSettlementFileIsDecryptedAndVerifiedByGpg() throws Exception {
        tx.executeWithoutResult(
                s -> {
                    history.append(
                            entry(1, "2024-06-03T09:00:00+09:00", "JUMINHYO", "PRINTED", 2, 300));
                    history.append(
                            entry(2, "2024-06-03T10:00:00+09:00", "INKAN", "PRINTED", 1, 300));
                    history.append(
                            entry(3, "2024-06-03T11:00:00+09:00", "JUMINHYO", "REFUSED", 0, 0));
                });
        assertThat(
                        camel.requestBodyAndHeaders(
                                "direct:settle-day",
                                null,
                                Map.of("municipality", CITY, "day", DAY.toString()),
                                String.class))
                .isEqualTo("WRITTEN");
        String csv = settlement.csv(CITY, DAY);
        assertThat(csv).contains("JUMINHYO").contains("INKAN");
        Path sealed = outbox.resolve("settlement_" + CITY + "_20240603.csv.pgp");
        assertThat(sealed).exists();
        assertThat(outbox.resolve("settlement_" + CITY + "_20240603.csv")).doesNotExist();
        byte[] bytes = Files.readAllBytes(sealed);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("JUMINHYO");
        // the run row: the SHA-256 of the CSV content, not of the sealed file
        assertThat(
                        jdbc.queryForObject(
                                "select sha256 from settlement_run where municipality_code = ? and settlement_day = ?",
                                String.class,
                                CITY,
                                DAY))
                .isEqualTo(DailySettlement.sha256(csv));

        // finance opens it, verifying the hub's signature; a party it is not encrypted to cannot
        PgpMessages finance =
                PgpMessages.ofParty(TestHub.KEYS, "finance", PASSWORD, List.of("hub"));
        assertThat(new String(finance.open(bytes, "hub"), StandardCharsets.UTF_8)).isEqualTo(csv);
        PgpMessages centre = PgpMessages.ofParty(TestHub.KEYS, "centre", PASSWORD, List.of("hub"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> centre.open(bytes, "hub"))
                .isInstanceOfSatisfying(
                        PgpRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_ENCRYPTED_FOR_HUB"));

        Assumptions.assumeTrue(gpgAvailable(), "gpg is not installed");
        Path home = Files.createTempDirectory(Path.of("/tmp"), "kg-");
        try {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            gpg(home, "--import", TestHub.KEYS.resolve("finance.pgp.sec").toString());
            gpg(home, "--import", TestHub.KEYS.resolve("hub.pgp.pub").toString());
            Path out = home.resolve("settlement.csv");
            String status =
                    gpg(
                            home,
                            "--status-fd",
                            "1",
                            "--trust-model",
                            "always",
                            "-o",
                            out.toString(),
                            "--decrypt",
                            sealed.toString());
            assertThat(status)
                    .contains("[GNUPG:] GOODSIG")
                    .contains("hub@kofu-hub.demo")
                    .contains("Good signature from \"hub@kofu-hub.demo")
                    .contains("[GNUPG:] DECRYPTION_OKAY");
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(csv);
        } finally {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> s = Files.walk(home)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static boolean gpgAvailable() {
        return jp.kofuhub.support.Gpg.available();
    }

    /**
     * Runs gpg in {@code home}; returns its output and status lines (stdout and stderr together).
     */
    private static String gpg(Path home, String... args) throws Exception {
        return jp.kofuhub.support.Gpg.run(home, PASSWORD, args);
    }
}
