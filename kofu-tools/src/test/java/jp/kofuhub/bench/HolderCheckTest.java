package jp.kofuhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The issuance benchmark's document check, on text layers as PDFBox gives them (no timing here).
 */
class HolderCheckTest {

    private final HolderCheck check =
            new HolderCheck(
                    Map.of(
                            "000001",
                                    new HolderCheck.Resident(HolderCheck.normalize("山田　太郎"), "H1"),
                            "000002",
                                    new HolderCheck.Resident(HolderCheck.normalize("山田　花子"), "H1"),
                            "000003",
                                    new HolderCheck.Resident(HolderCheck.normalize("佐藤　一郎"), "H2"),
                            "000004",
                                    new HolderCheck.Resident(
                                            HolderCheck.normalize("SMITH JOHN"), "H3"),
                            "000005",
                                    new HolderCheck.Resident(HolderCheck.normalize("上野　正三"), "H4"),
                            "000006",
                                    new HolderCheck.Resident(HolderCheck.normalize("今野　恵子"), "H5"),
                            "000007", new HolderCheck.Resident(HolderCheck.normalize("今野　恵"), "H6"),
                            "000008",
                                    new HolderCheck.Resident(
                                            HolderCheck.normalize("KIM SEOYEON"), "H7"),
                            "000008#tsusho",
                                    new HolderCheck.Resident(HolderCheck.normalize("中野　恵"), "H7"),
                            "000009",
                                    new HolderCheck.Resident(HolderCheck.normalize("中野　恵"), "H8")),
                    List.of("上野　正三"));

    private Optional<String> check(String text, String atena, String number) {
        return check.checkText(text, check.resident(atena), number);
    }

    @Test
    void aHouseholdCopyOfTheHolderPasses() {
        String text = "住民票の写し\n発行番号 012343-20261125-000042\n氏名 山田 太郎\n氏名 山田 花子\n北広島市長 上野 正三\n";
        assertThat(check(text, "000001", "012343-20261125-000042")).isEmpty();
    }

    @Test
    void aForeignHoldersAlphabetNamePasses() {
        assertThat(check("氏名 SMITH\nJOHN 発行番号 N-1", "000004", "N-1")).isEmpty();
    }

    @Test
    void someoneElsesDocumentFails() {
        assertThat(check("氏名 佐藤 一郎 発行番号 N-1", "000001", "N-1")).contains("HOLDER_NAME_MISSING");
        assertThat(check("氏名 山田 太郎 佐藤 一郎 発行番号 N-1", "000001", "N-1")).contains("OTHER_PERSON");
    }

    /** 今野 恵 (another household) is the start of 今野 恵子: her own document does not print him. */
    @Test
    void aNameThatStartsAMembersNameIsNotAnotherPerson() {
        assertThat(check("氏名 今野 恵子 発行番号 N-1", "000006", "N-1")).isEmpty();
        assertThat(check("氏名 今野 恵子 今野 恵 発行番号 N-1", "000006", "N-1")).contains("OTHER_PERSON");
    }

    /** The 通称 of a foreign member (中野 恵) that is also a Japanese resident's name elsewhere. */
    @Test
    void aForeignMembersAliasIsTheirOwnName() {
        assertThat(check("氏名 KIM SEOYEON 通称 中野 恵 発行番号 N-1", "000008", "N-1")).isEmpty();
    }

    @Test
    void theAnnouncedIssueNumberMustBePrinted() {
        assertThat(check("氏名 山田 太郎 発行番号 N-2", "000001", "N-1")).contains("ISSUE_NUMBER_MISSING");
        assertThat(check("氏名 山田 太郎 発行番号 N-2", "000001", "")).contains("ISSUE_NUMBER_MISSING");
    }

    @Test
    void fopsMissingGlyphMarkFails() {
        assertThat(check("氏名 山田 #郎 発行番号 N-1", "000001", "N-1")).contains("MISSING_GLYPH");
    }

    @Test
    void anUnknownHolderOrAnUnreadablePdfFails() {
        assertThat(check.check(new byte[] {1, 2, 3}, "999999", "N-1")).contains("UNKNOWN_HOLDER");
        assertThat(check.check(new byte[] {1, 2, 3}, "000001", "N-1")).contains("UNREADABLE_PDF");
    }
}
