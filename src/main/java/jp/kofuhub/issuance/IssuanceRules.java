package jp.kofuhub.issuance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.CertificateOptions;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.replica.ReplicaFreshness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every phase applies to a request, before and after drafting: the municipality, the
 * kind it offers, its service hours and fee, the freshness of the replica, and the kind's draft of
 * the data document. No state of its own and no Camel types; logs carry ids and codes only.
 */
public class IssuanceRules {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceRules.class);

    /** Every kind of the protocol; those without a {@link CertificateKind} are not offered yet. */
    public static final Set<String> KNOWN_KINDS =
            Set.of(
                    "JUMINHYO",
                    "JUMINHYO_KISAI",
                    "INKAN",
                    "SHOTOKU",
                    "KAZEI",
                    "SHOTOKU_KAZEI",
                    "KOSEKI_ZENBU",
                    "KOSEKI_KOJIN",
                    "KOSEKI_FUHYO");

    private final MunicipalityRegistry municipalities;
    private final Map<String, CertificateKind> kinds;
    private final ReplicaFreshness freshness;
    private final Clock clock;
    private final boolean ignoreHours;
    private final Predicate<String> kosekiDown;

    /**
     * @param ignoreHours for test hubs only ({@code kofu.calendar.ignore-hours}): opening hours and
     *     closed days are not checked, maintenance windows still are — tests must pass at any hour
     *     of any day
     */
    public IssuanceRules(
            MunicipalityRegistry municipalities,
            List<CertificateKind> kinds,
            ReplicaFreshness freshness,
            Clock clock,
            boolean ignoreHours) {
        this(municipalities, kinds, freshness, clock, ignoreHours, m -> false);
    }

    /**
     * @param kosekiDown whether a municipality's koseki server is known down (its breaker open,
     *     {@link KosekiServers#down}): its 戸籍 kinds are then refused before any 発行番号
     */
    public IssuanceRules(
            MunicipalityRegistry municipalities,
            List<CertificateKind> kinds,
            ReplicaFreshness freshness,
            Clock clock,
            boolean ignoreHours,
            Predicate<String> kosekiDown) {
        this.kosekiDown = kosekiDown;
        this.municipalities = municipalities;
        this.kinds =
                kinds.stream()
                        .collect(Collectors.toMap(CertificateKind::code, Function.identity()));
        this.freshness = freshness;
        this.clock = clock;
        this.ignoreHours = ignoreHours;
        if (ignoreHours) {
            LOG.warn(
                    "service hours and closed days are NOT checked (kofu.calendar.ignore-hours): test setting");
        }
    }

    Clock clock() {
        return clock;
    }

    /** The kind this hub makes for {@code code}, or null. */
    CertificateKind kind(String code) {
        return kinds.get(code);
    }

    /** UNKNOWN_CERTIFICATE_TYPE unless {@code kind} is one of the protocol's. */
    static void known(String kind) {
        if (!KNOWN_KINDS.contains(kind)) {
            throw IssuanceErrors.unknownKind(kind);
        }
    }

    MunicipalityProfile city(String code) {
        return municipalities
                .find(code)
                .orElseThrow(() -> IssuanceErrors.unknownMunicipality(code));
    }

    String sealUri(MunicipalityProfile city) {
        return municipalities.sealImage(city).toUri().toString();
    }

    /** The kind, if the municipality offers it and this hub makes it, and the options fit it. */
    CertificateKind offered(MunicipalityProfile city, String code, CertificateOptions options) {
        CertificateKind kind = kinds.get(code);
        if (!city.offers(code) || kind == null) {
            throw IssuanceException.refused(
                    "KIND_NOT_OFFERED",
                    "municipality " + city.code() + " does not offer " + code + " at kiosks");
        }
        if (!kind.accepts(options)) {
            throw IssuanceException.badRequest(
                    "MALFORMED_REQUEST", "an option given does not apply to " + code);
        }
        return kind;
    }

    /**
     * The fee now, if the kind's service is open now; else OUTSIDE_SERVICE_HOURS with the next
     * opening.
     */
    int open(MunicipalityProfile city, String code, ZonedDateTime now) {
        Optional<ZonedDateTime> closed =
                ignoreHours
                        ? city.serviceCalendar().maintenanceUntil(now)
                        : city.serviceCalendar().closedUntil(code, now);
        if (closed.isPresent()) {
            throw new IssuanceException(
                    "OUTSIDE_SERVICE_HOURS",
                    422,
                    "the service is closed now",
                    Map.of(
                            "nextOpening",
                            closed.get()
                                    .toOffsetDateTime()
                                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        }
        OptionalInt fee = city.fee(code, now.toLocalDate());
        if (fee.isEmpty()) {
            throw IssuanceException.refused(
                    "KIND_NOT_OFFERED", "no fee is set for " + code + " today");
        }
        return fee.getAsInt();
    }

    /**
     * KOSEKI_UNAVAILABLE for a 戸籍 kind while the municipality's koseki server is known down (its
     * circuit breaker open): decided in phase 1 and before numbering, so no 発行番号 is spent and
     * voided (issue #18).
     */
    void reachable(MunicipalityProfile city, CertificateKind kind) {
        if (kind.code().startsWith("KOSEKI_") && kosekiDown.test(city.code())) {
            throw IssuanceException.refused(
                    RefusalCode.KOSEKI_UNAVAILABLE.name(),
                    "the koseki certificate server failed repeatedly and is not called for now"
                            + " (circuit breaker open); no number was taken");
        }
    }

    /** REPLICA_STALE when a source the kind reads is not fresh enough. */
    void stale(MunicipalityProfile city, CertificateKind kind) {
        freshness
                .problem(city.code(), kind.sources())
                .ifPresent(
                        why -> {
                            LOG.warn(
                                    "issue {} {}: refused REPLICA_STALE ({})",
                                    city.code(),
                                    kind.code(),
                                    why);
                            throw IssuanceErrors.refused(RefusalCode.REPLICA_STALE);
                        });
    }

    /** The kind's data document for the request as of {@code day}, or the refusal that applies. */
    CertificateKind.Draft draft(
            CertificateKind kind, MunicipalityProfile city, IssuanceRequest req, LocalDate day) {
        Optional<CertificateKind.Draft> draft;
        try {
            draft = kind.draft(city, req.serial(), req.options(), sealUri(city), day);
        } catch (CertificateKind.Refusal r) {
            LOG.info(
                    "issue {} {} tx {}: refused {}",
                    city.code(),
                    req.kind(),
                    req.transaction(),
                    r.code());
            throw IssuanceException.refused(r.code().name(), r.getMessage());
        } catch (JuminhyoKind.InvalidSelection e) {
            LOG.info(
                    "issue {} {} tx {}: INVALID_SELECTION",
                    city.code(),
                    req.kind(),
                    req.transaction());
            throw IssuanceException.badRequest("INVALID_SELECTION", e.getMessage());
        }
        return draft.orElseThrow(
                () -> {
                    LOG.info(
                            "issue {} {} tx {}: UNKNOWN_CARD",
                            city.code(),
                            req.kind(),
                            req.transaction());
                    return IssuanceErrors.unknownCard(city);
                });
    }

    /**
     * The printed items in a short, id-only form for the history: e.g. {@code
     * members=LIST[1,2];head;honseki}.
     */
    static String printedOptions(CertificateOptions o) {
        List<String> parts = new ArrayList<>();
        parts.add(
                "members="
                        + o.members()
                        + (o.positions().isEmpty()
                                ? ""
                                : o.positions().toString().replace(" ", "")));
        if (o.householdHead()) {
            parts.add("head");
        }
        if (o.honseki()) {
            parts.add("honseki");
        }
        if (o.juminhyoCode()) {
            parts.add("juminhyoCode");
        }
        if (o.myNumber()) {
            parts.add("myNumber");
        }
        if (o.taxYear() != null) {
            parts.add("taxYear=" + o.taxYear());
        }
        return String.join(";", parts);
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
