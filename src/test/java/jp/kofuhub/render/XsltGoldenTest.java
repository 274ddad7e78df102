package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.transform.Transformer;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import net.sf.saxon.TransformerFactoryImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmlunit.builder.DiffBuilder;
import org.xmlunit.diff.Diff;

/**
 * Golden files for the certificate templates: a fixture data document goes through the real
 * template in xslt-templates/ and the FO must equal the expected file (white space ignored). After
 * an intended layout change, run with {@code -Dgolden.update=true} and review the diff.
 */
class XsltGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "juminhyo-household:juminhyo",
                "inkan-kyu-uji:inkan",
                "shotoku-kazei:tax",
                // the 記載事項証明書 of the same household (issue #18: no cell spans columns)
                "juminhyo-household:kisai:kisai-household"
            })
    void templateProducesTheExpectedFo(String pair) throws Exception {
        String fixture = pair.split(":")[0];
        String template = pair.split(":")[1];
        String golden = pair.split(":").length > 2 ? pair.split(":")[2] : fixture;
        Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(
                                new StreamSource(
                                        Path.of("xslt-templates", template + ".xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        StringWriter fo = new StringWriter();
        t.transform(
                new StreamSource(GOLDEN.resolve(fixture + ".xml").toFile()), new StreamResult(fo));
        Path expected = GOLDEN.resolve(golden + ".fo");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, pretty(fo.toString()), StandardCharsets.UTF_8);
        }
        Diff diff =
                DiffBuilder.compare(Files.readString(expected, StandardCharsets.UTF_8))
                        .withTest(fo.toString())
                        .ignoreWhitespace()
                        .ignoreComments()
                        .checkForSimilar()
                        .build();
        assertThat(diff.hasDifferences()).as(diff.toString()).isFalse();
    }

    /**
     * A municipality's own shell (xslt-templates/<団体コード>/<kind>.xsl, here the test-only override of
     * 990012 in src/test/resources/tenant-templates) over the shared templates: only what it
     * redefines differs from the shared golden file (the title).
     */
    @org.junit.jupiter.api.Test
    void aMunicipalityOverrideChangesOnlyWhatItRedefines(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (var files = Files.list(Path.of("xslt-templates"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        Files.createDirectories(dir.resolve("990012"));
        Files.copy(
                Path.of("src/test/resources/tenant-templates/990012/juminhyo.xsl"),
                dir.resolve("990012/juminhyo.xsl"));
        assertThat(new CertificateTemplates(dir).path("990012", "juminhyo"))
                .isEqualTo("990012/juminhyo");
        assertThat(new CertificateTemplates(dir).path("990011", "juminhyo")).isEqualTo("juminhyo");
        Transformer t =
                new TransformerFactoryImpl()
                        .newTemplates(new StreamSource(dir.resolve("990012/juminhyo.xsl").toFile()))
                        .newTransformer();
        t.setParameter("X-Kofu-Issue-Number", "20261125-012343-K1-P1-000001");
        StringWriter fo = new StringWriter();
        t.transform(
                new StreamSource(GOLDEN.resolve("juminhyo-household.xml").toFile()),
                new StreamResult(fo));
        Path expected = GOLDEN.resolve("juminhyo-household-990012.fo");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, pretty(fo.toString()), StandardCharsets.UTF_8);
        }
        Diff diff =
                DiffBuilder.compare(Files.readString(expected, StandardCharsets.UTF_8))
                        .withTest(fo.toString())
                        .ignoreWhitespace()
                        .ignoreComments()
                        .checkForSimilar()
                        .build();
        assertThat(diff.hasDifferences()).as(diff.toString()).isFalse();
        assertThat(fo.toString()).contains("住民票の写し").doesNotContain("住民票（写し）");
    }

    private static String pretty(String xml) throws Exception {
        Transformer t = new TransformerFactoryImpl().newTransformer();
        t.setOutputProperty(javax.xml.transform.OutputKeys.INDENT, "yes");
        StringWriter out = new StringWriter();
        t.transform(new StreamSource(new java.io.StringReader(xml)), new StreamResult(out));
        return out.toString();
    }
}
