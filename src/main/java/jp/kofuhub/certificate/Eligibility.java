package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;

/**
 * The refusal rules of DOMAIN.md §3 as one ordered decision table: the first rule that matches
 * gives the refusal code. Routes never decide eligibility themselves.
 */
public class Eligibility {

    /** One row of the table. */
    public record Rule(RefusalCode code, BiPredicate<Context, Person> refuses) {}

    /** What a rule may look at: the request's card and household, the municipality, the day. */
    public record Context(CardHolder card, MunicipalityProfile municipality, LocalDate today) {}

    /** Rows about the card and the holder's own record, first in every table. */
    private static final List<Rule> HOLDER =
            List.of(
                    new Rule(
                            RefusalCode.CARD_NOT_VALID,
                            (c, p) ->
                                    !"VALID".equals(c.card().certStatus())
                                            || (c.card().certValidUntil() != null
                                                    && c.card()
                                                            .certValidUntil()
                                                            .isBefore(c.today()))),
                    new Rule(
                            RefusalCode.DECEASED,
                            (c, p) -> p.removed() && "死亡".equals(p.changeReason())),
                    new Rule(
                            RefusalCode.MOVED_OUT,
                            (c, p) -> p.removed() && "転出".equals(p.changeReason())),
                    new Rule(RefusalCode.RECORD_REMOVED, (c, p) -> p.removed()),
                    new Rule(RefusalCode.MOVE_OUT_FILED, (c, p) -> p.moveOutPlanned()),
                    new Rule(RefusalCode.MOVE_IN_TODAY, (c, p) -> p.movedInOn(c.today())));

    /** The 住民票 (whole household) table, in order. */
    static final List<Rule> JUMINHYO_HOUSEHOLD =
            concat(
                    HOLDER,
                    List.of(
                            new Rule(
                                    RefusalCode.HOUSEHOLD_MOVE_OUT_FILED,
                                    (c, p) ->
                                            c.card().members().stream()
                                                    .anyMatch(Person::moveOutPlanned)),
                            new Rule(
                                    RefusalCode.SUPPORT_MEASURE,
                                    (c, p) ->
                                            c.card().household().householdSupport()
                                                    || c.card().members().stream()
                                                            .filter(m -> !m.removed())
                                                            .anyMatch(Person::underSupportMeasure)),
                            new Rule(
                                    RefusalCode.ISSUANCE_BLOCKED,
                                    (c, p) ->
                                            c.card().household().householdBlock()
                                                    || c.card().members().stream()
                                                            .filter(m -> !m.removed())
                                                            .anyMatch(Person::personBlock)),
                            new Rule(
                                    RefusalCode.MOVE_IN_TODAY,
                                    (c, p) ->
                                            c.card().members().stream()
                                                    .filter(m -> !m.removed())
                                                    .anyMatch(m -> m.movedInOn(c.today()))),
                            new Rule(
                                    RefusalCode.UNDER_15,
                                    (c, p) ->
                                            Period.between(p.birthDate(), c.today()).getYears()
                                                    < 15),
                            new Rule(
                                    RefusalCode.ADULT_GUARDIANSHIP,
                                    (c, p) ->
                                            p.adultGuardianship()
                                                    && c.municipality()
                                                            .excludeAdultGuardianship())));

    /** The 印鑑登録証明書 table: the holder only, and a valid registration. */
    static final List<Rule> INKAN =
            concat(
                    HOLDER,
                    List.of(
                            new Rule(
                                    RefusalCode.SUPPORT_MEASURE,
                                    (c, p) ->
                                            p.underSupportMeasure()
                                                    || c.card().household().householdSupport()),
                            new Rule(
                                    RefusalCode.ISSUANCE_BLOCKED,
                                    (c, p) ->
                                            p.personBlock()
                                                    || c.card().household().householdBlock()),
                            new Rule(
                                    RefusalCode.UNDER_15,
                                    (c, p) ->
                                            Period.between(p.birthDate(), c.today()).getYears()
                                                    < 15),
                            new Rule(
                                    RefusalCode.ADULT_GUARDIANSHIP,
                                    (c, p) -> p.adultGuardianship()),
                            new Rule(
                                    RefusalCode.NO_VALID_SEAL, (c, p) -> c.card().seal() == null)));

    /** The tax certificates' table: the holder only, resident on 1 January, with tax data. */
    static final List<Rule> TAX =
            concat(
                    HOLDER,
                    List.of(
                            new Rule(
                                    RefusalCode.SUPPORT_MEASURE,
                                    (c, p) ->
                                            p.underSupportMeasure()
                                                    || c.card().household().householdSupport()),
                            new Rule(
                                    RefusalCode.ISSUANCE_BLOCKED,
                                    (c, p) ->
                                            p.personBlock()
                                                    || c.card().household().householdBlock()),
                            new Rule(
                                    RefusalCode.UNDER_15,
                                    (c, p) ->
                                            Period.between(p.birthDate(), c.today()).getYears()
                                                    < 15),
                            new Rule(
                                    RefusalCode.ADULT_GUARDIANSHIP,
                                    (c, p) ->
                                            p.adultGuardianship()
                                                    && c.municipality().excludeAdultGuardianship()),
                            new Rule(RefusalCode.NO_TAX_DATA, (c, p) -> c.card().tax() == null),
                            new Rule(
                                    RefusalCode.NOT_RESIDENT_ON_JAN_1,
                                    (c, p) -> !c.card().tax().residentJan1())));

    /**
     * The 戸籍 kinds' table for a card holder who is a resident: the card, death, protection and
     * blocks (a 附票 shows the address: a 支援措置 must stop it), the day of a move-in (the koseki server
     * does not know the newcomer yet, DOMAIN §3.8), age. Whether the 本籍 is in the city and whether
     * a non-resident is registered are decided by the kind (KosekiKind).
     */
    static final List<Rule> KOSEKI =
            List.of(
                    HOLDER.get(0),
                    HOLDER.get(1),
                    new Rule(RefusalCode.MOVE_IN_TODAY, (c, p) -> p.movedInOn(c.today())),
                    new Rule(
                            RefusalCode.SUPPORT_MEASURE,
                            (c, p) ->
                                    p.underSupportMeasure()
                                            || c.card().household().householdSupport()),
                    new Rule(
                            RefusalCode.ISSUANCE_BLOCKED,
                            (c, p) -> p.personBlock() || c.card().household().householdBlock()),
                    new Rule(
                            RefusalCode.UNDER_15,
                            (c, p) -> Period.between(p.birthDate(), c.today()).getYears() < 15));

    /**
     * The 戸籍 kinds' table for a card holder whose resident record is removed (moved away, died):
     * the card and death. Someone who moved away may still hold an approved 本籍地利用登録; a deceased
     * holder never gets a 戸籍 (issue #18: was KOSEKI_NOT_REGISTERED).
     */
    static final List<Rule> KOSEKI_REMOVED = List.of(HOLDER.get(0), HOLDER.get(1));

    public static Eligibility koseki() {
        return new Eligibility(KOSEKI);
    }

    /** The table of {@link #KOSEKI_REMOVED}. */
    public static Eligibility kosekiRemoved() {
        return new Eligibility(KOSEKI_REMOVED);
    }

    private final List<Rule> table;

    /** The table for 住民票 (the default). */
    public Eligibility() {
        this(JUMINHYO_HOUSEHOLD);
    }

    public Eligibility(List<Rule> table) {
        this.table = table;
    }

    public static Eligibility inkan() {
        return new Eligibility(INKAN);
    }

    public static Eligibility tax() {
        return new Eligibility(TAX);
    }

    private static List<Rule> concat(List<Rule> a, List<Rule> b) {
        List<Rule> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * The first refusal that applies to the card holder, or empty when the certificate may be
     * issued.
     */
    public Optional<RefusalCode> decide(
            CardHolder card, MunicipalityProfile municipality, LocalDate today) {
        Context ctx = new Context(card, municipality, today);
        return table.stream()
                .filter(r -> r.refuses().test(ctx, card.holder()))
                .map(Rule::code)
                .findFirst();
    }
}
