package jp.kofuhub.support;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import jp.kofuhub.registry.AtenaNumber;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;

/** Small synthetic export files for sync tests, written through the reference writer. */
public final class TestRecords {

    private TestRecords() {}

    public static String atena(long base) {
        return AtenaNumber.of(base);
    }

    public static String[] household(String no, String headAtena, String address) {
        return new String[] {"U", no, headAtena, "061-1100", address, "", "0"};
    }

    /** A Japanese resident with plausible defaults; {@code birth} as a LocalDate. */
    public static String[] resident(
            String atena,
            int historyNo,
            String household,
            String family,
            String given,
            String relationship,
            LocalDate birth,
            String status) {
        String[] f = new String[RecordType.R.columns().size()];
        java.util.Arrays.fill(f, "");
        set(f, "op", "U");
        set(f, "atena_no", atena);
        set(f, "history_no", Integer.toString(historyNo));
        set(f, "household_no", household);
        set(f, "resident_type", "J");
        set(f, "family_name", family);
        set(f, "given_name", given);
        set(f, "family_name_kana", "テスト");
        set(f, "given_name_kana", "タロウ");
        set(f, "kana_confirmed", "1");
        set(f, "birth_date", EraDate.format(birth));
        set(f, "sex", "1");
        set(f, "relationship", relationship);
        set(f, "became_resident_date", EraDate.format(birth));
        set(f, "status", status);
        set(f, "person_block", "0");
        set(f, "support_measure", "NONE");
        set(f, "adult_guardianship", "0");
        return f;
    }

    public static String[] set(String[] fields, String column, String value) {
        fields[RecordType.R.col(column)] = value;
        return fields;
    }

    public static String[] card(String serial, String atena) {
        return new String[] {
            "U", serial, atena, "CARD", EraDate.format(LocalDate.now().plusYears(5)), "VALID"
        };
    }

    /** Writes one JUKI file and renames it into the folder; returns its path. */
    public static Path write(
            Path dir,
            String municipality,
            long seq,
            ExportHeader.Kind kind,
            Charset cs,
            Object[][] records)
            throws IOException {
        return write(
                dir,
                municipality,
                "JUKI",
                seq,
                kind,
                cs,
                OffsetDateTime.of(2026, 11, 25, 9, 0, 0, 0, ZoneOffset.ofHours(9)).plusMinutes(seq),
                records);
    }

    /** Writes one UTF-8 file of any source, made now. */
    public static Path write(
            Path dir,
            String municipality,
            String source,
            long seq,
            ExportHeader.Kind kind,
            Object[][] records)
            throws IOException {
        return write(
                dir,
                municipality,
                source,
                seq,
                kind,
                java.nio.charset.StandardCharsets.UTF_8,
                OffsetDateTime.now(ZoneOffset.ofHours(9)),
                records);
    }

    /** Writes one file of any source with its manifest's created-at; returns its path. */
    public static Path write(
            Path dir,
            String municipality,
            String source,
            long seq,
            ExportHeader.Kind kind,
            Charset cs,
            OffsetDateTime createdAt,
            Object[][] records)
            throws IOException {
        try (ExportWriter w =
                new ExportWriter(dir, municipality, source, seq, kind, cs, createdAt)) {
            for (Object[] r : records) {
                w.write((RecordType) r[0], (String[]) r[1]);
            }
            return w.commit();
        }
    }

    /** A seal registration record; {@code pngBase64} may be null for a cancelled one. */
    public static String[] seal(
            String registrationNo,
            String atena,
            String status,
            LocalDate registered,
            LocalDate cancelled,
            String pngBase64) {
        return new String[] {
            "U",
            registrationNo,
            atena,
            status,
            "NAME",
            EraDate.format(registered),
            cancelled == null ? "" : EraDate.format(cancelled),
            pngBase64 == null ? "" : pngBase64,
            pngBase64 == null ? "" : "15x15"
        };
    }

    /** An issuance block on a person ({@code atena}) or a household ({@code household}). */
    public static String[] block(
            String op, String id, String atena, String household, String kind) {
        return new String[] {
            op,
            id,
            atena == null ? "" : atena,
            household == null ? "" : household,
            kind == null ? "" : kind,
            "",
            ""
        };
    }

    /** A synthetic seal impression as base64 PNG, drawn with the shipped font. */
    public static String sealPng(String text) throws IOException {
        Path tmp = java.nio.file.Files.createTempFile("seal-", ".png");
        try {
            jp.kofuhub.render.SealImageMaker.make(text, Path.of("fonts/ipaexm.ttf"), 200, tmp);
            return java.util.Base64.getEncoder()
                    .encodeToString(java.nio.file.Files.readAllBytes(tmp));
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    public static Object[] rec(RecordType t, String... fields) {
        return new Object[] {t, fields};
    }
}
