package jp.kofuhub.koseki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenPGP on the koseki hop (docs/interfaces/koseki-server.md v1.1), for the koseki branch of route
 * {@code issue-certificate}: with {@code kofu.koseki.pgp} the request is signed by the hub and
 * encrypted to party {@value #SERVER}, and the server's answer is decrypted and its signature by
 * {@value #SERVER} verified before a byte of it is read. Off (dev profile, test hubs), bodies pass
 * as they are.
 */
public class KosekiHop {

    private static final Logger LOG = LoggerFactory.getLogger(KosekiHop.class);

    /** The party of the koseki certificate server in {@code kofu.pgp.peers}. */
    public static final String SERVER = "koseki-server";

    /**
     * An answer of the koseki server refused for its OpenPGP envelope; counts as a failure of the
     * server.
     */
    public static class AnswerRefused extends IOException {
        private final String code;

        public AnswerRefused(String code) {
            super("the koseki server's answer is refused: " + code);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final PgpMessages pgp;
    private final InflationLimit limit;

    /**
     * @param pgp the hub's messages, or null: plain bodies; answers bounded by {@link
     *     InflationLimit#KOSEKI}
     */
    public KosekiHop(PgpMessages pgp) {
        this(pgp, InflationLimit.KOSEKI);
    }

    /**
     * @param limit how far a sealed answer may inflate ({@code kofu.inflation.koseki.*})
     */
    public KosekiHop(PgpMessages pgp, InflationLimit limit) {
        this.pgp = pgp;
        this.limit = limit;
    }

    public boolean sealed() {
        return pgp != null;
    }

    /** The Content-Type of the request body. */
    public String contentType() {
        return pgp != null ? PgpMessages.MEDIA_TYPE : "application/json";
    }

    /** The request body: the JSON request, sealed to the koseki server when OpenPGP is on. */
    public byte[] request(String json, String issueNumber) throws IOException {
        return request(json, issueNumber, null, null);
    }

    /**
     * The request body, sealed to the koseki server of {@code municipality}: its own key ({@code
     * koseki.pgpKey} of its profile, party {@code koseki-server@<code>}) or the hub-wide one.
     */
    public byte[] request(String json, String issueNumber, String transaction, String municipality)
            throws IOException {
        byte[] plain = json.getBytes(StandardCharsets.UTF_8);
        return pgp == null ? plain : pgp.seal(plain, issueNumber + ".json", party(municipality));
    }

    /**
     * The party of a municipality's koseki server: {@code koseki-server@<code>} when its profile
     * names a key of its own, else {@value #SERVER}.
     */
    public String party(String municipality) {
        return pgp != null && municipality != null && pgp.knows(ownParty(municipality))
                ? ownParty(municipality)
                : SERVER;
    }

    /** The party name of a municipality's own koseki server key. */
    public static String ownParty(String municipality) {
        return SERVER + "@" + municipality;
    }

    /**
     * The content of the server's answer. With OpenPGP on, a sealed answer is opened (encrypted to
     * the hub, signed by {@value #SERVER}); a certificate or a refusal (200, 422) that is not
     * sealed is refused UNSIGNED. Other answers (the server refusing the request itself, 4xx) are
     * plain and are passed on: they never become a document.
     *
     * @throws AnswerRefused the answer's envelope is refused (its OpenPGP code)
     */
    public byte[] answer(byte[] body, String contentType, Integer status, String issueNumber)
            throws IOException {
        return answer(body, contentType, status, issueNumber, null);
    }

    /**
     * {@link #answer(byte[], String, Integer, String)}, logging the transaction too. An answer
     * whose content inflates beyond {@code kofu.inflation.koseki} is refused MESSAGE_TOO_LARGE
     * while it streams.
     */
    public byte[] answer(
            byte[] body, String contentType, Integer status, String issueNumber, String transaction)
            throws IOException {
        return answer(body, contentType, status, issueNumber, transaction, null);
    }

    /**
     * {@link #answer(byte[], String, Integer, String, String)}, the signer being the koseki server
     * of {@code municipality} ({@link #party}).
     */
    public byte[] answer(
            byte[] body,
            String contentType,
            Integer status,
            String issueNumber,
            String transaction,
            String municipality)
            throws IOException {
        String id = transaction == null ? issueNumber : "tx " + transaction + " " + issueNumber;
        if (pgp == null) {
            return body;
        }
        boolean isSealed =
                contentType != null
                        && contentType
                                .toLowerCase(Locale.ROOT)
                                .split(";")[0]
                                .strip()
                                .equals(PgpMessages.MEDIA_TYPE);
        if (!isSealed) {
            if (status != null && (status == 200 || status == 422)) {
                LOG.warn(
                        "koseki {}: answer HTTP {} refused UNSIGNED (not {})",
                        id,
                        status,
                        PgpMessages.MEDIA_TYPE);
                throw new AnswerRefused("UNSIGNED");
            }
            return body;
        }
        try {
            return pgp.open(body == null ? new byte[0] : body, party(municipality), limit);
        } catch (PgpRefusedException e) {
            LOG.warn(
                    "koseki {}: answer HTTP {} ({} bytes) refused {} ({})",
                    id,
                    status,
                    body == null ? 0 : body.length,
                    e.code(),
                    e.getMessage());
            throw new AnswerRefused(e.code());
        }
    }
}
