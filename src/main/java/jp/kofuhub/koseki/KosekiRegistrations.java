package jp.kofuhub.koseki;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 本籍地利用登録 (registration for 戸籍 certificates at kiosks): the hub's applications ({@code
 * honseki_application}, written here only) read together with the KOSEKI source's replica of the
 * registrations ({@code honseki_registration}, export record {@code K}, never written here).
 *
 * <p>The status that counts for an application ({@link #effective}): REJECTED or CANCELLED when
 * either side says so (that wins over any approval), else APPROVED when the application is APPROVED
 * (an operator's decision) or the koseki side sent its {@code K} record as APPROVED, else PENDING.
 * A {@code K} record without an application (a registration made at the counter) has no name and
 * birth date, which the koseki server needs to find the person: it is not usable at kiosks, the
 * resident applies once from a kiosk.
 *
 * <p>Requests are idempotent on (municipality, serial, 本籍, 筆頭者): the open application for them
 * (PENDING or APPROVED) is answered again; a unique key on the open application ({@code open_key})
 * keeps two concurrent requests, on any instance, to one application. No method logs; callers log
 * ids and codes only.
 */
public class KosekiRegistrations {

    public static final String PENDING = "PENDING";
    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";
    public static final String CANCELLED = "CANCELLED";

    /**
     * {@code decided_by} when the koseki side's rejection or cancellation closes an application
     * here.
     */
    public static final String KOSEKI_SIDE = "KOSEKI";

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String SELECT =
            "select a.municipality_code, a.registration_id, a.serial, a.honseki,"
                    + " a.hittosha, a.person_name, a.birth_date, a.status, a.applied_at, a.decided_at, a.open_key,"
                    + " k.status as k_status, k.honseki as k_honseki, k.hittosha as k_hittosha"
                    + " from honseki_application a left join honseki_registration k"
                    + " on k.municipality_code = a.municipality_code and k.registration_id = a.registration_id";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public KosekiRegistrations(JdbcTemplate jdbc, java.time.Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * One application as stored, with the koseki side's status of the same registration id (null
     * when no {@code K} record has it). Holds personal data: {@link #toString()} shows ids and
     * codes only.
     */
    public record Application(
            String municipality,
            String registrationId,
            String serial,
            String honseki,
            String hittosha,
            String name,
            LocalDate birthDate,
            String status,
            OffsetDateTime appliedAt,
            OffsetDateTime decidedAt,
            String openKey,
            String kosekiStatus,
            String kosekiHonseki,
            String kosekiHittosha) {

        /** The status that counts: {@link KosekiRegistrations#effective}. */
        public String effectiveStatus() {
            return effective(status, kosekiStatus);
        }

        /**
         * The subject of a 戸籍 request: the 本籍 and 筆頭者 as the koseki side recorded them when it
         * approved (its text is the 戸籍's own), else as the application gave them.
         */
        KosekiSubject subject() {
            boolean koseki =
                    APPROVED.equals(kosekiStatus)
                            && kosekiHonseki != null
                            && kosekiHittosha != null;
            return new KosekiSubject(
                    koseki ? kosekiHonseki : honseki,
                    koseki ? kosekiHittosha : hittosha,
                    name,
                    birthDate,
                    registrationId);
        }

        @Override
        public String toString() {
            return "Application["
                    + municipality
                    + " "
                    + registrationId
                    + " "
                    + status
                    + "/"
                    + kosekiStatus
                    + "]";
        }
    }

    /**
     * The answer to a request: the application's id, its status that counts, and whether it is new.
     */
    public record Requested(String registrationId, String status, boolean created) {}

    /** What became of an operator's decision. */
    public enum Outcome {
        APPROVED,
        REJECTED,
        NOT_FOUND,
        NOT_PENDING,
        AMBIGUOUS
    }

    /**
     * An operator's decision: its outcome and, when it was not taken, the status that counts now.
     */
    public record Decision(
            Outcome outcome, String registrationId, String municipality, String status) {}

    /**
     * The status that counts, from the application's and the koseki side's ({@code null}: no {@code
     * K} record): a rejection or cancellation anywhere wins, then an approval anywhere.
     */
    public static String effective(String applicationStatus, String kosekiStatus) {
        if (closed(applicationStatus)) {
            return applicationStatus;
        }
        if (closed(kosekiStatus)) {
            return kosekiStatus;
        }
        if (APPROVED.equals(applicationStatus) || APPROVED.equals(kosekiStatus)) {
            return APPROVED;
        }
        return PENDING;
    }

    /**
     * The approved registration of this card serial in this municipality, as the subject of a 戸籍
     * request; empty if none is approved.
     */
    public java.util.Optional<KosekiSubject> approved(String municipality, String serial) {
        // newest first: of several approved applications of a serial (a new 本籍 after 転籍), the
        // newest counts
        return ofSerial(municipality, serial).stream()
                .filter(a -> APPROVED.equals(a.effectiveStatus()))
                .findFirst()
                .map(Application::subject);
    }

    /** Whether the serial has a registration still waiting for review (PENDING). */
    public boolean pending(String municipality, String serial) {
        return ofSerial(municipality, serial).stream()
                .anyMatch(a -> PENDING.equals(a.effectiveStatus()));
    }

    /** The applications of a serial, newest first. */
    public List<Application> ofSerial(String municipality, String serial) {
        return jdbc.query(
                SELECT
                        + " where a.municipality_code = ? and a.serial = ?"
                        + " order by a.applied_at desc, a.registration_id desc",
                KosekiRegistrations::row,
                municipality,
                serial);
    }

    /** One application, in one municipality. */
    public Optional<Application> find(String municipality, String registrationId) {
        return jdbc
                .query(
                        SELECT + " where a.municipality_code = ? and a.registration_id = ?",
                        KosekiRegistrations::row,
                        municipality,
                        registrationId)
                .stream()
                .findFirst();
    }

    /**
     * Every application still waiting for review (its status that counts is PENDING), oldest first.
     */
    public List<Application> waiting() {
        List<Application> all =
                new ArrayList<>(
                        jdbc.query(
                                SELECT + " where a.status = 'PENDING'", KosekiRegistrations::row));
        all.removeIf(a -> !PENDING.equals(a.effectiveStatus()));
        all.sort(
                Comparator.comparing(Application::appliedAt)
                        .thenComparing(Application::municipality)
                        .thenComparing(Application::registrationId));
        return all;
    }

    /**
     * A request from a kiosk: the open application for this serial, 本籍 and 筆頭者 when there is one
     * (PENDING, or APPROVED by either side), else a new PENDING application with a new id. An open
     * application the koseki side has since rejected or cancelled is closed first, so the resident
     * can apply again. The caller has validated the values.
     */
    public Requested request(
            String municipality,
            String serial,
            String honseki,
            String hittosha,
            String name,
            LocalDate birthDate) {
        String key = openKey(serial, honseki, hittosha);
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Application> open = open(municipality, key);
            if (open.isPresent()) {
                Application a = open.get();
                String status = a.effectiveStatus();
                if (!closed(status)) {
                    return new Requested(a.registrationId(), status, false);
                }
                close(a, status);
            }
            String id = newId();
            try {
                jdbc.update(
                        "insert into honseki_application (municipality_code, registration_id, serial, honseki,"
                                + " hittosha, person_name, birth_date, status, applied_at, open_key)"
                                + " values (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)",
                        municipality,
                        id,
                        serial,
                        honseki,
                        hittosha,
                        name,
                        birthDate,
                        now(),
                        key);
                return new Requested(id, PENDING, true);
            } catch (DuplicateKeyException e) {
                // another request for the same key came first (or, once in 2^60, the id is taken):
                // look again
            }
        }
        throw new IllegalStateException("no application could be stored for " + municipality);
    }

    /**
     * An operator's decision on an application that is waiting for review. {@code municipality} may
     * be null when the id is unique across municipalities. Reject closes the application: a new
     * request for the same 本籍 makes a new one.
     */
    public Decision decide(
            String municipality,
            String registrationId,
            boolean approve,
            String operator,
            String reason) {
        List<Application> found =
                municipality != null
                        ? find(municipality, registrationId).stream().toList()
                        : jdbc.query(
                                SELECT + " where a.registration_id = ?",
                                KosekiRegistrations::row,
                                registrationId);
        if (found.isEmpty()) {
            return new Decision(Outcome.NOT_FOUND, registrationId, municipality, null);
        }
        if (found.size() > 1) {
            return new Decision(Outcome.AMBIGUOUS, registrationId, null, null);
        }
        Application a = found.get(0);
        if (!PENDING.equals(a.effectiveStatus())) {
            return new Decision(
                    Outcome.NOT_PENDING, registrationId, a.municipality(), a.effectiveStatus());
        }
        String status = approve ? APPROVED : REJECTED;
        int n =
                jdbc.update(
                        "update honseki_application set status = ?, decided_at = ?, decided_by = ?,"
                                + " decision_reason = ?, open_key = "
                                + (approve ? "open_key" : "null")
                                + " where municipality_code = ? and registration_id = ? and status = 'PENDING'",
                        status,
                        now(),
                        operator,
                        reason,
                        a.municipality(),
                        registrationId);
        if (n == 0) {
            // decided by someone else in the meantime
            String now =
                    find(a.municipality(), registrationId)
                            .map(Application::effectiveStatus)
                            .orElse(null);
            return new Decision(
                    now == null ? Outcome.NOT_FOUND : Outcome.NOT_PENDING,
                    registrationId,
                    a.municipality(),
                    now);
        }
        return new Decision(
                approve ? Outcome.APPROVED : Outcome.REJECTED,
                registrationId,
                a.municipality(),
                status);
    }

    private static boolean closed(String status) {
        return REJECTED.equals(status) || CANCELLED.equals(status);
    }

    private Optional<Application> open(String municipality, String key) {
        return jdbc
                .query(
                        SELECT + " where a.municipality_code = ? and a.open_key = ?",
                        KosekiRegistrations::row,
                        municipality,
                        key)
                .stream()
                .findFirst();
    }

    /**
     * Closes an open application the koseki side rejected or cancelled: a PENDING one takes that
     * status (decided by KOSEKI); one an operator approved keeps its record and only stops being
     * open.
     */
    private void close(Application a, String status) {
        if (PENDING.equals(a.status())) {
            jdbc.update(
                    "update honseki_application set status = ?, decided_at = ?, decided_by = ?,"
                            + " decision_reason = ?, open_key = null where municipality_code = ? and registration_id = ?"
                            + " and open_key = ?",
                    status,
                    now(),
                    KOSEKI_SIDE,
                    "K record " + status,
                    a.municipality(),
                    a.registrationId(),
                    a.openKey());
        } else {
            jdbc.update(
                    "update honseki_application set open_key = null where municipality_code = ?"
                            + " and registration_id = ? and open_key = ?",
                    a.municipality(),
                    a.registrationId(),
                    a.openKey());
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * {@code HR-} and 12 random base32 characters (60 bits): a valid id of export record {@code K}.
     */
    static String newId() {
        StringBuilder b = new StringBuilder("HR-");
        for (int i = 0; i < 12; i++) {
            b.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        return b.toString();
    }

    static String openKey(String serial, String honseki, String hittosha) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    (serial + "\n" + honseki + "\n" + hittosha)
                                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Application row(ResultSet rs, int i) throws SQLException {
        java.sql.Date birth = rs.getDate("birth_date");
        return new Application(
                rs.getString("municipality_code"),
                rs.getString("registration_id"),
                rs.getString("serial"),
                rs.getString("honseki"),
                rs.getString("hittosha"),
                rs.getString("person_name"),
                birth == null ? null : birth.toLocalDate(),
                rs.getString("status"),
                rs.getObject("applied_at", OffsetDateTime.class),
                rs.getObject("decided_at", OffsetDateTime.class),
                rs.getString("open_key"),
                rs.getString("k_status"),
                rs.getString("k_honseki"),
                rs.getString("k_hittosha"));
    }
}
