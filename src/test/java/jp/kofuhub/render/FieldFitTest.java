package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.certificate.InkanDocument;
import jp.kofuhub.certificate.TaxDocument;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Household;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.SealRegistration;
import jp.kofuhub.replica.TaxRecord;
import jp.kofuhub.support.Pdfs;
import net.sf.saxon.TransformerFactoryImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FIELD_OVERFLOW (STD §5.8): values are measured with the chain's fonts against the boxes of
 * settings.xsl, shrunk in 0.5pt steps down to shrink-min-scale, or refused naming the field; and
 * what we predict is what FOP then prints.
 */
class FieldFitTest {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 25);
    static final String ADDRESS = "北海道北広島市中央６丁目２番地１";

    static FontChain fonts;
    static PdfRenderer renderer;
    static byte[] sealPng;
    static String sealUri;

    @BeforeAll
    static void setUp() throws Exception {
        fonts =
                FontChain.load(
                        Path.of("config/fop.xconf"),
                        Path.of("."),
                        List.of("IPAexMincho"),
                        Path.of("xslt-templates/settings.xsl"));
        renderer = new PdfRenderer(fonts, Path.of("."));
        Path seal = Path.of("config/municipalities/seals/012343.png");
        sealPng = Files.readAllBytes(seal);
        sealUri = seal.toAbsolutePath().toUri().toString();
    }

    // ---- the boxes of settings.xsl ----

    @Test
    void boxesAreReadFromSettingsXsl() {
        FieldBoxes boxes = FieldBoxes.load(Path.of("xslt-templates/settings.xsl"));
        assertThat(boxes.shrinkMinScale()).isEqualTo(0.7);
        assertThat(boxes.box("inkan.name"))
                .isEqualTo(new FieldBoxes.Box("inkan.name", 112.6, 1, 10));
        assertThat(boxes.box("inkan.address").lines()).isEqualTo(2);
        assertThat(boxes.boxes())
                .containsKeys(
                        "member.name",
                        "inkan.name",
                        "inkan.address",
                        "tax.name",
                        "tax.address",
                        "tax.address-jan1");
        // 12pt down to 8.4pt: 8.5 is the last 0.5pt step
        assertThat(boxes.sizes(new FieldBoxes.Box("x", 67, 1, 12)))
                .containsExactly(12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5);
        assertThat(boxes.sizes(boxes.box("inkan.name"))).startsWith(10, 9.5).endsWith(7.5, 7);
        assertThatThrownBy(() -> boxes.box("no.such.box"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableSettingsFileFailsClearly() {
        assertThatThrownBy(() -> FieldBoxes.load(Path.of("xslt-templates/no-such-settings.xsl")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-settings.xsl");
    }

    @Test
    void aChainWithoutBoxesReadsTheDefaultSettings() {
        FontChain plain =
                FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho"));
        assertThat(plain.fit("inkan.name", "見本　花子").fits()).isTrue();
        assertThat(plain.boxes().source()).isEqualTo(FontChain.DEFAULT_SETTINGS);
    }

    // ---- measuring ----

    @Test
    void widthsAreTheFontsAdvances() {
        // IPAex Mincho: kanji and kana one em, Latin proportional
        assertThat(fonts.textWidthPt("見本　花子", 10))
                .isCloseTo(50, org.assertj.core.data.Offset.offset(0.01));
        assertThat(fonts.textWidthPt("iiii", 10)).isLessThan(fonts.textWidthPt("MMMM", 10));
    }

    // ---- one-line boxes, through the real document, template and FOP ----

    @Test
    void aShortValueKeepsItsNominalSize() throws Exception {
        FieldBoxes.Fit fit = fonts.fit("inkan.name", "見本　花子");
        assertThat(fit.fits()).isTrue();
        assertThat(fit.shrunk()).isFalse();
        assertThat(fit.ptAttribute()).isNull();
        String xml = inkan(person("見本", "花子"), ADDRESS);
        assertThat(xml).contains("<name box=\"inkan.name\">見本　花子</name>");
        assertThat(pt(xml, "name")).isNull();
    }

    @Test
    void aValueThatFitsOnlyShrunkIsPrintedSmallerOnOneLine() throws Exception {
        // 36 full-width characters: 360pt at 10pt, the box is 112.6mm = 319pt
        String family = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末";
        String given = "食う寝る処に住";
        String name = family + "　" + given;
        assertThat(name.codePointCount(0, name.length())).isEqualTo(36);

        String xml = inkan(person(family, given), ADDRESS);
        String pt = pt(xml, "name");
        assertThat(pt).isNotNull();
        assertThat(Double.parseDouble(pt)).isBetween(7.0, 9.5);
        assertThat(pt).isEqualTo("8.5");

        String text = Pdfs.text(render("inkan", xml).getBytes());
        assertThat(onOneLine(text, name)).as(text).isTrue();

        // and FOP agrees it did not fit at the nominal size: without pt the name wraps
        String nominal =
                Pdfs.text(render("inkan", xml.replace(" pt=\"" + pt + "\"", "")).getBytes());
        assertThat(onOneLine(nominal, name)).as(nominal).isFalse();
        assertThat(Pdfs.compact(nominal)).contains(Pdfs.compact(name));
    }

    @Test
    void predictedFitsAreFitsForFop() throws Exception {
        // at 10pt the inkan box takes 31 full-width characters by our count (2% kept free); FOP
        // takes them on one line
        String thirtyOne = "北".repeat(15) + "　" + "広".repeat(15);
        assertThat(fonts.fit("inkan.name", thirtyOne).shrunk()).isFalse();
        assertThat(fonts.fit("inkan.name", thirtyOne + "島").shrunk()).isTrue();
        String text =
                Pdfs.text(
                        render("inkan", inkan(person("北".repeat(15), "広".repeat(15)), ADDRESS))
                                .getBytes());
        assertThat(onOneLine(text, thirtyOne)).as(text).isTrue();
        // Latin (a foreign resident's alphabetic name), proportional: the largest that keeps 10pt
        String alpha = latinName(fonts, "inkan.name");
        text = Pdfs.text(render("inkan", inkan(foreigner(alpha), ADDRESS)).getBytes());
        assertThat(pt(inkan(foreigner(alpha), ADDRESS), "name")).isNull();
        assertThat(text.lines().anyMatch(l -> l.contains(alpha))).as(text).isTrue();
    }

    @Test
    void aValueTooLongEvenAtTheMinimumIsRefusedNamingTheField() {
        // 50 full-width characters: 350pt even at 7pt
        String family = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末";
        String given = "食う寝る処に住む処やぶら小路の藪柑子パイポ";
        assertThat(fonts.fit("inkan.name", family + "　" + given).fits()).isFalse();
        assertThatThrownBy(() -> inkan(person(family, given), ADDRESS))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e -> assertThat(e.field()).isEqualTo("person.name"))
                .hasMessageNotContaining(family);
        // the tax box is wider (142.6mm, 56 characters at 7pt): it takes these 50, not 72
        assertThat(tax(person(family, given), ADDRESS, ADDRESS)).contains("pt=\"");
        assertThatThrownBy(
                        () -> tax(person(family, given + "寿限無寿限無五劫の擦り切れ海砂利水魚"), ADDRESS, ADDRESS))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e -> assertThat(e.field()).isEqualTo("person.name"));
    }

    // ---- two-line boxes ----

    @Test
    void aTwoLineBoxTakesTwoLinesAtTheNominalSizeAndShrinksForAThird() throws Exception {
        // inkan.address: 2 lines of 112.6mm; 31 full-width characters a line at 10pt
        String twoLines = ADDRESS + "　" + "コーポ北広島".repeat(7); // 16 + 1 + 42 = 59
        FieldBoxes.Fit fit = fonts.fit("inkan.address", twoLines);
        assertThat(fit.fits()).isTrue();
        assertThat(fit.shrunk()).isFalse();
        String xml = inkan(person("見本", "花子"), twoLines);
        assertThat(pt(xml, "address")).isNull();
        String text = Pdfs.text(render("inkan", xml).getBytes());
        assertThat(linesOf(text, twoLines)).as(text).isEqualTo(2);

        // 70 characters: 3 lines at 10, 9.5 and 9pt; 36 a line at 8.5pt, so 2 lines
        String threeLines = ADDRESS + "　" + "コーポ北広島".repeat(8) + "２−１０１";
        assertThat(threeLines.length()).isEqualTo(70);
        xml = inkan(person("見本", "花子"), threeLines);
        assertThat(pt(xml, "address")).isEqualTo("8.5");
        text = Pdfs.text(render("inkan", xml).getBytes());
        assertThat(linesOf(text, threeLines)).as(text).isEqualTo(2);

        // 99 characters: 3 lines even at 7pt (44 a line)
        String tooLong = ADDRESS + "　" + "コーポ北広島".repeat(13) + "２−１０";
        assertThat(fonts.fit("inkan.address", tooLong).fits()).isFalse();
        assertThatThrownBy(() -> inkan(person("見本", "花子"), tooLong))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e -> assertThat(e.field()).isEqualTo("person.address"));
    }

    @Test
    void theAddressOnTheFirstOfJanuaryIsBoxedToo() throws Exception {
        // tax.address-jan1: 2 lines of 142.6mm
        String longer = ADDRESS + "　" + "コーポ北広島".repeat(20);
        assertThatThrownBy(() -> tax(person("見本", "太郎"), ADDRESS, longer))
                .isInstanceOfSatisfying(
                        FieldOverflowException.class,
                        e -> assertThat(e.field()).isEqualTo("tax.addressJan1"));
        String shrunk = ADDRESS + "　" + "コーポ北広島".repeat(12);
        String xml = tax(person("見本", "太郎"), ADDRESS, shrunk);
        assertThat(pt(xml, "address-jan1")).isNotNull();
        assertThat(pt(xml, "address")).isNull();
        assertThat(pt(xml, "name")).isNull();
        String text = Pdfs.text(render("tax", xml).getBytes());
        assertThat(linesOf(text, shrunk)).as(text).isEqualTo(2);
    }

    @Test
    void breaksFollowFopNotJustCharacters() {
        TextMeasure m = new TextMeasure(List.of(fonts.entries().get(0).awtFont()));
        double line = 10 * 10 + 1; // ten full-width characters at 10pt
        assertThat(m.lines("一二三四五六七八九十", 10, line)).isEqualTo(1);
        assertThat(m.lines("一二三四五六七八九十一", 10, line)).isEqualTo(2);
        assertThat(m.lines("一二三四五六七八九十一二三四五六七八九十", 10, line)).isEqualTo(2);
        // an opening bracket never ends a line, a closing one never starts one: the 20 characters
        // that would fill two lines character by character need three
        assertThat(m.lines("一二三四五六七八九（十一二三四五六七八九", 10, line)).isEqualTo(3);
        assertThat(m.lines("一二三四五六七八九十）一二三四五六七八九", 10, line)).isEqualTo(3);
        // a run of Latin letters does not break: wider than a line, it cannot fit at all
        assertThat(m.lines("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH", 10, line))
                .isEqualTo(Integer.MAX_VALUE);
        // spaces between words are break opportunities, and the space ending a line takes no room
        assertThat(m.lines("ABCDEFGH ABCDEFGH", 10, m.width("ABCDEFGH", 10) + 0.5)).isEqualTo(2);
        assertThat(m.lines("ABCDEFGH ABCDEFGH", 10, m.width("ABCDEFGH", 10) - 0.5))
                .isEqualTo(Integer.MAX_VALUE);
        // a surrogate pair is one character; FOP's breaker sees surrogates as letters and never
        // breaks
        // between two of them (nor do we)
        assertThat(m.lines("𠮟".repeat(10), 10, line)).isEqualTo(1);
        assertThat(m.lines("𠮟".repeat(11), 10, line)).isEqualTo(Integer.MAX_VALUE);
        assertThat(m.lines("𠮟一二三四五六七八九十", 10, line)).isEqualTo(2);
    }

    // ---- address numbers (issue #18 item 7) ----

    /**
     * 「号」 (or 「室」) never sits alone on a line: the number and its suffix are kept together, in the
     * FO and in our measure. inkan.address holds 31 full-width characters a line at 10pt: 30 more
     * then 「３号」 used to print 「…３」 and 「号」 alone on the second line.
     */
    @Test
    void anAddressNumberKeepsItsSuffix() throws Exception {
        String filler = "北海道北広島市中央" + "コーポ北広島".repeat(3) + "一二三";
        assertThat(filler).hasSize(30);
        String address = filler + "３号";
        String xml = inkan(person("見本", "花子"), address);
        assertThat(pt(xml, "address")).isNull();
        String text = Pdfs.text(render("inkan", xml).getBytes());
        List<String> lines = text.lines().map(Pdfs::compact).toList();
        assertThat(lines).as(text).noneMatch(l -> l.equals("号") || l.startsWith("号"));
        // the number moves to the second line with its suffix (FOP does not break at the edge of
        // the kept piece either: the character before it comes along)
        assertThat(lines).as(text).anyMatch(l -> l.endsWith("三３号"));
        assertThat(linesOf(text, address)).isEqualTo(2);
        // 101号室 of a 方書 too
        String room = filler + "１０１号室";
        text = Pdfs.text(render("inkan", inkan(person("見本", "花子"), room)).getBytes());
        assertThat(text.lines().map(Pdfs::compact).toList())
                .as(text)
                .noneMatch(l -> l.startsWith("室") || l.startsWith("号室"))
                .anyMatch(l -> l.endsWith("１０１号室"));
    }

    @Test
    void theMeasureKeepsTheSamePiecesAsTheTemplates() throws Exception {
        assertThat(Files.readString(Path.of("xslt-templates/common.xsl")))
                .contains("'" + TextMeasure.KEPT_PATTERN + "'");
        TextMeasure m = new TextMeasure(List.of(fonts.entries().get(0).awtFont()));
        double line = 10 * 10 + 1; // ten full-width characters at 10pt
        // 「１丁目２番３号」 is one piece: it moves to the next line whole
        assertThat(m.lines("一二三四五六１丁目２番３号", 10, line)).isEqualTo(2);
        assertThat(m.lines("一二三四五六七八九十１丁目２番３号", 10, line)).isEqualTo(2);
        assertThat(m.lines("一二三四五六七八九十一１丁目２番３号", 10, line)).isEqualTo(2);
    }

    // ---- a foreign resident's dates (issue #18 item 7) ----

    /**
     * Every date of a foreign resident's entry is in 西暦 (the sheet used to mix: 生年月日 and 在留期間 in
     * 西暦, 住民となった年月日, 住所を定めた年月日 and 届出日 in 和暦); a Japanese resident's stay in 和暦, and the 証明日 is the
     * issuer's (和暦).
     */
    @Test
    void aForeignResidentsDatesAreAllInTheWesternCalendar() {
        Person f = foreigner("NGUYEN VAN AN");
        Person p =
                new Person(
                        f.atenaNo(),
                        f.householdNo(),
                        "F",
                        f.familyName(),
                        f.givenName(),
                        null,
                        null,
                        false,
                        null,
                        null,
                        f.alphaName(),
                        null,
                        null,
                        "ベトナム",
                        "特定技能",
                        LocalDate.of(2028, 9, 30),
                        LocalDate.of(1990, 2, 2),
                        "1",
                        "世帯主",
                        null,
                        null,
                        LocalDate.of(2024, 4, 1),
                        "ベトナム",
                        LocalDate.of(2023, 10, 1),
                        LocalDate.of(2024, 4, 5),
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
        String xml =
                new jp.kofuhub.certificate.JuminhyoDocument(fonts)
                        .build(
                                "JUMINHYO",
                                card(p, ADDRESS),
                                List.of(p),
                                true,
                                city(),
                                jp.kofuhub.certificate.CertificateOptions.NONE,
                                sealUri,
                                TODAY);
        assertThat(xml)
                .contains("<birth>1990年2月2日</birth>")
                .contains("<became-resident>2023年10月1日</became-resident>")
                .contains("<address-since>2024年4月1日</address-since>")
                .contains("<notified>2024年4月5日</notified>")
                .contains("<residence-period-end>2028年9月30日</residence-period-end>")
                .contains("<date>令和8年11月25日</date>")
                .doesNotContain("<became-resident>令和");
    }

    // ---- the 印影 at its real size (issue #18 item 2) ----

    @Test
    void theImpressionPrintsAtTheSizeTheRegistrySent() throws Exception {
        String xml = inkan(person("見本", "花子"), ADDRESS);
        assertThat(xml).contains("width-mm=\"15\"").contains("height-mm=\"15\"");
        List<float[]> images = ImageSizes.of(render("inkan", xml).getBytes());
        // the 公印 (22 mm) and the 印影 (15 mm = 42.52 pt), no longer enlarged to 35 mm
        assertThat(images)
                .anySatisfy(
                        s -> {
                            assertThat(s[0])
                                    .isCloseTo(42.52f, org.assertj.core.data.Offset.offset(0.3f));
                            assertThat(s[1])
                                    .isCloseTo(42.52f, org.assertj.core.data.Offset.offset(0.3f));
                        })
                .noneSatisfy(s -> assertThat(s[0]).isGreaterThan(90f));
    }

    @Test
    void anImpressionWithoutSizeOrTooLargeIsRefused() {
        Person p = person("見本", "花子");
        CardHolder noSize =
                card(p, ADDRESS)
                        .withSeal(
                                new SealRegistration(
                                        "IN-1", "NAME", LocalDate.of(2020, 5, 1), sealPng));
        assertThatThrownBy(() -> new InkanDocument(fonts).build(noSize, city(), sealUri, TODAY))
                .isInstanceOfSatisfying(
                        jp.kofuhub.certificate.CertificateKind.Refusal.class,
                        r ->
                                assertThat(r.code())
                                        .isEqualTo(
                                                jp.kofuhub.certificate.RefusalCode
                                                        .SEAL_SIZE_UNKNOWN));
        CardHolder large =
                card(p, ADDRESS)
                        .withSeal(
                                new SealRegistration(
                                        "IN-1",
                                        "NAME",
                                        LocalDate.of(2020, 5, 1),
                                        sealPng,
                                        new java.math.BigDecimal("15"),
                                        new java.math.BigDecimal("35.5")));
        assertThatThrownBy(() -> new InkanDocument(fonts).build(large, city(), sealUri, TODAY))
                .isInstanceOfSatisfying(
                        jp.kofuhub.certificate.CertificateKind.Refusal.class,
                        r ->
                                assertThat(r.code())
                                        .isEqualTo(
                                                jp.kofuhub.certificate.RefusalCode
                                                        .SEAL_SIZE_UNPRINTABLE));
    }

    /** The size (pt) each image of a PDF's first page is drawn at. */
    static final class ImageSizes extends org.apache.pdfbox.contentstream.PDFStreamEngine {
        final List<float[]> sizes = new java.util.ArrayList<>();

        ImageSizes() {
            addOperator(new org.apache.pdfbox.contentstream.operator.state.Concatenate(this));
            addOperator(new org.apache.pdfbox.contentstream.operator.state.Save(this));
            addOperator(new org.apache.pdfbox.contentstream.operator.state.Restore(this));
            addOperator(new org.apache.pdfbox.contentstream.operator.state.SetMatrix(this));
        }

        static List<float[]> of(byte[] pdf) throws java.io.IOException {
            try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                ImageSizes s = new ImageSizes();
                s.processPage(doc.getPage(0));
                return s.sizes;
            }
        }

        @Override
        protected void processOperator(
                org.apache.pdfbox.contentstream.operator.Operator op,
                List<org.apache.pdfbox.cos.COSBase> operands)
                throws java.io.IOException {
            if ("Do".equals(op.getName())) {
                var x = getResources().getXObject((org.apache.pdfbox.cos.COSName) operands.get(0));
                if (x instanceof org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject) {
                    var m = getGraphicsState().getCurrentTransformationMatrix();
                    sizes.add(new float[] {m.getScalingFactorX(), m.getScalingFactorY()});
                } else if (x instanceof org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject f) {
                    showForm(f);
                }
            } else {
                super.processOperator(op, operands);
            }
        }
    }

    // ---- characters that stand in for others ----

    @Test
    void privateUseAndGetaMarkAreUndrawable() {
        assertThat(fonts.firstUndrawable("見本\uE000子")).isEqualTo(0xE000);
        assertThat(fonts.firstUndrawable("見本\uF8FF子")).isEqualTo(0xF8FF);
        assertThat(fonts.firstUndrawable("見本" + new String(Character.toChars(0xF0001)) + "子"))
                .isEqualTo(0xF0001);
        assertThat(fonts.firstUndrawable("見本" + new String(Character.toChars(0x10FFFD)) + "子"))
                .isEqualTo(0x10FFFD);
        assertThat(fonts.firstUndrawable("見〓花子")).isEqualTo(0x3013);
        assertThat(fonts.firstUndrawable("見本　花子")).isEqualTo(-1);
        assertThatThrownBy(() -> inkan(person("見\uE012", "花子"), ADDRESS))
                .isInstanceOfSatisfying(
                        GlyphUnavailableException.class,
                        e -> {
                            assertThat(e.field()).isEqualTo("person.name");
                            assertThat(e.codePoint()).isEqualTo(0xE012);
                        });
        assertThatThrownBy(() -> tax(person("見本", "花子"), "北海道北広島市〓町１", ADDRESS))
                .isInstanceOfSatisfying(
                        GlyphUnavailableException.class,
                        e -> {
                            assertThat(e.field()).isEqualTo("person.address");
                            assertThat(e.codePoint()).isEqualTo(0x3013);
                        });
    }

    // ---- helpers ----

    static Person person(String family, String given) {
        return person(family, given, "J", null);
    }

    static Person foreigner(String alphaName) {
        return person("SMITH", "JOHN", "F", alphaName);
    }

    static Person person(String family, String given, String type, String alpha) {
        return new Person(
                "000000000018",
                "H0001",
                type,
                family,
                given,
                null,
                null,
                false,
                null,
                null,
                alpha,
                null,
                null,
                null,
                null,
                null,
                LocalDate.of(1983, 7, 7),
                "2",
                "世帯主",
                null,
                null,
                null,
                null,
                null,
                null,
                "ACTIVE",
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

    static CardHolder card(Person p, String address) {
        Household h = new Household("H0001", p.atenaNo(), "0611100", address, null, false, false);
        return new CardHolder(
                "S1",
                "SIGN",
                "VALID",
                TODAY.plusYears(1),
                p,
                h,
                List.of(p),
                new SealRegistration(
                        "IN-0000123",
                        "NAME",
                        LocalDate.of(2020, 5, 1),
                        sealPng,
                        new java.math.BigDecimal("15"),
                        new java.math.BigDecimal("15")));
    }

    static MunicipalityProfile city() {
        return new MunicipalityProfile(
                "012343",
                "北広島市",
                null,
                "北海道",
                "北広島市長",
                "北野　広志",
                "seal.png",
                "K1",
                "P1",
                false,
                List.of("INKAN", "SHOTOKU_KAZEI"),
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

    static String inkan(Person p, String address) {
        return new InkanDocument(fonts).build(card(p, address), city(), sealUri, TODAY);
    }

    static String tax(Person p, String address, String addressJan1) {
        TaxRecord t =
                new TaxRecord(
                        2026,
                        addressJan1,
                        true,
                        "SALARY",
                        3_560_000,
                        0,
                        0,
                        0,
                        3_560_000,
                        1_250_000,
                        2_310_000,
                        3_500,
                        138_600,
                        1_500,
                        92_400,
                        false);
        return new TaxDocument(fonts)
                .build("SHOTOKU_KAZEI", card(p, address).withTax(t), city(), sealUri, TODAY);
    }

    /** The pt attribute of the first {@code <element ...>}, or null. */
    static String pt(String xml, String element) {
        Matcher m = Pattern.compile("<" + element + "( [^>]*)?>").matcher(xml);
        assertThat(m.find()).as("<" + element + "> in " + xml).isTrue();
        Matcher pt = Pattern.compile("pt=\"([^\"]+)\"").matcher(m.group());
        return pt.find() ? pt.group(1) : null;
    }

    static PdfRenderer.RenderedPdf render(String template, String xml) throws Exception {
        Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", template + ".xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        StringWriter fo = new StringWriter();
        t.transform(new StreamSource(new StringReader(xml)), new StreamResult(fo));
        return renderer.render(fo.toString());
    }

    /** Whether one line of the PDF's text holds the whole value. */
    static boolean onOneLine(String text, String value) {
        String v = Pdfs.compact(value);
        return text.lines().map(Pdfs::compact).anyMatch(l -> l.contains(v));
    }

    /**
     * The number of consecutive text lines the value is printed on: the fewest lines, in order,
     * whose text (labels aside) makes up the value.
     */
    static int linesOf(String text, String value) {
        String v = Pdfs.compact(value);
        List<String> lines =
                text.lines()
                        .map(Pdfs::compact)
                        .map(l -> l.replaceFirst("^(住所|1月1日現在の住所)", ""))
                        .toList();
        for (int start = 0; start < lines.size(); start++) {
            if (lines.get(start).isEmpty() || !v.startsWith(lines.get(start))) {
                continue;
            }
            StringBuilder got = new StringBuilder();
            for (int i = start; i < lines.size() && v.startsWith(got + lines.get(i)); i++) {
                got.append(lines.get(i));
                if (got.toString().equals(v)) {
                    return i - start + 1;
                }
            }
        }
        throw new AssertionError("value not found in the PDF text:\n" + text);
    }

    /**
     * The longest Latin name made of "SMITH"-like words that our measure keeps at the nominal size.
     */
    static String latinName(FontChain fonts, String box) {
        String name = "WOLFESCHLEGEL";
        String[] words = {
            "STEINHAUSEN", "BERGERDORFF", "JOHANNES", "MAXIMILIAN", "ALEXANDER", "WILLIAM"
        };
        for (int i = 0; ; i++) {
            String next = name + " " + words[i % words.length];
            if (fonts.fit(box, next).shrunk()) {
                return name;
            }
            name = next;
        }
    }
}
