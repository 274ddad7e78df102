package jp.kofuhub.municipality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The kiosk fees of one municipality, per certificate kind and over time, built from the dated
 * periods of the profile ({@code fees:} in {@code config/municipalities/<code>-<name>.yaml}).
 *
 * <p>A period names the kinds it prices, the fee in yen and the days it covers, {@code from} to
 * {@code until} inclusive ({@code until} absent: open-ended). On a given day the covering period
 * with the latest {@code from} wins, so
 *
 * <ul>
 *   <li>a standing fee is one open-ended period from the day the kiosk service started;
 *   <li>a fee revision is a new open-ended period from the day the new fee applies (the old one
 *       need not be closed: the later {@code from} wins from then on);
 *   <li>a temporary discount is a bounded period laid over the standing fee: it wins while it lasts
 *       and the standing fee applies again the day after its {@code until}.
 * </ul>
 *
 * A day no period covers (before the service started, or after a bounded last period) has no fee:
 * {@link #fee} is empty and the kind cannot be sold that day.
 *
 * <p>The schedule is checked when it is built: a negative fee, an {@code until} before its {@code
 * from}, a missing {@code from} or kind list, an unknown kind, or two periods with the same {@code
 * from} for the same kind (which would make the winner ambiguous) throw an {@link
 * IllegalStateException} naming the owner (the profile), so a bad profile stops start-up. Instances
 * are immutable and thread-safe.
 */
public final class FeeSchedule {

    /** Every certificate kind of the protocol; a fee period may name only these. */
    public static final Set<String> KINDS =
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

    /**
     * One dated fee: {@code yen} for each of {@code kinds} from {@code from} to {@code until} (both
     * inclusive; {@code until} null = open-ended). {@code note} is free text for people (e.g.
     * "seed's published figure", "2027 revision"); the hub does not read it.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record FeePeriod(
            List<String> kinds,
            @JsonProperty(value = "yen", required = true) int yen,
            LocalDate from,
            LocalDate until,
            String note) {

        public FeePeriod {
            kinds = kinds == null ? null : Collections.unmodifiableList(new ArrayList<>(kinds));
        }

        /** Whether this period covers {@code day}. */
        public boolean covers(LocalDate day) {
            return !day.isBefore(from) && (until == null || !day.isAfter(until));
        }
    }

    /** A schedule with no periods: no kind has a fee on any day. */
    public static final FeeSchedule EMPTY = new FeeSchedule("no fees", List.of());

    private final List<FeePeriod> periods;

    /** Per kind, its periods with the latest {@code from} first. */
    private final Map<String, List<FeePeriod>> byKind;

    /** A schedule of {@code periods}; validation errors name it only as "fee schedule". */
    public FeeSchedule(List<FeePeriod> periods) {
        this("fee schedule", periods);
    }

    /**
     * A schedule of {@code periods} (null: none), checked as described in the class comment.
     *
     * @param owner what the schedule belongs to (e.g. {@code municipality 011002 札幌市}), for the
     *     messages of validation errors
     * @throws IllegalStateException when a period is invalid, naming {@code owner} and the period
     */
    public FeeSchedule(String owner, List<FeePeriod> periods) {
        List<FeePeriod> all =
                periods == null
                        ? List.of()
                        : Collections.unmodifiableList(new ArrayList<>(periods));
        Map<String, List<FeePeriod>> map = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            FeePeriod p = all.get(i);
            String where = owner + ": fees[" + i + "]";
            if (p == null) {
                throw new IllegalStateException(where + " is empty");
            }
            if (p.kinds() == null || p.kinds().isEmpty()) {
                throw new IllegalStateException(where + " names no kinds");
            }
            if (p.from() == null) {
                throw new IllegalStateException(where + " " + p.kinds() + " has no 'from' date");
            }
            if (p.yen() < 0) {
                throw new IllegalStateException(
                        where + " " + p.kinds() + " has a negative fee: " + p.yen() + " yen");
            }
            if (p.until() != null && p.until().isBefore(p.from())) {
                throw new IllegalStateException(
                        where
                                + " "
                                + p.kinds()
                                + " ends ("
                                + p.until()
                                + ") before it starts ("
                                + p.from()
                                + ")");
            }
            for (String kind : p.kinds()) {
                if (kind == null || !KINDS.contains(kind)) {
                    throw new IllegalStateException(
                            where
                                    + " names an unknown kind: "
                                    + kind
                                    + " (known: "
                                    + KINDS.stream().sorted().toList()
                                    + ")");
                }
                List<FeePeriod> forKind = map.computeIfAbsent(kind, k -> new ArrayList<>());
                for (FeePeriod other : forKind) {
                    if (other.from().equals(p.from())) {
                        throw new IllegalStateException(
                                where
                                        + ": two periods for "
                                        + kind
                                        + " start on "
                                        + p.from()
                                        + " ("
                                        + other.yen()
                                        + " and "
                                        + p.yen()
                                        + " yen); give one of them another 'from'");
                    }
                }
                forKind.add(p);
            }
        }
        map.replaceAll(
                (k, v) -> {
                    v.sort(Comparator.comparing(FeePeriod::from).reversed());
                    return List.copyOf(v);
                });
        this.periods = all;
        this.byKind = Map.copyOf(map);
    }

    /**
     * The fee in yen of {@code kind} on {@code day} (a day in Asia/Tokyo): that of the period
     * naming the kind that covers the day and started last; empty when no period covers it (e.g.
     * before the kiosk service started) or the kind has no fee at all. Whether the municipality
     * offers the kind is not checked here ({@link MunicipalityProfile#offers}).
     */
    public OptionalInt fee(String kind, LocalDate day) {
        if (kind == null || day == null) {
            return OptionalInt.empty();
        }
        for (FeePeriod p : byKind.getOrDefault(kind, List.of())) {
            if (p.covers(day)) {
                return OptionalInt.of(p.yen());
            }
        }
        return OptionalInt.empty();
    }

    /** The periods, as configured. */
    public List<FeePeriod> periods() {
        return periods;
    }
}
