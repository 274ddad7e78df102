package jp.kofuhub.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import jp.kofuhub.replica.Person;
import org.junit.jupiter.api.Test;

class HouseholdOrderTest {

    static Person person(String atena, String relationship, LocalDate birth) {
        return new Person(
                atena,
                "1",
                "J",
                "見本",
                atena,
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
                "1",
                relationship,
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
                null,
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void headSpouseChildrenByBirthThenTheirFamiliesParentsAndOthers() {
        List<Person> shuffled =
                List.of(
                        person("lodger", "同居人", LocalDate.of(1990, 1, 1)),
                        person("mother", "母", LocalDate.of(1950, 1, 1)),
                        person("younger", "子", LocalDate.of(2012, 1, 1)),
                        person("grandchild", "孫", LocalDate.of(2020, 1, 1)),
                        person("elder", "子", LocalDate.of(2005, 1, 1)),
                        person("head", "世帯主", LocalDate.of(1975, 1, 1)),
                        person("wife", "妻", LocalDate.of(1977, 1, 1)),
                        person("daughterInLaw", "子の妻", LocalDate.of(2004, 1, 1)),
                        person("kin", "縁故者", LocalDate.of(1960, 1, 1)),
                        person("brother", "弟", LocalDate.of(1980, 1, 1)));
        assertThat(HouseholdOrder.sort(shuffled))
                .extracting(Person::atenaNo)
                .containsExactly(
                        "head",
                        "wife",
                        "elder",
                        "younger",
                        "daughterInLaw",
                        "grandchild",
                        "mother",
                        "brother",
                        "kin",
                        "lodger");
    }

    @Test
    void tiesFallBackToAtenaNumber() {
        LocalDate twins = LocalDate.of(2010, 5, 5);
        assertThat(
                        HouseholdOrder.sort(
                                List.of(
                                        person("000000000000029", "子", twins),
                                        person("000000000000010", "子", twins))))
                .extracting(Person::atenaNo)
                .containsExactly("000000000000010", "000000000000029");
    }
}
