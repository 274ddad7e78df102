package jp.kofuhub.municipality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a municipality's kiosk service is open, per certificate kind, built from the {@code
 * calendar:} block of its profile (see {@link Config}). All days and hours are those of Asia/Tokyo
 * ({@link #ZONE}).
 *
 * <p>The service for a kind is open at an instant when all of these hold:
 *
 * <ol>
 *   <li>its day is not in a {@code closed} range (default 12-29..01-03, the year-end closure;
 *       applies to every kind);
 *   <li>for a weekday-only kind (default: the 戸籍 kinds KOSEKI_ZENBU, KOSEKI_KOJIN, KOSEKI_FUHYO),
 *       its day is Monday to Friday and not one of the {@code holidays} listed;
 *   <li>its time of day is within the kind's hours (default 06:30–23:00; 戸籍 09:00–17:00), the
 *       opening time inclusive, the closing time exclusive (23:00 sharp is closed);
 *   <li>it is not within an announced {@code maintenance} window ({@code from} inclusive, {@code
 *       until} exclusive; applies to every kind).
 * </ol>
 *
 * Hours are {@code HH:mm-HH:mm} with {@code 24:00} allowed as the closing time ({@code
 * 00:00-24:00}: round the clock); a window past midnight is not supported. The calendar is checked
 * when it is built; a malformed entry throws an {@link IllegalStateException} naming the owner (the
 * profile). Instances are immutable and thread-safe.
 */
public final class ServiceCalendar {

    /** The time zone of every day and hour of the calendar. */
    public static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

    /**
     * How many days {@link #closedUntil} looks ahead for the next opening (maintenance skips
     * aside).
     */
    public static final int LOOK_AHEAD_DAYS = 366;

    public static final String DEFAULT_HOURS = "06:30-23:00";
    public static final List<String> DEFAULT_CLOSED = List.of("12-29..01-03");

    /**
     * Hours of the 戸籍 kinds when the profile does not say: weekdays only, except listed holidays.
     */
    public static final String DEFAULT_KOSEKI_HOURS = "09:00-17:00";

    /**
     * The kinds that are weekday-only, {@link #DEFAULT_KOSEKI_HOURS}, unless the profile says
     * otherwise.
     */
    public static final Set<String> KOSEKI_KINDS =
            Set.of("KOSEKI_ZENBU", "KOSEKI_KOJIN", "KOSEKI_FUHYO");

    /**
     * The {@code calendar:} block of a profile; every part may be absent (null), which means its
     * default.
     *
     * @param hours the usual opening hours, every day, {@code HH:mm-HH:mm} (default {@code
     *     06:30-23:00})
     * @param closed days closed for every kind, as {@code MM-dd..MM-dd} ranges, both ends
     *     inclusive, a range may wrap the year end (default {@code [12-29..01-03]}; {@code []}:
     *     never)
     * @param holidays national holidays (and other days) the municipality lists; weekday-only kinds
     *     are closed on them (default none)
     * @param maintenance announced maintenance windows, closed for every kind (default none)
     * @param kinds per-kind overrides, keyed by kind code; a 戸籍 kind not listed stays weekday-only
     *     09:00–17:00, any other kind not listed follows {@code hours} every day
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Config(
            String hours,
            List<String> closed,
            List<LocalDate> holidays,
            List<Maintenance> maintenance,
            Map<String, KindHours> kinds) {

        public Config {
            closed = copy(closed);
            holidays = copy(holidays);
            maintenance = copy(maintenance);
            kinds = kinds == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
        }

        /** Everything at its default. */
        public static Config defaults() {
            return new Config(null, null, null, null, null);
        }

        private static <T> List<T> copy(List<T> list) {
            return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
        }
    }

    /**
     * An announced maintenance window: closed from {@code from} (inclusive) to {@code until}
     * (exclusive), ISO offset date-times such as {@code 2026-12-06T00:00+09:00}.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Maintenance(OffsetDateTime from, OffsetDateTime until) {}

    /**
     * A per-kind override. A part left out takes the kind's default: for a 戸籍 kind {@code
     * 09:00-17:00} and weekdays only, for any other kind the calendar's {@code hours} every day.
     *
     * @param hours {@code HH:mm-HH:mm}
     * @param weekdaysOnly true: Monday to Friday only, and not on the listed {@code holidays}
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record KindHours(String hours, Boolean weekdaysOnly) {}

    /**
     * Opening hours of one kind, in minutes of the day; {@code close} is exclusive and at most
     * 1440.
     */
    private record Rule(int open, int close, boolean weekdaysOnly) {}

    /**
     * A closed range of days, both ends inclusive; wraps the year end when {@code from} is after
     * {@code to}.
     */
    private record DayRange(MonthDay from, MonthDay to) {
        boolean contains(LocalDate day) {
            MonthDay md = MonthDay.from(day);
            return from.isAfter(to)
                    ? !md.isBefore(from) || !md.isAfter(to)
                    : !md.isBefore(from) && !md.isAfter(to);
        }
    }

    private record Window(ZonedDateTime from, ZonedDateTime until) {}

    private static final Pattern HOURS = Pattern.compile("(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final Pattern RANGE = Pattern.compile("(\\d{2}-\\d{2})\\.\\.(\\d{2}-\\d{2})");

    private final Config config;
    private final Rule general;
    private final Map<String, Rule> byKind;
    private final List<DayRange> closed;
    private final Set<LocalDate> holidays;

    /** Sorted by start. */
    private final List<Window> maintenance;

    /**
     * The calendar of {@code config} (null: all defaults); validation errors name it only as
     * "calendar".
     */
    public ServiceCalendar(Config config) {
        this("calendar", config);
    }

    /**
     * The calendar of {@code config} (null: all defaults), checked.
     *
     * @param owner what the calendar belongs to (e.g. {@code municipality 011002 札幌市}), for the
     *     messages of validation errors
     * @throws IllegalStateException when an entry is malformed, naming {@code owner} and the entry
     */
    public ServiceCalendar(String owner, Config config) {
        Config c = config == null ? Config.defaults() : config;
        this.config = c;
        String where = owner + ": calendar";
        this.general = rule(where + ".hours", c.hours() == null ? DEFAULT_HOURS : c.hours(), false);

        List<DayRange> ranges = new ArrayList<>();
        for (String r : c.closed() == null ? DEFAULT_CLOSED : c.closed()) {
            ranges.add(range(where + ".closed", r));
        }
        this.closed = List.copyOf(ranges);

        Set<LocalDate> days = new HashSet<>();
        for (LocalDate d : c.holidays() == null ? List.<LocalDate>of() : c.holidays()) {
            if (d == null) {
                throw new IllegalStateException(where + ".holidays has an empty entry");
            }
            days.add(d);
        }
        this.holidays = Set.copyOf(days);

        List<Window> windows = new ArrayList<>();
        for (Maintenance m : c.maintenance() == null ? List.<Maintenance>of() : c.maintenance()) {
            if (m == null || m.from() == null || m.until() == null) {
                throw new IllegalStateException(
                        where + ".maintenance needs 'from' and 'until' in every window: " + m);
            }
            if (!m.until().isAfter(m.from())) {
                throw new IllegalStateException(
                        where
                                + ".maintenance window ends ("
                                + m.until()
                                + ") before it starts ("
                                + m.from()
                                + ")");
            }
            windows.add(
                    new Window(
                            m.from().atZoneSameInstant(ZONE), m.until().atZoneSameInstant(ZONE)));
        }
        windows.sort(Comparator.comparing(Window::from));
        this.maintenance = List.copyOf(windows);

        Map<String, Rule> rules = new HashMap<>();
        for (String kind : KOSEKI_KINDS) {
            rules.put(kind, rule(where + ".kinds." + kind, DEFAULT_KOSEKI_HOURS, true));
        }
        if (c.kinds() != null) {
            for (Map.Entry<String, KindHours> e : c.kinds().entrySet()) {
                String kind = e.getKey();
                if (!FeeSchedule.KINDS.contains(kind)) {
                    throw new IllegalStateException(
                            where + ".kinds names an unknown kind: " + kind);
                }
                KindHours k = e.getValue() == null ? new KindHours(null, null) : e.getValue();
                boolean koseki = KOSEKI_KINDS.contains(kind);
                String hours =
                        k.hours() != null
                                ? k.hours()
                                : koseki
                                        ? DEFAULT_KOSEKI_HOURS
                                        : c.hours() == null ? DEFAULT_HOURS : c.hours();
                boolean weekdaysOnly = k.weekdaysOnly() != null ? k.weekdaysOnly() : koseki;
                rules.put(kind, rule(where + ".kinds." + kind, hours, weekdaysOnly));
            }
        }
        this.byKind = Map.copyOf(rules);

        boolean everyDayClosed = true;
        for (LocalDate d = LocalDate.of(2024, 1, 1);
                d.getYear() == 2024 && everyDayClosed;
                d = d.plusDays(1)) {
            everyDayClosed = isClosedDay(d);
        }
        if (everyDayClosed) {
            throw new IllegalStateException(where + ".closed covers every day of the year");
        }
    }

    /** The configuration this calendar was built from (defaults not filled in). */
    public Config config() {
        return config;
    }

    /**
     * Whether the service for {@code kind} is closed at {@code now}, and until when.
     *
     * @param kind a certificate kind code; an unknown kind follows the calendar's general hours
     * @param now any instant (any zone; read in Asia/Tokyo)
     * @return empty when the service for {@code kind} is open at {@code now}; otherwise the next
     *     instant it opens, in Asia/Tokyo (e.g. 06:29 → 06:30 the same day; 23:00 → 06:30 the next
     *     day; a maintenance window that ends within the hours → the window's end). If no opening
     *     is found within {@link #LOOK_AHEAD_DAYS} days (maintenance windows skipped over do not
     *     count), the start of the day after that horizon: closed at least until then.
     */
    public Optional<ZonedDateTime> closedUntil(String kind, ZonedDateTime now) {
        ZonedDateTime start = now.withZoneSameInstant(ZONE);
        ZonedDateTime t = start;
        Rule rule = byKind.getOrDefault(kind, general);
        LocalDate day = t.toLocalDate();
        int examined = 0;
        while (examined <= LOOK_AHEAD_DAYS) {
            if (isOpenDay(day, rule)) {
                ZonedDateTime open = at(day, rule.open());
                ZonedDateTime close = at(day, rule.close());
                ZonedDateTime candidate = t.isAfter(open) ? t : open;
                ZonedDateTime pushed = afterMaintenance(candidate);
                if (pushed.isBefore(close)) {
                    return pushed.isEqual(start) ? Optional.empty() : Optional.of(pushed);
                }
                if (pushed.toLocalDate().isAfter(day)) {
                    // a maintenance window runs past today: resume on the day it ends, without
                    // using up the look-ahead
                    t = pushed;
                    day = pushed.toLocalDate();
                    continue;
                }
            }
            day = day.plusDays(1);
            examined++;
        }
        return Optional.of(day.atStartOfDay(ZONE));
    }

    /**
     * Like {@link #closedUntil}, but only the announced maintenance windows count: for test hubs,
     * whose tests must pass at any hour and on any day ({@code kofu.calendar.ignore-hours}).
     */
    public Optional<ZonedDateTime> maintenanceUntil(ZonedDateTime now) {
        ZonedDateTime start = now.withZoneSameInstant(ZONE);
        ZonedDateTime pushed = afterMaintenance(start);
        return pushed.isEqual(start) ? Optional.empty() : Optional.of(pushed);
    }

    /**
     * Whether the service for {@code kind} is open at {@code now}: {@link #closedUntil} is empty.
     */
    public boolean isOpen(String kind, ZonedDateTime now) {
        return closedUntil(kind, now).isEmpty();
    }

    private boolean isOpenDay(LocalDate day, Rule rule) {
        if (isClosedDay(day)) {
            return false;
        }
        if (rule.weekdaysOnly()) {
            DayOfWeek dow = day.getDayOfWeek();
            return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY && !holidays.contains(day);
        }
        return true;
    }

    private boolean isClosedDay(LocalDate day) {
        for (DayRange r : closed) {
            if (r.contains(day)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code t}, or the end of the maintenance window(s) it falls in (chained windows followed).
     */
    private ZonedDateTime afterMaintenance(ZonedDateTime t) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Window w : maintenance) {
                if (!t.isBefore(w.from()) && t.isBefore(w.until())) {
                    t = w.until();
                    moved = true;
                }
            }
        }
        return t;
    }

    private static ZonedDateTime at(LocalDate day, int minuteOfDay) {
        return day.atStartOfDay(ZONE).plusMinutes(minuteOfDay);
    }

    private static Rule rule(String where, String hours, boolean weekdaysOnly) {
        Matcher m = hours == null ? null : HOURS.matcher(hours.strip());
        if (m == null || !m.matches()) {
            throw new IllegalStateException(
                    where + " must be HH:mm-HH:mm (e.g. " + DEFAULT_HOURS + "), not: " + hours);
        }
        int open = minutes(where, hours, m.group(1), m.group(2), false);
        int close = minutes(where, hours, m.group(3), m.group(4), true);
        if (open >= close) {
            throw new IllegalStateException(
                    where + " closes before it opens (past midnight is not supported): " + hours);
        }
        return new Rule(open, close, weekdaysOnly);
    }

    private static int minutes(String where, String hours, String hh, String mm, boolean closing) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        boolean valid = m < 60 && (h < 24 || closing && h == 24 && m == 0);
        if (!valid) {
            throw new IllegalStateException(
                    where + " has an invalid time (00:00 to 24:00): " + hours);
        }
        return h * 60 + m;
    }

    private static DayRange range(String where, String text) {
        Matcher m = text == null ? null : RANGE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalStateException(
                    where + " entries must be MM-dd..MM-dd (e.g. 12-29..01-03), not: " + text);
        }
        try {
            return new DayRange(
                    MonthDay.parse("--" + m.group(1)), MonthDay.parse("--" + m.group(2)));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(where + " has an invalid day: " + text, e);
        }
    }

    /** For messages: the hours of {@code kind} as configured, e.g. {@code 09:00-17:00 weekdays}. */
    public String describe(String kind) {
        Rule r = byKind.getOrDefault(kind, general);
        return String.format(
                "%02d:%02d-%02d:%02d%s",
                r.open() / 60,
                r.open() % 60,
                r.close() / 60,
                r.close() % 60,
                r.weekdaysOnly() ? " weekdays" : " daily");
    }
}
