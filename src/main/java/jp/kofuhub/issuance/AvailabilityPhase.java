package jp.kofuhub.issuance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.CertificateOptions;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.municipality.MunicipalityProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 1 of the issuance-centre protocol (route {@code availability}, step {@code
 * answer-availability}): who may get what — kinds with fee and sheets or a refusal code, the
 * household listing, the options offered. No document, no 発行番号. The answer is kept with the
 * transaction until it ends, without the household's names ({@link AvailabilityAnswers}), so a
 * retry gets the same answer while the household is the same, and the answer as of now after.
 */
public class AvailabilityPhase {

    private static final Logger LOG = LoggerFactory.getLogger(AvailabilityPhase.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IssuanceRules rules;
    private final CouplingGuard coupling;
    private final Transactions transactions;
    private final AnnouncedSheets sheets;

    public AvailabilityPhase(
            IssuanceRules rules,
            CouplingGuard coupling,
            Transactions transactions,
            AnnouncedSheets sheets) {
        this.rules = rules;
        this.coupling = coupling;
        this.transactions = transactions;
        this.sheets = sheets;
    }

    /**
     * For the card holder, every kind asked about (the one {@code kind}, or all the municipality
     * offers) with its fee and sheets or the refusal that applies now, the household listing when a
     * 住民票 kind is available, and the options the municipality offers.
     */
    public String availability(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parseAvailability(contentType, body);
        MunicipalityProfile city = rules.city(req.municipality());
        coupling.coupled(city.code());
        if (req.kind() != null) {
            IssuanceRules.known(req.kind());
        }
        String sha = IssuanceRules.sha256(req.canonical("availability"));
        Optional<String> earlier = earlier(req, sha, city);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String answer = answer(req, city, ZonedDateTime.now(rules.clock()));
        if (!transactions.insert(
                req.transaction(),
                city.code(),
                req.kind(),
                req.store(),
                req.terminal(),
                sha,
                "CHECKED",
                AvailabilityAnswers.kept(answer),
                OffsetDateTime.now(rules.clock()))) {
            return earlier(req, sha, city)
                    .orElseThrow(() -> IssuanceErrors.outOfOrder(req.transaction()));
        }
        LOG.info("availability {} tx {}: answered", city.code(), req.transaction());
        return answer;
    }

    private Optional<String> earlier(IssuanceRequest req, String sha, MunicipalityProfile city) {
        Optional<Transactions.Tx> t = transactions.find(req.transaction());
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (!"CHECKED".equals(t.get().state()) || t.get().availabilityAnswer() == null) {
            throw IssuanceErrors.outOfOrder(req.transaction());
        }
        if (!sha.equals(t.get().requestSha256())) {
            throw IssuanceErrors.conflict(req.transaction());
        }
        String kept = t.get().availabilityAnswer();
        return Optional.of(
                AvailabilityAnswers.restore(
                                kept,
                                () ->
                                        ((JuminhyoKind) rules.kind(JuminhyoKind.JUMINHYO))
                                                .listing(
                                                        city,
                                                        req.serial(),
                                                        ZonedDateTime.now(rules.clock())
                                                                .toLocalDate()))
                        .orElseGet(() -> answerAgain(req, city)));
    }

    /**
     * A retry after the household changed (its names are not kept to answer as before): the answer
     * as of now replaces the one kept. The issue phase checks the resident's choice against the
     * replica.
     */
    private String answerAgain(IssuanceRequest req, MunicipalityProfile city) {
        String answer = answer(req, city, ZonedDateTime.now(rules.clock()));
        if (!transactions.answeredAgain(req.transaction(), AvailabilityAnswers.kept(answer))) {
            throw IssuanceErrors.outOfOrder(req.transaction());
        }
        LOG.info(
                "availability {} tx {}: answered again, the household listing changed since",
                city.code(),
                req.transaction());
        return answer;
    }

    private String answer(IssuanceRequest req, MunicipalityProfile city, ZonedDateTime now) {
        LocalDate today = now.toLocalDate();
        List<String> asked =
                req.kind() != null
                        ? List.of(req.kind())
                        : city.offeredKinds().stream()
                                .filter(IssuanceRules.KNOWN_KINDS::contains)
                                .toList();
        ObjectNode root = JSON.createObjectNode();
        root.put("transaction", req.transaction());
        root.put("municipality", city.code());
        ArrayNode list = root.putArray("kinds");
        boolean householdAvailable = false;
        boolean cardKnown = false;
        for (String code : asked) {
            ObjectNode k = list.addObject();
            k.put("kind", code);
            CertificateOptions options =
                    code.equals(req.kind()) ? req.options() : CertificateOptions.NONE;
            try {
                CertificateKind kind = rules.offered(city, code, options);
                int fee = rules.open(city, code, now);
                rules.stale(city, kind);
                CertificateKind.Draft draft =
                        kind.draft(city, req.serial(), options, rules.sealUri(city), today)
                                .orElseThrow(() -> IssuanceErrors.unknownCard(city));
                cardKnown = true;
                rules.reachable(city, kind);
                int announced = sheets.of(city, kind, draft);
                k.put("available", true);
                k.put("fee", fee);
                k.put("sheets", announced);
                householdAvailable |= kind instanceof JuminhyoKind;
            } catch (CertificateKind.Refusal r) {
                cardKnown = true;
                k.put("available", false);
                k.put("code", r.code().name());
            } catch (JuminhyoKind.InvalidSelection e) {
                throw IssuanceException.badRequest("INVALID_SELECTION", e.getMessage());
            } catch (IssuanceException e) {
                if (e.getHttpStatus() != 422) {
                    throw e;
                }
                k.put("available", false);
                k.put("code", e.getCode());
                e.getDetails().forEach(k::put);
            }
        }
        if (!cardKnown && cardUnknown(city, req.serial(), today)) {
            throw IssuanceErrors.unknownCard(city);
        }
        if (householdAvailable) {
            JuminhyoKind juminhyo = (JuminhyoKind) rules.kind(JuminhyoKind.JUMINHYO);
            juminhyo.listing(city, req.serial(), today)
                    .ifPresent(l -> AvailabilityAnswers.household(root, l));
        }
        ObjectNode offers = root.putObject("offers");
        offers.put("juminhyoCode", city.printJuminhyoCode());
        offers.put("myNumber", city.printMyNumber());
        ArrayNode years = offers.putArray("taxYears");
        int current = city.offeredTaxYear(today);
        for (int y = current; city.offersTaxYear(y, today); y--) {
            years.add(y);
        }
        return root.toString();
    }

    /** Whether the serial is unknown here (asked when every kind was refused before drafting). */
    private boolean cardUnknown(MunicipalityProfile city, String serial, LocalDate today) {
        CertificateKind juminhyo = rules.kind(JuminhyoKind.JUMINHYO);
        try {
            return juminhyo.draft(city, serial, CertificateOptions.NONE, rules.sealUri(city), today)
                    .isEmpty();
        } catch (RuntimeException refusedOrUnprintable) {
            return false;
        }
    }
}
