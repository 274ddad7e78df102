package jp.kofuhub.settlement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jp.kofuhub.keys.PgpMessages;

/**
 * The file a claimed settlement day is written as: with {@code kofu.settlement.pgp} the CSV signed
 * by the hub and encrypted to the receiver ({@code kofu.settlement.recipient}, a party of {@code
 * kofu.pgp.peers}) as {@code settlement_<municipality>_<yyyyMMdd>.csv.pgp} (binary OpenPGP; the
 * literal data inside is named like the CSV), else the plain CSV. The {@code settlement_run} row's
 * SHA-256 is always that of the CSV content, before sealing.
 */
public class SettlementFiles {

    /** What is written: the file name and its bytes. */
    public record File(String fileName, byte[] content) {}

    private final PgpMessages pgp;
    private final String recipient;

    /**
     * @param pgp the hub's messages, or null: plain CSV files
     */
    public SettlementFiles(PgpMessages pgp, String recipient) {
        if (pgp != null && !pgp.knows(recipient)) {
            throw new IllegalArgumentException(
                    "kofu.settlement.recipient " + recipient + " has no key in kofu.pgp.peers");
        }
        this.pgp = pgp;
        this.recipient = recipient;
    }

    public File file(DailySettlement.Settled settled) throws IOException {
        byte[] csv = settled.csv().getBytes(StandardCharsets.UTF_8);
        if (pgp == null) {
            return new File(settled.fileName(), csv);
        }
        return new File(settled.fileName() + ".pgp", pgp.seal(csv, settled.fileName(), recipient));
    }
}
