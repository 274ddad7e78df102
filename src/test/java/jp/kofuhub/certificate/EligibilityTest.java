package jp.kofuhub.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Household;
import jp.kofuhub.replica.Person;
import org.junit.jupiter.api.Test;

/** One test per row of the decision table, plus the order of the rows. */
class EligibilityTest {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 25);
    final Eligibility table = new Eligibility();

    static MunicipalityProfile city(boolean excludeGuardianship) {
        return new MunicipalityProfile(
                "012343",
                "北広島市",
                null,
                "北海道",
                "北広島市長",
                "見本",
                "seal.png",
                "K1",
                "P1",
                excludeGuardianship,
                List.of("JUMINHYO"),
                "06-10",
                null,
                null,
                false,
                false,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    static Person adult(String atena) {
        return HouseholdOrderTest.person(atena, "世帯主", LocalDate.of(1980, 1, 1));
    }

    static Person with(
            Person p,
            String status,
            String reason,
            boolean block,
            String support,
            boolean guardian,
            LocalDate birth) {
        return new Person(
                p.atenaNo(),
                p.householdNo(),
                p.residentType(),
                p.familyName(),
                p.givenName(),
                null,
                null,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                birth,
                p.sex(),
                p.relationship(),
                null,
                null,
                null,
                null,
                null,
                null,
                status,
                block,
                support,
                guardian,
                reason,
                null,
                null,
                null,
                null,
                null);
    }

    Optional<RefusalCode> decide(
            Person holder,
            List<Person> others,
            boolean householdBlock,
            String certStatus,
            boolean excludeGuardianship) {
        List<Person> members = new ArrayList<>(others);
        members.add(0, holder);
        CardHolder card =
                new CardHolder(
                        "S",
                        "CARD",
                        certStatus,
                        TODAY.plusYears(1),
                        holder,
                        new Household(
                                "1", holder.atenaNo(), null, "住所", null, householdBlock, false),
                        members,
                        new jp.kofuhub.replica.SealRegistration("1", "NAME", TODAY, new byte[0]));
        return table.decide(card, city(excludeGuardianship), TODAY);
    }

    Optional<RefusalCode> decide(Person holder) {
        return decide(holder, List.of(), false, "VALID", false);
    }

    @Test
    void anOrdinaryAdultMayGetIt() {
        assertThat(decide(adult("a"))).isEmpty();
    }

    @Test
    void eachRuleRefusesWithItsCode() {
        Person a = adult("a");
        LocalDate b = a.birthDate();
        assertThat(decide(a, List.of(), false, "REVOKED", false))
                .contains(RefusalCode.CARD_NOT_VALID);
        assertThat(decide(with(a, "REMOVED", "死亡", false, "NONE", false, b)))
                .contains(RefusalCode.DECEASED);
        assertThat(decide(with(a, "REMOVED", "転出", false, "NONE", false, b)))
                .contains(RefusalCode.MOVED_OUT);
        assertThat(decide(with(a, "REMOVED", "職権消除", false, "NONE", false, b)))
                .contains(RefusalCode.RECORD_REMOVED);
        assertThat(decide(with(a, "MOVE_OUT_PLANNED", "転出届", false, "NONE", false, b)))
                .contains(RefusalCode.MOVE_OUT_FILED);
        assertThat(
                        decide(
                                a,
                                List.of(
                                        with(
                                                adult("b"),
                                                "MOVE_OUT_PLANNED",
                                                "転出届",
                                                false,
                                                "NONE",
                                                false,
                                                b)),
                                false,
                                "VALID",
                                false))
                .contains(RefusalCode.HOUSEHOLD_MOVE_OUT_FILED);
        assertThat(decide(with(a, "RESIDENT", null, false, "PROVISIONAL", false, b)))
                .contains(RefusalCode.SUPPORT_MEASURE);
        assertThat(
                        decide(
                                a,
                                List.of(
                                        with(
                                                adult("b"),
                                                "RESIDENT",
                                                null,
                                                false,
                                                "ACTIVE",
                                                false,
                                                b)),
                                false,
                                "VALID",
                                false))
                .contains(RefusalCode.SUPPORT_MEASURE);
        assertThat(decide(with(a, "RESIDENT", null, true, "NONE", false, b)))
                .contains(RefusalCode.ISSUANCE_BLOCKED);
        assertThat(decide(a, List.of(), true, "VALID", false))
                .contains(RefusalCode.ISSUANCE_BLOCKED);
        assertThat(
                        decide(
                                with(
                                        a,
                                        "RESIDENT",
                                        null,
                                        false,
                                        "NONE",
                                        false,
                                        TODAY.minusYears(15).plusDays(1))))
                .contains(RefusalCode.UNDER_15);
        assertThat(decide(with(a, "RESIDENT", null, false, "NONE", false, TODAY.minusYears(15))))
                .isEmpty();
        assertThat(
                        decide(
                                with(a, "RESIDENT", null, false, "NONE", true, b),
                                List.of(),
                                false,
                                "VALID",
                                true))
                .contains(RefusalCode.ADULT_GUARDIANSHIP);
        assertThat(
                        decide(
                                with(a, "RESIDENT", null, false, "NONE", true, b),
                                List.of(),
                                false,
                                "VALID",
                                false))
                .isEmpty();
    }

    /**
     * §3.8: not on the day of a 転入 procedure (notified or processed today), the holder's or a
     * member's.
     */
    @Test
    void theDayOfAMoveInIsRefused() {
        Person a = adult("a");
        Person movedIn =
                new Person(
                        a.atenaNo(),
                        a.householdNo(),
                        "J",
                        a.familyName(),
                        a.givenName(),
                        null,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        a.birthDate(),
                        "1",
                        "世帯主",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "RESIDENT",
                        false,
                        "NONE",
                        false,
                        "転入",
                        null,
                        null,
                        TODAY,
                        null,
                        null);
        assertThat(decide(movedIn)).contains(RefusalCode.MOVE_IN_TODAY);
        Person processedToday =
                new Person(
                        "b",
                        "1",
                        "J",
                        "見本",
                        "b",
                        null,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        a.birthDate(),
                        "1",
                        "妻",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "RESIDENT",
                        false,
                        "NONE",
                        false,
                        "転入",
                        null,
                        null,
                        TODAY.minusDays(1),
                        TODAY,
                        null);
        assertThat(decide(a, List.of(processedToday), false, "VALID", false))
                .contains(RefusalCode.MOVE_IN_TODAY);
        Person yesterday =
                new Person(
                        "b",
                        "1",
                        "J",
                        "見本",
                        "b",
                        null,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        a.birthDate(),
                        "1",
                        "妻",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "RESIDENT",
                        false,
                        "NONE",
                        false,
                        "転入",
                        null,
                        null,
                        TODAY.minusDays(1),
                        TODAY.minusDays(1),
                        null);
        assertThat(decide(a, List.of(yesterday), false, "VALID", false)).isEmpty();
        // a 転居 today is not a move-in
        Person moved =
                new Person(
                        "b",
                        "1",
                        "J",
                        "見本",
                        "b",
                        null,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        a.birthDate(),
                        "1",
                        "妻",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "RESIDENT",
                        false,
                        "NONE",
                        false,
                        "転居",
                        null,
                        null,
                        TODAY,
                        TODAY,
                        null);
        assertThat(decide(a, List.of(moved), false, "VALID", false)).isEmpty();
        // 印鑑 and tax certificates look at the holder only
        CardHolder memberMovedIn =
                new CardHolder(
                        "S",
                        "CARD",
                        "VALID",
                        TODAY.plusYears(1),
                        a,
                        new Household("1", "a", null, "住所", null, false, false),
                        List.of(a, processedToday),
                        new jp.kofuhub.replica.SealRegistration("1", "NAME", TODAY, new byte[0]));
        assertThat(Eligibility.inkan().decide(memberMovedIn, city(false), TODAY)).isEmpty();
    }

    @Test
    void sealCertificatesNeedAValidRegistration() {
        Person a = adult("a");
        CardHolder withSeal =
                new CardHolder(
                        "S",
                        "CARD",
                        "VALID",
                        TODAY.plusYears(1),
                        a,
                        new Household("1", "a", null, "住所", null, false, false),
                        List.of(a),
                        new jp.kofuhub.replica.SealRegistration("1", "NAME", TODAY, new byte[0]));
        assertThat(Eligibility.inkan().decide(withSeal, city(false), TODAY)).isEmpty();
        assertThat(Eligibility.inkan().decide(withSeal.withSeal(null), city(false), TODAY))
                .contains(RefusalCode.NO_VALID_SEAL);
        Person guardian = with(a, "RESIDENT", null, false, "NONE", true, a.birthDate());
        CardHolder g =
                new CardHolder(
                        "S",
                        "CARD",
                        "VALID",
                        TODAY.plusYears(1),
                        guardian,
                        new Household("1", "a", null, "住所", null, false, false),
                        List.of(guardian),
                        withSeal.seal());
        assertThat(Eligibility.inkan().decide(g, city(false), TODAY))
                .contains(RefusalCode.ADULT_GUARDIANSHIP);
    }

    @Test
    void householdLevelBlocksRefuseTheHouseholdCertificate() {
        Person a = adult("a");
        CardHolder support =
                new CardHolder(
                        "S",
                        "CARD",
                        "VALID",
                        TODAY.plusYears(1),
                        a,
                        new Household("1", "a", null, "住所", null, false, true),
                        List.of(a),
                        null);
        assertThat(table.decide(support, city(false), TODAY)).contains(RefusalCode.SUPPORT_MEASURE);
    }

    @Test
    void aRemovedMembersOldBlockDoesNotStopTheHousehold() {
        Person a = adult("a");
        Person gone = with(adult("b"), "REMOVED", "死亡", true, "ACTIVE", false, a.birthDate());
        assertThat(decide(a, List.of(gone), false, "VALID", false)).isEmpty();
    }
}
