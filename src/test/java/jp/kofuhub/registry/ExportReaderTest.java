package jp.kofuhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportReaderTest {

    @TempDir Path dir;

    private Path write(java.nio.charset.Charset cs, String katagaki) throws IOException {
        String a = TestRecords.atena(5);
        String[] h = TestRecords.household("1", a, "北海道北広島市中央１丁目");
        h[5] = katagaki;
        return TestRecords.write(
                dir,
                "012343",
                1,
                ExportHeader.Kind.FULL,
                cs,
                new Object[][] {
                    TestRecords.rec(RecordType.H, h),
                    TestRecords.rec(
                            RecordType.R,
                            TestRecords.resident(
                                    a,
                                    1,
                                    "1",
                                    "見本",
                                    "太郎",
                                    "世帯主",
                                    LocalDate.of(1980, 1, 1),
                                    "RESIDENT"))
                });
    }

    private static List<String[]> read(byte[] bytes) {
        List<String[]> out = new ArrayList<>();
        try (ExportReader r = new ExportReader(new ByteArrayInputStream(bytes))) {
            r.readRecords((t, f, line) -> out.add(f));
            r.finish();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void cp932TrapCharactersReadAsTheirJisForms() throws IOException {
        // the CP932 writer can only encode the Microsoft forms; the reader stores the JIS forms
        Path cp932 = write(ExportFormat.CP932, "コーポ\uFF5E２\uFF0D１０１\u2225");
        Path utf8 = write(StandardCharsets.UTF_8, "コーポ\u301C２\u2212１０１\u2016");
        assertThat(read(Files.readAllBytes(cp932)).get(0)[5]).isEqualTo("コーポ〜２−１０１‖");
        assertThat(read(Files.readAllBytes(utf8)).get(0)[5]).isEqualTo("コーポ〜２−１０１‖");
        assertThat(TextNormalizer.canonical("\uFFE0\uFFE1\uFFE2")).isEqualTo("\u00A2\u00A3\u00AC");
    }

    @Test
    void aByteThatDoesNotDecodeIsBadEncoding() throws IOException {
        byte[] bytes = Files.readAllBytes(write(StandardCharsets.UTF_8, "方書"));
        String text = new String(bytes, StandardCharsets.UTF_8);
        int payload = text.indexOf("#end\n") + 5;
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        broken.write(bytes, 0, payload);
        broken.write(new byte[] {(byte) 0xC3, (byte) 0x28});
        broken.write(bytes, payload, bytes.length - payload);
        assertThatThrownBy(() -> read(broken.toByteArray()))
                .isInstanceOfSatisfying(
                        ExportFileException.class,
                        e -> assertThat(e.reason()).isEqualTo("BAD_ENCODING"));
    }

    @Test
    void manifestProblemsAreBadManifest() {
        assertReason("hello\n", "BAD_MANIFEST");
        assertReason(ExportFormat.MAGIC + "\n#municipality: 12\n#end\n", "BAD_MANIFEST");
        assertReason(ExportFormat.MAGIC + "\n#municipality: 012343\n", "TRUNCATED");
    }

    @Test
    void unknownRecordTypeIsRejected() throws IOException {
        String text = Files.readString(write(StandardCharsets.UTF_8, "x"), StandardCharsets.UTF_8);
        String changed = text.replaceFirst("\nH\t", "\nX\t");
        assertReason(changed, "UNKNOWN_RECORD_TYPE");
    }

    /**
     * Contract 1.5 added {@code impression_mm} to S: a record of the earlier contract (8 fields) is
     * read with it empty; fewer or more fields are BAD_RECORD (issue #18).
     */
    @Test
    void aSealRecordOfAnEarlierContractIsReadWithoutItsSize() throws IOException {
        String[] nine =
                TestRecords.seal(
                        "IK-1",
                        TestRecords.atena(5),
                        "VALID",
                        LocalDate.of(2020, 1, 1),
                        null,
                        "AA==");
        assertThat(nine).hasSize(9);
        Path file =
                TestRecords.write(
                        dir,
                        "012343",
                        "INKAN",
                        1,
                        ExportHeader.Kind.FULL,
                        new Object[][] {TestRecords.rec(RecordType.S, nine)});
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains("\tAA==\t15x15\n");
        // as a producer of contract 1.4 wrote it: 8 fields (records are read before the hash check)
        List<String[]> records = new ArrayList<>();
        try (ExportReader r =
                new ExportReader(
                        new ByteArrayInputStream(
                                text.replace("\tAA==\t15x15\n", "\tAA==\n")
                                        .getBytes(StandardCharsets.UTF_8)))) {
            r.readRecords((t, f, line) -> records.add(f));
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0)).hasSize(9);
        assertThat(records.get(0)[RecordType.S.col("impression_mm")]).isEmpty();
        assertThat(records.get(0)[RecordType.S.col("seal_image")]).isEqualTo("AA==");
        assertReason(text.replace("\tAA==\t15x15\n", "\tAA==\t15x15\textra\n"), "BAD_RECORD");
        assertReason(text.replace("\tAA==\t15x15\n", "\n"), "BAD_RECORD");
    }

    private static void assertReason(String content, String reason) {
        assertThatThrownBy(() -> read(content.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        ExportFileException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
