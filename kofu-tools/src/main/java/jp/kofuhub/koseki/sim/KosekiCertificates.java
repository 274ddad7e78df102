package jp.kofuhub.koseki.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.sax.SAXResult;
import javax.xml.transform.stream.StreamSource;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.render.PdfSigner;
import jp.kofuhub.render.SealImageMaker;
import org.apache.fop.apps.FOUserAgent;
import org.apache.fop.apps.Fop;
import org.apache.fop.apps.FopConfParser;
import org.apache.fop.apps.FopFactory;
import org.apache.fop.apps.MimeConstants;

/**
 * Renders the simulator's 戸籍 certificates to PDF with Apache FOP and its own small XSL-FO, built
 * here (A4, IPAex Mincho from the font file given; IPAmj Mincho as a fallback when installed at
 * {@link #IPAMJ_FONT}). One layout per {@link Kind}: a title, the rows of the 戸籍, the certification
 * line, the date and the issuer ({@code cityPrefix + "長　模擬"}), and the 発行番号 (requestId) at the foot
 * of every page.
 *
 * <p>The PDF's document information carries {@code /Subject} = {@link #subjectHash} and {@code
 * /Keywords} = {@code requestId + " " + kind}, as the contract asks. A character no font can draw
 * fails the render ({@link IllegalStateException}): the simulator never prints FOP's {@code #}.
 * Thread-safe: one FOP factory, {@code newFop} serialised.
 */
public final class KosekiCertificates {

    /** The three kinds of the contract, by their wire names. */
    public enum Kind {
        /** 戸籍全部事項証明書: the whole 戸籍. */
        KOSEKI_ZENBU("戸籍全部事項証明書", "これは、戸籍に記録されている事項の全部を証明した書面である。"),
        /** 戸籍個人事項証明書: the person's entry. */
        KOSEKI_KOJIN("戸籍個人事項証明書", "これは、戸籍に記録されている事項の一部を証明した書面である。"),
        /** 戸籍の附票の写し: the person's 附票. */
        KOSEKI_FUHYO("戸籍の附票の写し", "この写しは、戸籍の附票の原本と相違ないことを証明する。");

        public final String title;
        public final String certification;

        Kind(String title, String certification) {
            this.title = title;
            this.certification = certification;
        }
    }

    /**
     * Where Debian's fonts-ipamj-mincho puts IPAmj Mincho; used as a fallback font when present.
     */
    public static final Path IPAMJ_FONT = Path.of("/usr/share/fonts/truetype/ipamj/ipamjm.ttf");

    /** The address printed on a 附票 (the simulator keeps no addresses). */
    public static final String FUHYO_ADDRESS = "（附票の住所：模擬）";

    private static final String GLYPH_EVENT =
            "org.apache.fop.fonts.FontEventProducer.glyphNotAvailable";
    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private final FopFactory fopFactory;
    private final String fontFamily;
    private final String issuer;
    private final String cityPrefix;
    private final PdfSigner signer;
    private final Path seal;
    private final Object newFopLock = new Object();

    /**
     * Looked up once: newInstance() scans the class path each call; Saxon's factory is thread-safe.
     */
    private static final TransformerFactory IDENTITY = TransformerFactory.newInstance();

    /**
     * @param font IPAex Mincho ({@code fonts/ipaexm.ttf}), must exist
     * @param cityPrefix the city, e.g. {@code 北海道北広島市}: the issuer printed is {@code 北海道北広島市長　模擬}
     */
    public KosekiCertificates(Path font, String cityPrefix) {
        this(font, cityPrefix, null);
    }

    /**
     * @param signer the city's 戸籍 key: every PDF is PAdES-signed with it (null: unsigned, which a
     *     hub refuses KOSEKI_SIGNATURE_INVALID — for tests of that refusal)
     */
    public KosekiCertificates(Path font, String cityPrefix, PdfSigner signer) {
        if (!Files.isRegularFile(font)) {
            throw new IllegalArgumentException("font file not found: " + font);
        }
        this.signer = signer;
        this.cityPrefix = cityPrefix;
        this.issuer = cityPrefix + "長\u3000模擬";
        this.seal = seal(font, cityPrefix);
        StringBuilder fonts = new StringBuilder();
        List<String> families = new ArrayList<>();
        fonts.append(fontXml(font, "IPAexMincho"));
        families.add("IPAexMincho");
        if (Files.isRegularFile(IPAMJ_FONT)) {
            fonts.append(fontXml(IPAMJ_FONT, "IPAmjMincho"));
            families.add("IPAmjMincho");
        }
        this.fontFamily = String.join(",", families);
        String xconf =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><fop version=\"1.0\">"
                        + "<complex-scripts disabled=\"true\"/><use-cache>false</use-cache>"
                        + "<renderers><renderer mime=\"application/pdf\"><fonts>"
                        + fonts
                        + "</fonts></renderer></renderers></fop>";
        try {
            FopConfParser parser =
                    new FopConfParser(
                            new ByteArrayInputStream(xconf.getBytes(StandardCharsets.UTF_8)),
                            Path.of(".").toAbsolutePath().toUri());
            this.fopFactory = parser.getFopFactoryBuilder().build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure Apache FOP", e);
        }
    }

    private static String fontXml(Path file, String family) {
        return "<font kerning=\"yes\" embedding-mode=\"subset\" embed-url=\""
                + escape(file.toAbsolutePath().normalize().toUri().toString())
                + "\">"
                + "<font-triplet name=\""
                + family
                + "\" style=\"normal\" weight=\"normal\"/>"
                + "<font-triplet name=\""
                + family
                + "\" style=\"normal\" weight=\"bold\"/></font>";
    }

    /**
     * SHA-256 (lower-case hex) of {@code honseki\nhittosha\nname\nbirthDate} (birthDate {@code
     * yyyy-MM-dd}).
     */
    public static String subjectHash(
            String honseki, String hittosha, String name, LocalDate birthDate) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String s = honseki + "\n" + hittosha + "\n" + name + "\n" + birthDate;
            return HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The certificate of {@code person} in {@code koseki} as PDF. {@code honsekiHittosha} matters
     * for {@link Kind#KOSEKI_FUHYO} only: print 本籍・筆頭者.
     */
    public byte[] render(
            Kind kind,
            KosekiBook.Koseki koseki,
            KosekiBook.Member person,
            String requestId,
            boolean honsekiHittosha) {
        String fo = fo(kind, koseki, person, requestId, honsekiHittosha, LocalDate.now(JAPAN));
        StringBuffer missing = new StringBuffer();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream(32 * 1024);
        try {
            FOUserAgent agent = fopFactory.newFOUserAgent();
            agent.setProducer("Kofu Hub koseki-server simulator");
            agent.setCreator("Kofu Hub koseki-server simulator");
            agent.setTitle(kind.title);
            agent.setSubject(
                    subjectHash(
                            koseki.honseki(),
                            koseki.hittosha(),
                            person.name(),
                            person.birthDate()));
            agent.setKeywords(requestId + " " + kind.name());
            agent.setCreationDate(new Date());
            agent.getEventBroadcaster()
                    .addEventListener(
                            event -> {
                                if (GLYPH_EVENT.equals(event.getEventID())) {
                                    missing.append('?');
                                }
                            });
            Fop fop;
            synchronized (newFopLock) {
                fop = fopFactory.newFop(MimeConstants.MIME_PDF, agent, pdf);
            }
            Transformer identity = IDENTITY.newTransformer();
            identity.transform(
                    new StreamSource(new StringReader(fo)), new SAXResult(fop.getDefaultHandler()));
        } catch (Exception e) {
            throw new IllegalStateException("FOP could not render the certificate", e);
        }
        if (missing.length() > 0) {
            throw new IllegalStateException(
                    "a character of the certificate has no glyph in " + fontFamily);
        }
        return signer == null ? pdf.toByteArray() : signer.sign(pdf.toByteArray(), kind.title);
    }

    /**
     * The demo's 戸籍 key: the koseki server's key of the demo key set ({@code koseki-server.p12} in
     * {@code keysDir}), whose certificate the hub is configured with ({@code
     * kofu.koseki.signing-certificate}).
     */
    public static PdfSigner demoSigner(Path keysDir, char[] password, String cityPrefix) {
        return new PdfSigner(
                keysDir.resolve("koseki-server.p12"),
                password,
                "koseki-server",
                cityPrefix,
                Clock.systemUTC());
    }

    /** The 公印 (e.g. 北広島市長之印), drawn once into a temporary PNG. */
    private static Path seal(Path font, String cityPrefix) {
        String city = cityPrefix.replaceFirst("^(北海道|東京都|京都府|大阪府|.{2,3}県)", "");
        try {
            Path png = Files.createTempFile("koseki-seal-", ".png");
            png.toFile().deleteOnExit();
            SealImageMaker.make(city + "長之印", font, 300, png);
            return png;
        } catch (IOException e) {
            throw new IllegalStateException("cannot draw the 公印: " + e.getMessage(), e);
        }
    }

    /** The XSL-FO of one certificate (package-private for tests). */
    String fo(
            Kind kind,
            KosekiBook.Koseki koseki,
            KosekiBook.Member person,
            String requestId,
            boolean honsekiHittosha,
            LocalDate issued) {
        StringBuilder b = new StringBuilder(8 * 1024);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .append("<fo:root xmlns:fo=\"http://www.w3.org/1999/XSL/Format\" font-family=\"")
                .append(fontFamily)
                .append("\" font-size=\"10.5pt\" language=\"ja\">")
                .append(
                        "<fo:layout-master-set><fo:simple-page-master master-name=\"A4\" page-width=\"210mm\""
                                + " page-height=\"297mm\" margin=\"15mm 18mm 12mm 18mm\">"
                                + "<fo:region-body margin-bottom=\"14mm\"/><fo:region-after extent=\"10mm\"/>"
                                + "</fo:simple-page-master></fo:layout-master-set>")
                .append("<fo:page-sequence master-reference=\"A4\">")
                .append("<fo:static-content flow-name=\"xsl-region-after\">")
                .append("<fo:block font-size=\"8.5pt\" text-align=\"end\">発行番号　")
                .append(escape(requestId))
                .append("　（<fo:page-number/>／<fo:page-number-citation ref-id=\"end\"/>）</fo:block>")
                .append("</fo:static-content>")
                .append("<fo:flow flow-name=\"xsl-region-body\">")
                .append(
                        "<fo:block font-size=\"18pt\" text-align=\"center\" letter-spacing=\"2pt\""
                                + " space-after=\"8mm\">")
                .append(kind.title)
                .append("</fo:block>");
        b.append(TABLE_START);
        switch (kind) {
            case KOSEKI_ZENBU, KOSEKI_KOJIN -> {
                KosekiFamily family = new KosekiFamily(koseki, cityPrefix, issued);
                row(b, "本籍", koseki.honseki());
                row(b, "氏名", koseki.hittosha());
                rows(
                        b,
                        "戸籍事項",
                        List.of(
                                "戸籍編製\u3000【編製日】" + EraDate.wareki(family.compiled()),
                                "戸籍改製\u3000【改製日】" + EraDate.wareki(COMPUTERISED)));
                for (KosekiBook.Member m :
                        kind == Kind.KOSEKI_ZENBU ? koseki.members() : List.of(person)) {
                    memberRow(b, family, m);
                }
            }
            case KOSEKI_FUHYO -> {
                if (honsekiHittosha) {
                    row(b, "本籍", koseki.honseki());
                    row(b, "筆頭者", koseki.hittosha());
                }
                rows(
                        b,
                        "附票に記録されている者",
                        List.of(
                                "【氏名】" + person.name(),
                                "【生年月日】"
                                        + EraDate.wareki(person.birthDate())
                                        + "\u3000【性別】"
                                        + person.sexLabel()));
                rows(
                        b,
                        "住所",
                        List.of(
                                person.address() != null ? person.address() : FUHYO_ADDRESS,
                                "【住所を定めた年月日】"
                                        + (person.addressSince() != null
                                                ? EraDate.wareki(person.addressSince())
                                                : "")));
            }
        }
        b.append("</fo:table-body></fo:table>");
        b.append("<fo:block space-before=\"10mm\">")
                .append(kind.certification)
                .append("</fo:block>")
                .append("<fo:block space-before=\"6mm\">")
                .append(EraDate.wareki(issued))
                .append("</fo:block>")
                .append("<fo:block space-before=\"4mm\" text-align=\"end\" font-size=\"13pt\">")
                .append(escape(issuer))
                .append("\u3000<fo:external-graphic src=\"url('")
                .append(escape(seal.toUri().toString()))
                .append(
                        "')\" content-width=\"21mm\" content-height=\"21mm\" width=\"21mm\""
                                + " height=\"21mm\" scaling=\"uniform\" alignment-baseline=\"middle\"/>")
                .append("</fo:block>")
                .append("<fo:block id=\"end\"/>")
                .append("</fo:flow></fo:page-sequence></fo:root>");
        return b.toString();
    }

    private static final String TABLE_START =
            "<fo:table table-layout=\"fixed\" width=\"100%\""
                    + " border=\"0.8pt solid black\" border-collapse=\"collapse\">"
                    + "<fo:table-column column-width=\"46mm\"/><fo:table-column column-width=\"proportional-column-width(1)\"/>"
                    + "<fo:table-body>";

    private static void row(StringBuilder b, String label, String value) {
        b.append("<fo:table-row keep-together.within-page=\"always\">")
                .append(cell())
                .append("<fo:block>")
                .append(escape(label))
                .append("</fo:block></fo:table-cell>")
                .append(cell())
                .append("<fo:block>")
                .append(escape(value))
                .append("</fo:block></fo:table-cell>")
                .append("</fo:table-row>");
    }

    /** The day the demo city's 戸籍 were computerised (改製); the simulator's own choice. */
    static final LocalDate COMPUTERISED = LocalDate.of(2004, 11, 6);

    /**
     * One person of the 戸籍: 氏名, 生年月日 (with 配偶者区分), 父母 and 続柄, then the 身分事項 出生 and, for a married
     * couple, 婚姻; a deceased member marked 除籍.
     */
    private static void memberRow(StringBuilder b, KosekiFamily family, KosekiBook.Member m) {
        List<String> person = new ArrayList<>();
        person.add("【氏名】" + m.name());
        String spouse = family.spouseLabel(m);
        person.add(
                "【生年月日】"
                        + EraDate.wareki(m.birthDate())
                        + (spouse == null ? "" : "\u3000【配偶者区分】" + spouse));
        person.add("【父】" + family.father(m));
        person.add("【母】" + family.mother(m));
        person.add("【続柄】" + family.relation(m));
        if (m.deceased()) {
            person.add("【除籍】死亡");
        }
        rows(b, "戸籍に記録されている者", person);
        List<String> events = new ArrayList<>();
        events.add("出生\u3000【出生日】" + EraDate.wareki(m.birthDate()));
        events.add("\u3000\u3000\u3000【出生地】" + family.birthPlace());
        events.add("\u3000\u3000\u3000【届出日】" + EraDate.wareki(family.notified(m.birthDate())));
        events.add("\u3000\u3000\u3000【届出人】父");
        if (spouse != null) {
            events.add("婚姻\u3000【婚姻日】" + EraDate.wareki(family.married()));
            events.add("\u3000\u3000\u3000【配偶者氏名】" + family.partnerOf(m).name());
            if (family.joinedByMarriage(m)) {
                events.add("\u3000\u3000\u3000【従前戸籍】" + family.formerKoseki(m));
            }
        }
        rows(b, "身分事項", events);
    }

    /** A row with a label and several lines. */
    private static void rows(StringBuilder b, String label, List<String> lines) {
        b.append("<fo:table-row keep-together.within-page=\"always\">")
                .append(cell())
                .append("<fo:block>")
                .append(escape(label))
                .append("</fo:block></fo:table-cell>")
                .append(cell());
        for (String line : lines) {
            b.append("<fo:block>").append(escape(line)).append("</fo:block>");
        }
        b.append("</fo:table-cell></fo:table-row>");
    }

    private static String cell() {
        return "<fo:table-cell border=\"0.5pt solid black\" padding=\"2mm\">";
    }

    /** XML text escaping; the server has already refused control characters. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
