package jp.kofuhub.municipality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One municipality the hub serves, as configured in {@code
 * config/municipalities/<code>-<name>.yaml}. The 団体コード is the key of every replica row and every
 * request. {@code mayorTitle} is the full official title as printed on the issuer line (北広島市長,
 * 当別町長), after the prefecture.
 *
 * <p>{@code fees} are the dated fee periods of the kiosk service ({@link FeeSchedule}; absent: no
 * kind has a fee) and {@code calendar} its opening hours ({@link ServiceCalendar.Config}; absent:
 * all defaults, 06:30–23:00 daily, closed 12-29..01-03, 戸籍 weekdays 09:00–17:00). Use {@link #fee}
 * and {@link #serviceCalendar()}: both are built once per distinct configuration and cached, so
 * they are cheap to call per request. {@link MunicipalityRegistry} builds them at start-up, so a
 * profile with a bad fee or calendar entry stops the start.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record MunicipalityProfile(
        String code,
        String name,
        String nameKana,
        String prefecture,
        String mayorTitle,
        String mayorName,
        String sealImage,
        String terminalCode,
        String printerCode,
        boolean excludeAdultGuardianship,
        List<String> offeredKinds,
        String taxYearSwitch,
        Integer taxYearsOffered,
        String juminhyoLayout,
        boolean printJuminhyoCode,
        boolean printMyNumber,
        String antiForgeryBand,
        List<FeeSchedule.FeePeriod> fees,
        ServiceCalendar.Config calendar,
        Koseki koseki,
        Map<String, String> sourceKeys,
        PrintoutCode printoutCode) {

    public MunicipalityProfile {
        fees = fees == null ? null : Collections.unmodifiableList(new ArrayList<>(fees));
        sourceKeys = sourceKeys == null ? Map.of() : Map.copyOf(sourceKeys);
    }

    /**
     * The municipality's own koseki certificate server (issue #24), each field optional: absent,
     * the hub-wide {@code kofu.koseki.*} setting applies. {@code pgpKey}: the server's OpenPGP
     * public key; {@code signingCertificate}: the certificate of its 戸籍 key that signs the PDFs
     * (PAdES); a relative file is read from {@code kofu.keys.dir}. {@code breaker}: the thresholds
     * of this server's own circuit breaker.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Koseki(String url, String pgpKey, String signingCertificate, Breaker breaker) {}

    /**
     * Circuit breaker thresholds; a null field takes the hub-wide {@code kofu.koseki.breaker-*}.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Breaker(
            Integer window, Integer minimumCalls, Integer failureRate, Integer waitSeconds) {}

    /** The profile's {@code koseki} block, or one with every field absent. */
    public Koseki kosekiServer() {
        return koseki == null ? new Koseki(null, null, null, null) : koseki;
    }

    /*
     * Records cannot hold derived state, so the built schedules and calendars are cached here, keyed by
     * the (immutable) configuration they are built from. Profiles are few and read once, so the caches
     * stay tiny; a configuration that fails validation is not cached and fails again on every call.
     */
    private static final Map<List<FeeSchedule.FeePeriod>, FeeSchedule> FEE_SCHEDULES =
            new ConcurrentHashMap<>();
    private static final Map<ServiceCalendar.Config, ServiceCalendar> CALENDARS =
            new ConcurrentHashMap<>();

    /**
     * 住民票 layouts of the standard (STD §5): 世帯連記式, up to four persons a sheet, or 個人票, one a sheet.
     */
    public static final String RENKI = "RENKI";

    public static final String KOJIN = "KOJIN";

    /**
     * The height (an FO length in mm, e.g. {@code 20mm}) of a band across the top of every page,
     * under the top margin, that the hub leaves free of text for the issuance centre's anti-forgery
     * overlay; null when the centre needs none.
     */
    public String antiForgeryBand() {
        return antiForgeryBand;
    }

    /**
     * The signed 2D code on every page (issue #21, docs/interfaces/printout-code.md §7): off unless
     * {@code enabled} (a city may need the issuance centre's agreement first); {@code position}
     * {@code bottom-left} (default) or {@code bottom-right}, {@code size} its square's side in mm
     * (default 50mm, 20–50mm: docs/interfaces/printout-code.md §1 says what a smaller code costs in
     * a 150 dpi scan).
     */
    public record PrintoutCode(boolean enabled, String position, String size) {
        public static final java.util.Set<String> POSITIONS =
                java.util.Set.of("bottom-left", "bottom-right");

        public String positionOrDefault() {
            return position == null ? "bottom-left" : position;
        }
    }

    /** The printout code's position when the profile turns it on, else null. */
    public String printoutCodePosition() {
        return printoutCode != null && printoutCode.enabled()
                ? printoutCode.positionOrDefault()
                : null;
    }

    /** 世帯連記式 unless the profile says 個人票. */
    public String layout() {
        return KOJIN.equals(juminhyoLayout) ? KOJIN : RENKI;
    }

    /**
     * Whether {@code year} is a 年度 offered on {@code today}: the current one and, if the profile
     * offers several ({@code taxYearsOffered}, default 1), as many earlier ones.
     */
    public boolean offersTaxYear(int year, java.time.LocalDate today) {
        int current = offeredTaxYear(today);
        int count = taxYearsOffered == null || taxYearsOffered < 1 ? 1 : taxYearsOffered;
        return year <= current && year > current - count;
    }

    /**
     * The 年度 of tax certificates offered on {@code today}: the new 年度 opens on the switch-over day
     * ({@code taxYearSwitch}, MM-dd, default 06-10); before it the previous 年度 is offered.
     */
    public int offeredTaxYear(java.time.LocalDate today) {
        String mmdd = taxYearSwitch == null ? "06-10" : taxYearSwitch;
        java.time.LocalDate switchDay = java.time.LocalDate.parse(today.getYear() + "-" + mmdd);
        return today.isBefore(switchDay) ? today.getYear() - 1 : today.getYear();
    }

    public boolean offers(String kind) {
        return offeredKinds != null && offeredKinds.contains(kind);
    }

    /**
     * The fee schedule of {@code fees} ({@link FeeSchedule#EMPTY} when the profile has none).
     *
     * @throws IllegalStateException when a fee period is invalid (the registry checks this at
     *     start-up)
     */
    public FeeSchedule feeSchedule() {
        if (fees == null || fees.isEmpty()) {
            return FeeSchedule.EMPTY;
        }
        return FEE_SCHEDULES.computeIfAbsent(fees, f -> new FeeSchedule(owner(), f));
    }

    /**
     * The kiosk fee in yen of {@code kind} on {@code day} (a day in Asia/Tokyo); empty when no fee
     * period covers the day, e.g. before the municipality's kiosk service started. See {@link
     * FeeSchedule#fee}. Whether the kind is offered is a separate question: {@link #offers}.
     */
    public OptionalInt fee(String kind, LocalDate day) {
        return feeSchedule().fee(kind, day);
    }

    /**
     * The service calendar of {@code calendar} (all defaults when the profile has none).
     *
     * @throws IllegalStateException when a calendar entry is malformed (the registry checks this at
     *     start-up)
     */
    public ServiceCalendar serviceCalendar() {
        ServiceCalendar.Config c = calendar == null ? ServiceCalendar.Config.defaults() : calendar;
        return CALENDARS.computeIfAbsent(c, k -> new ServiceCalendar(owner(), k));
    }

    private String owner() {
        return "municipality " + code + " " + name;
    }
}
