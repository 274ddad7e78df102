package jp.kofuhub.koseki.sim;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The family relations of one 戸籍 of the simulator's book, for the 身分事項 of its certificates: who is
 * the 筆頭者, the spouse (配偶者区分 夫/妻) and the children (長男, 二女, …), their parents, and the synthetic
 * dates of 婚姻 and 編製. The book holds only names, birth dates and sexes, so what it does not hold is
 * made up here, deterministically (the same 戸籍 gives the same certificate): the spouse is the
 * member of the other sex within 15 years of the 筆頭者, the children those born 16 or more years
 * after the 筆頭者; the 筆頭者's and the spouse's own parents get names from fixed lists. Synthetic data
 * for a simulator, never a real 戸籍.
 */
final class KosekiFamily {

    private static final String[] FATHERS = {"太郎", "正男", "茂", "博", "清", "勝", "実"};
    private static final String[] MOTHERS = {"春子", "和子", "幸子", "節子", "洋子", "静子", "光子"};
    private static final String[] MAIDEN = {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本"};
    private static final String[] ORDER = {"長", "二", "三", "四", "五", "六", "七", "八", "九"};

    private final KosekiBook.Koseki koseki;
    private final String cityPrefix;
    private final LocalDate today;
    private final KosekiBook.Member head;
    private final KosekiBook.Member spouse;
    private final List<KosekiBook.Member> children = new ArrayList<>();

    KosekiFamily(KosekiBook.Koseki koseki, String cityPrefix, LocalDate today) {
        this.koseki = koseki;
        this.cityPrefix = cityPrefix;
        this.today = today;
        this.head =
                koseki.members().stream()
                        .filter(m -> m.name().equals(koseki.hittosha()))
                        .findFirst()
                        .orElse(null);
        KosekiBook.Member found = null;
        if (head != null) {
            for (KosekiBook.Member m : koseki.members()) {
                if (m != head
                        && !m.sex().equals(head.sex())
                        && Math.abs(m.birthDate().getYear() - head.birthDate().getYear()) <= 15) {
                    found = m;
                    break;
                }
            }
            for (KosekiBook.Member m : koseki.members()) {
                if (m != head
                        && m != found
                        && !m.birthDate().isBefore(head.birthDate().plusYears(16))) {
                    children.add(m);
                }
            }
        }
        this.spouse = found;
    }

    /** 夫 or 妻 for the 筆頭者 and the spouse; null for the others. */
    String spouseLabel(KosekiBook.Member m) {
        if (spouse == null || (m != head && m != spouse)) {
            return null;
        }
        return "1".equals(m.sex()) ? "夫" : "妻";
    }

    /** The other of the couple. */
    KosekiBook.Member partnerOf(KosekiBook.Member m) {
        return m == head ? spouse : head;
    }

    /** The one who entered the 戸籍 by marriage: the spouse (the 筆頭者's name was kept). */
    boolean joinedByMarriage(KosekiBook.Member m) {
        return m == spouse;
    }

    /** The 戸籍 the spouse came from: her or his parents' (synthetic), in the same city. */
    String formerKoseki(KosekiBook.Member m) {
        return cityPrefix + "旭町" + (1 + index(m.name(), 9)) + "番地\u3000" + ownFather(m);
    }

    String father(KosekiBook.Member m) {
        if (children.contains(m) && spouse != null) {
            return "1".equals(head.sex()) ? head.name() : spouse.name();
        }
        if (children.contains(m)) {
            return "1".equals(head.sex())
                    ? head.name()
                    : family(head) + "\u3000" + pick(FATHERS, m);
        }
        return ownFather(m);
    }

    String mother(KosekiBook.Member m) {
        if (children.contains(m) && spouse != null) {
            return "2".equals(head.sex()) ? head.name() : spouse.name();
        }
        if (children.contains(m)) {
            return "2".equals(head.sex())
                    ? head.name()
                    : family(head) + "\u3000" + pick(MOTHERS, m);
        }
        return (m == spouse ? pick(MAIDEN, m) : family(m)) + "\u3000" + pick(MOTHERS, m);
    }

    private String ownFather(KosekiBook.Member m) {
        return (m == spouse ? pick(MAIDEN, m) : family(m)) + "\u3000" + pick(FATHERS, m);
    }

    /** 長男, 二女, …: by birth order among the children of the same sex; 長男/長女 for the others. */
    String relation(KosekiBook.Member m) {
        String sex = "1".equals(m.sex()) ? "男" : "女";
        if (!children.contains(m)) {
            return "長" + sex;
        }
        int n = 0;
        for (KosekiBook.Member c : children) {
            if (c == m) {
                break;
            }
            if (c.sex().equals(m.sex())) {
                n++;
            }
        }
        return ORDER[Math.min(n, ORDER.length - 1)] + sex;
    }

    /** The day of the marriage (synthetic): before the first child, in the couple's twenties. */
    LocalDate married() {
        LocalDate younger =
                head.birthDate().isAfter(spouse.birthDate())
                        ? head.birthDate()
                        : spouse.birthDate();
        LocalDate day = younger.plusYears(24).plusDays(index(koseki.honseki(), 300));
        Optional<LocalDate> firstChild =
                children.stream().map(KosekiBook.Member::birthDate).min(LocalDate::compareTo);
        if (firstChild.isPresent() && !day.isBefore(firstChild.get())) {
            day = firstChild.get().minusYears(1);
        }
        LocalDate adult = younger.plusYears(18);
        if (day.isBefore(adult)) {
            day = adult;
        }
        return day.isAfter(today) ? today : day;
    }

    /** 編製日: the marriage that made the 戸籍, else the 筆頭者's twentieth birthday (分籍). */
    LocalDate compiled() {
        if (spouse != null) {
            return married();
        }
        LocalDate day =
                head != null
                        ? head.birthDate().plusYears(20)
                        : koseki.members().get(0).birthDate().plusYears(20);
        return day.isAfter(today) ? today : day;
    }

    /** 出生地: the city. */
    String birthPlace() {
        return cityPrefix;
    }

    /** 届出日 of a birth: a week later. */
    LocalDate notified(LocalDate birth) {
        LocalDate day = birth.plusDays(7);
        return day.isAfter(today) ? today : day;
    }

    private static String family(KosekiBook.Member m) {
        int space = m.name().indexOf('\u3000');
        return space > 0 ? m.name().substring(0, space) : m.name();
    }

    private static String pick(String[] list, KosekiBook.Member m) {
        return list[index(m.name() + m.birthDate(), list.length)];
    }

    private static int index(String s, int n) {
        return Math.floorMod(s.hashCode(), n);
    }
}
