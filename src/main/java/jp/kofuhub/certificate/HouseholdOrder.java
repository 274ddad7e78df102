package jp.kofuhub.certificate;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import jp.kofuhub.replica.Person;

/**
 * The standard order of a household's members on a 住民票 (住民記録システム標準仕様書 §5.2): the head; the spouse;
 * the head's children by birth date; their families; parents, siblings and grandparents; other
 * relatives; 縁故者 and lodgers. Ties are broken by birth date, then 宛名番号.
 */
public final class HouseholdOrder {

    private static final Map<String, Integer> RANK =
            Map.ofEntries(
                    Map.entry("世帯主", 0),
                    Map.entry("妻", 1),
                    Map.entry("夫", 1),
                    Map.entry("妻（未届）", 1),
                    Map.entry("夫（未届）", 1),
                    Map.entry("子", 2),
                    Map.entry("長男", 2),
                    Map.entry("長女", 2),
                    Map.entry("二男", 2),
                    Map.entry("二女", 2),
                    Map.entry("三男", 2),
                    Map.entry("三女", 2),
                    Map.entry("養子", 2),
                    Map.entry("妻の子", 2),
                    Map.entry("夫の子", 2),
                    Map.entry("子の妻", 3),
                    Map.entry("子の夫", 3),
                    Map.entry("孫", 3),
                    Map.entry("曾孫", 3),
                    Map.entry("父", 4),
                    Map.entry("母", 4),
                    Map.entry("兄", 5),
                    Map.entry("姉", 5),
                    Map.entry("弟", 5),
                    Map.entry("妹", 5),
                    Map.entry("祖父", 6),
                    Map.entry("祖母", 6),
                    Map.entry("妻の父", 7),
                    Map.entry("妻の母", 7),
                    Map.entry("夫の父", 7),
                    Map.entry("夫の母", 7),
                    Map.entry("おじ", 7),
                    Map.entry("おば", 7),
                    Map.entry("おい", 7),
                    Map.entry("めい", 7),
                    Map.entry("縁故者", 8),
                    Map.entry("同居人", 9));
    private static final int OTHER_RELATIVE = 7;

    public static final Comparator<Person> STANDARD =
            Comparator.comparingInt((Person p) -> rank(p.relationship()))
                    .thenComparing(Person::birthDate)
                    .thenComparing(Person::atenaNo);

    private HouseholdOrder() {}

    static int rank(String relationship) {
        return RANK.getOrDefault(relationship, OTHER_RELATIVE);
    }

    public static List<Person> sort(List<Person> members) {
        return members.stream().sorted(STANDARD).toList();
    }
}
