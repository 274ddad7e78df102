package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import jp.kofuhub.certificate.Eligibility;
import jp.kofuhub.certificate.JuminhyoDocument;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of the {@code issue-certificate} route before layout: validate the request, read
 * the card holder's household in one snapshot, apply the eligibility table, check every printed
 * character against the fonts, and number the document. Logs carry ids and codes only.
 */
public class IssuanceService {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceService.class);

    /** Certificate kinds of the protocol, and the template of those this version can produce. */
    static final Map<String, String> TEMPLATES = Map.of(JuminhyoDocument.KIND, "juminhyo");
    static final java.util.Set<String> KNOWN_KINDS = java.util.Set.of("JUMINHYO", "JUMINHYO_KISAI", "INKAN",
            "SHOTOKU", "KAZEI", "SHOTOKU_KAZEI", "KOSEKI_ZENBU", "KOSEKI_KOJIN", "KOSEKI_FUHYO");

    private final MunicipalityRegistry municipalities;
    private final ReplicaReader replica;
    private final Eligibility eligibility;
    private final JuminhyoDocument juminhyo;
    private final IssueNumbers numbers;
    private final Clock clock;

    public IssuanceService(MunicipalityRegistry municipalities, ReplicaReader replica, Eligibility eligibility,
                           JuminhyoDocument juminhyo, IssueNumbers numbers, Clock clock) {
        this.municipalities = municipalities;
        this.replica = replica;
        this.eligibility = eligibility;
        this.juminhyo = juminhyo;
        this.numbers = numbers;
        this.clock = clock;
    }

    public PreparedCertificate prepare(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parse(contentType, body);
        MunicipalityProfile city = municipalities.find(req.municipality()).orElseThrow(() ->
                new IssuanceException("UNKNOWN_MUNICIPALITY", 404, "this hub does not serve municipality " + req.municipality()));
        if (!KNOWN_KINDS.contains(req.kind())) {
            throw IssuanceException.badRequest("UNKNOWN_CERTIFICATE_TYPE", "no certificate type " + req.kind());
        }
        if (!city.offers(req.kind()) || !TEMPLATES.containsKey(req.kind())) {
            throw IssuanceException.refused("KIND_NOT_OFFERED", "municipality " + city.code() + " does not offer " + req.kind() + " at kiosks");
        }
        Optional<CardHolder> found = replica.findBySerial(city.code(), req.serial());
        if (found.isEmpty()) {
            LOG.info("issue {} {}: UNKNOWN_CARD", city.code(), req.kind());
            throw new IssuanceException("UNKNOWN_CARD", 404, "no resident of " + city.code() + " holds this card certificate");
        }
        CardHolder card = found.get();
        LocalDate today = LocalDate.now(clock);
        Optional<RefusalCode> refusal = eligibility.decide(card, city, today);
        if (refusal.isPresent()) {
            LOG.info("issue {} {} atena {}: refused {}", city.code(), req.kind(), card.holder().atenaNo(), refusal.get());
            throw IssuanceException.refused(refusal.get().name(), refusal.get().meaning());
        }
        String terminal = req.terminal() != null ? req.terminal() : city.terminalCode();
        String sealUri = municipalities.sealImage(city).toUri().toString();
        try {
            String[] number = new String[1];
            String xml = juminhyo.build(card, city, sealUri,
                    () -> number[0] = numbers.next(city.code(), today, terminal, city.printerCode()), today);
            LOG.info("issue {} {} atena {}: prepared {}", city.code(), req.kind(), card.holder().atenaNo(), number[0]);
            return new PreparedCertificate(TEMPLATES.get(req.kind()), xml, number[0]);
        } catch (GlyphUnavailableException e) {
            LOG.info("issue {} {} atena {}: refused GLYPH_UNAVAILABLE in {}", city.code(), req.kind(),
                    card.holder().atenaNo(), e.field());
            throw IssuanceException.refused("GLYPH_UNAVAILABLE", "a character in field " + e.field() + " cannot be printed");
        }
    }
}
