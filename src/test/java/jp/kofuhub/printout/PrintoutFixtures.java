package jp.kofuhub.printout;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import net.sf.saxon.TransformerFactoryImpl;

/**
 * Data documents of every kind with the printout code on, made from the golden fixtures
 * (src/test/resources/golden): the 住民票 of a 5-person and of a 7-person household, the 記載事項証明書 of
 * the 7, the 印鑑登録証明書 and the three tax kinds.
 */
final class PrintoutFixtures {

    static final LocalDate DAY = LocalDate.of(2026, 11, 25);
    static final String CITY = "012343";
    static final String NUMBER = "20261125-012343-K1-P1-000001";

    private PrintoutFixtures() {}

    /** A kind's case: its name, data document and XSLT shell. */
    record Case(String name, String xml, String template) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> all() throws Exception {
        String household = golden("juminhyo-household");
        String seven = sevenMembers(household);
        String tax = golden("shotoku-kazei");
        return List.of(
                new Case("juminhyo-5", household, "juminhyo"),
                new Case("juminhyo-7", seven, "juminhyo"),
                new Case(
                        "kisai-7",
                        seven.replace("kind=\"JUMINHYO\"", "kind=\"JUMINHYO_KISAI\""),
                        "kisai"),
                new Case("inkan", golden("inkan-kyu-uji"), "inkan"),
                new Case("shotoku-kazei", tax, "tax"),
                new Case(
                        "shotoku",
                        tax.replace("kind=\"SHOTOKU_KAZEI\"", "kind=\"SHOTOKU\"")
                                .replace("所得・課税証明書", "所得証明書")
                                .replaceAll("(?s)<levy .*</levy>", ""),
                        "tax"),
                new Case(
                        "kazei",
                        tax.replace("kind=\"SHOTOKU_KAZEI\"", "kind=\"KAZEI\"")
                                .replace("所得・課税証明書", "課税証明書")
                                .replaceAll("(?s)<income>.*</income>", ""),
                        "tax"));
    }

    /** The fixture with the code on (bottom-left) and the real seal image. */
    static String golden(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/golden", name + ".xml"))
                .replace(
                        "file:///seals/012343.png",
                        Path.of("config/municipalities/seals/012343.png")
                                .toAbsolutePath()
                                .toUri()
                                .toString())
                .replaceFirst("<certificate ", "<certificate printout-code=\"bottom-left\" ");
    }

    static String sevenMembers(String household) {
        String extra =
                """
                <member position="6" type="J">
                  <name>見本　三郎</name><kana>ミホン　サブロウ</kana>
                  <birth>平成28年8月8日</birth><sex>男</sex><relationship>子</relationship>
                  <became-resident>平成28年8月8日</became-resident>
                </member>
                <member position="7" type="J">
                  <name>見本　桜</name><kana>ミホン　サクラ</kana>
                  <birth>令和2年3月20日</birth><sex>女</sex><relationship>子</relationship>
                  <became-resident>令和2年3月20日</became-resident>
                </member>
                """;
        return household
                .replace("members=\"5\"", "members=\"7\"")
                .replace("  </members>", extra + "  </members>");
    }

    static String fo(String xml, String template) throws Exception {
        StringWriter out = new StringWriter();
        javax.xml.transform.Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", template + ".xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", NUMBER);
        t.transform(new StreamSource(new StringReader(xml)), new StreamResult(out));
        return out.toString();
    }

    /** A key valid from a year before {@link #DAY} for three years. */
    static PrintoutKey key(Path dir) {
        Instant from =
                DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().minus(365, ChronoUnit.DAYS);
        return PrintoutKeyStore.add(
                dir, CITY, "pw".toCharArray(), from, from.plus(3 * 365, ChronoUnit.DAYS));
    }
}
