package jp.kofuhub.issuance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of the {@code issue-certificate} route around layout. {@link #prepare} validates
 * the request, checks the replica is fresh, drafts the kind's data document (one consistent read,
 * the eligibility table, the glyph check) and numbers it. {@link #confirm}, after rendering,
 * drafts it again and refuses if anything it printed changed meanwhile — a cancelled seal or a
 * moved person never completes in an issuance already in flight. Logs carry ids and codes only.
 */
public class IssuanceService {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceService.class);

    /** Every kind of the protocol; those without a {@link CertificateKind} are not offered yet. */
    static final Set<String> KNOWN_KINDS = Set.of("JUMINHYO", "JUMINHYO_KISAI", "INKAN",
            "SHOTOKU", "KAZEI", "SHOTOKU_KAZEI", "KOSEKI_ZENBU", "KOSEKI_KOJIN", "KOSEKI_FUHYO");

    private final MunicipalityRegistry municipalities;
    private final Map<String, CertificateKind> kinds;
    private final ReplicaFreshness freshness;
    private final IssueNumbers numbers;
    private final Clock clock;

    public IssuanceService(MunicipalityRegistry municipalities, List<CertificateKind> kinds, ReplicaFreshness freshness,
                           IssueNumbers numbers, Clock clock) {
        this.municipalities = municipalities;
        this.kinds = kinds.stream().collect(Collectors.toMap(CertificateKind::code, Function.identity()));
        this.freshness = freshness;
        this.numbers = numbers;
        this.clock = clock;
    }

    public PreparedCertificate prepare(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parse(contentType, body);
        MunicipalityProfile city = city(req);
        CertificateKind kind = kinds.get(req.kind());
        if (!KNOWN_KINDS.contains(req.kind())) {
            throw IssuanceException.badRequest("UNKNOWN_CERTIFICATE_TYPE", "no certificate type " + req.kind());
        }
        if (!city.offers(req.kind()) || kind == null) {
            throw IssuanceException.refused("KIND_NOT_OFFERED", "municipality " + city.code() + " does not offer " + req.kind() + " at kiosks");
        }
        if (!kind.accepts(req.options())) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "an option given does not apply to " + req.kind());
        }
        freshness.problem(city.code(), kind.sources()).ifPresent(why -> {
            LOG.warn("issue {} {}: refused REPLICA_STALE ({})", city.code(), req.kind(), why);
            throw IssuanceException.refused(RefusalCode.REPLICA_STALE.name(), RefusalCode.REPLICA_STALE.meaning());
        });
        LocalDate today = LocalDate.now(clock);
        CertificateKind.Draft draft = draft(kind, city, req, today);
        String terminal = req.terminal() != null ? req.terminal() : city.terminalCode();
        String number = numbers.next(city.code(), today, terminal, city.printerCode());
        LOG.info("issue {} {} atena {}: prepared {}", city.code(), req.kind(), draft.holderAtena(), number);
        return new PreparedCertificate(req, kind.template(), draft.dataXml(), sha256(draft.dataXml()), number,
                draft.holderAtena());
    }

    /**
     * Drafts the same certificate again from the replica as it is now; refuses when the holder is
     * now refused or any printed item changed since {@link #prepare}.
     */
    public void confirm(PreparedCertificate prepared) {
        IssuanceRequest req = prepared.getRequest();
        MunicipalityProfile city = city(req);
        CertificateKind kind = kinds.get(req.kind());
        CertificateKind.Draft now = draft(kind, city, req, LocalDate.now(clock));
        if (!sha256(now.dataXml()).equals(prepared.getDataSha256())) {
            LOG.warn("issue {} {} atena {}: {} voided, REPLICA_CHANGED while in flight", city.code(), req.kind(),
                    prepared.getHolderAtena(), prepared.getIssueNumber());
            throw IssuanceException.refused(RefusalCode.REPLICA_CHANGED.name(), RefusalCode.REPLICA_CHANGED.meaning());
        }
    }

    /**
     * The card holder's household as the kiosk lists it for choosing members (JSON), refused exactly
     * as a whole-household 住民票 would be. Needs the municipality to offer JUMINHYO.
     */
    public String listHousehold(String body, String contentType) {
        IssuanceRequest.Listing req = IssuanceRequest.parseListing(contentType, body);
        MunicipalityProfile city = municipalities.find(req.municipality()).orElseThrow(() ->
                new IssuanceException("UNKNOWN_MUNICIPALITY", 404, "this hub does not serve municipality " + req.municipality()));
        JuminhyoKind kind = (JuminhyoKind) kinds.get(JuminhyoKind.JUMINHYO);
        if (!city.offers(JuminhyoKind.JUMINHYO) && !city.offers(JuminhyoKind.KISAI)) {
            throw IssuanceException.refused("KIND_NOT_OFFERED", "municipality " + city.code() + " does not offer 住民票 at kiosks");
        }
        freshness.problem(city.code(), kind.sources()).ifPresent(why -> {
            LOG.warn("list {}: refused REPLICA_STALE ({})", city.code(), why);
            throw IssuanceException.refused(RefusalCode.REPLICA_STALE.name(), RefusalCode.REPLICA_STALE.meaning());
        });
        JuminhyoKind.Listing listing;
        try {
            listing = kind.listing(city, req.serial(), LocalDate.now(clock)).orElseThrow(() ->
                    new IssuanceException("UNKNOWN_CARD", 404, "no resident of " + city.code() + " holds this card certificate"));
        } catch (CertificateKind.Refusal r) {
            LOG.info("list {} atena {}: refused {}", city.code(), r.atena(), r.code());
            throw IssuanceException.refused(r.code().name(), r.getMessage());
        }
        LOG.info("list {} atena {}: {} members", city.code(), listing.holderAtena(), listing.members().size());
        try {
            return LISTING_JSON.writeValueAsString(Map.of("household", listing.version(), "members", listing.members()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper LISTING_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private CertificateKind.Draft draft(CertificateKind kind, MunicipalityProfile city, IssuanceRequest req, LocalDate today) {
        String sealUri = municipalities.sealImage(city).toUri().toString();
        Optional<CertificateKind.Draft> draft;
        try {
            draft = kind.draft(city, req.serial(), req.options(), sealUri, today);
        } catch (CertificateKind.Refusal r) {
            LOG.info("issue {} {} atena {}: refused {}", city.code(), req.kind(), r.atena(), r.code());
            throw IssuanceException.refused(r.code().name(), r.getMessage());
        } catch (JuminhyoKind.InvalidSelection e) {
            LOG.info("issue {} {}: INVALID_SELECTION", city.code(), req.kind());
            throw IssuanceException.badRequest("INVALID_SELECTION", e.getMessage());
        }
        return draft.orElseThrow(() -> {
            LOG.info("issue {} {}: UNKNOWN_CARD", city.code(), req.kind());
            return new IssuanceException("UNKNOWN_CARD", 404, "no resident of " + city.code() + " holds this card certificate");
        });
    }

    private MunicipalityProfile city(IssuanceRequest req) {
        return municipalities.find(req.municipality()).orElseThrow(() ->
                new IssuanceException("UNKNOWN_MUNICIPALITY", 404, "this hub does not serve municipality " + req.municipality()));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
