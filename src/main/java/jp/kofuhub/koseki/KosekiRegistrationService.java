package jp.kofuhub.koseki;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.LocalDate;
import jp.kofuhub.issuance.IssuanceException;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuance centre's 本籍地利用登録 request (route {@code request-koseki-registration}): validates it,
 * checks the municipality and the 本籍, and answers the application — a new one {@code 202 PENDING},
 * the same one again while it is pending, {@code 200 APPROVED} once approved. Refusals are {@link
 * IssuanceException}s with documented codes (docs/interfaces/issuance-centre.md). Logs ids and
 * codes only, never a name, a birth date, a 本籍 or a 筆頭者.
 */
public class KosekiRegistrationService {

    private static final Logger LOG = LoggerFactory.getLogger(KosekiRegistrationService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KosekiRegistrations registrations;
    private final MunicipalityRegistry municipalities;
    private final Clock clock;

    public KosekiRegistrationService(
            KosekiRegistrations registrations, MunicipalityRegistry municipalities, Clock clock) {
        this.registrations = registrations;
        this.municipalities = municipalities;
        this.clock = clock;
    }

    /**
     * The answer of the REST route: HTTP status and JSON body. Getters, so route expressions can
     * read it.
     */
    public static final class Answer {
        private final int httpStatus;
        private final String registrationId;
        private final String status;

        Answer(int httpStatus, String registrationId, String status) {
            this.httpStatus = httpStatus;
            this.registrationId = registrationId;
            this.status = status;
        }

        public int getHttpStatus() {
            return httpStatus;
        }

        public String getRegistrationId() {
            return registrationId;
        }

        public String getStatus() {
            return status;
        }

        /** {@code {"registrationId":"HR-…","status":"PENDING"}}. */
        public String getJson() {
            return JSON.createObjectNode()
                    .put("registrationId", registrationId)
                    .put("status", status)
                    .toString();
        }
    }

    private java.util.function.Predicate<String> couplingSuspended = m -> false;

    /**
     * The stop switch (jp.kofuhub.ops.CouplingSwitch#suspendedNow(String)): an application naming a
     * municipality whose coupling is suspended is refused 503 COUPLING_SUSPENDED before anything is
     * written.
     */
    public void setCoupling(java.util.function.Predicate<String> suspended) {
        this.couplingSuspended = suspended;
    }

    public Answer request(String body, String contentType) {
        KosekiRegistrationRequest req =
                KosekiRegistrationRequest.parse(contentType, body, LocalDate.now(clock));
        MunicipalityProfile city =
                municipalities
                        .find(req.municipality())
                        .orElseThrow(
                                () ->
                                        new IssuanceException(
                                                "UNKNOWN_MUNICIPALITY",
                                                404,
                                                "this hub does not serve municipality "
                                                        + req.municipality()));
        if (couplingSuspended.test(city.code())) {
            throw new IssuanceException(
                    jp.kofuhub.issuance.CouplingGuard.COUPLING_SUSPENDED,
                    503,
                    "the online coupling is suspended by the city; try again later");
        }
        if (city.offeredKinds() == null
                || city.offeredKinds().stream().noneMatch(k -> k.startsWith("KOSEKI_"))) {
            throw IssuanceException.refused(
                    "KIND_NOT_OFFERED",
                    "municipality " + city.code() + " does not offer 戸籍 certificates at kiosks");
        }
        String prefix = city.prefecture() + city.name();
        if (!req.honseki().startsWith(prefix) || req.honseki().length() == prefix.length()) {
            throw IssuanceException.refused(
                    "HONSEKI_NOT_IN_MUNICIPALITY",
                    "the 本籍 is not an address in municipality " + city.code());
        }
        KosekiRegistrations.Requested r =
                registrations.request(
                        city.code(),
                        req.serial(),
                        req.honseki(),
                        req.hittosha(),
                        req.name(),
                        req.birthDate());
        LOG.info(
                "koseki registration {} tx {}: {} {}{}",
                city.code(),
                req.transaction(),
                r.registrationId(),
                r.status(),
                r.created() ? " (new application)" : " (asked again)");
        return new Answer(
                KosekiRegistrations.APPROVED.equals(r.status()) ? 200 : 202,
                r.registrationId(),
                r.status());
    }
}
