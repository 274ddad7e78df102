package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.JuminhyoKind.ListedMember;
import jp.kofuhub.certificate.JuminhyoKind.Listing;
import jp.kofuhub.certificate.RefusalCode;
import org.junit.jupiter.api.Test;

/** The availability answer kept without names, and put back together from the replica's listing. */
class AvailabilityAnswersTest {

    private static final Listing LISTING =
            new Listing(
                    "000000000001",
                    "3f9a0c1d2e4b5a69",
                    List.of(
                            new ListedMember(1, "鏡霧　隠之介", "世帯主"),
                            new ListedMember(2, "鏡霧　秘乃", "妻")));

    private static String answer(Listing listing) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("transaction", "T1");
        root.putArray("kinds")
                .addObject()
                .put("kind", "JUMINHYO")
                .put("available", true)
                .put("fee", 300);
        AvailabilityAnswers.household(root, listing);
        root.putObject("offers").put("juminhyoCode", true);
        return root.toString();
    }

    @Test
    void keptHoldsPositionsAndVersionNeverNamesNorRelationships() {
        String kept = AvailabilityAnswers.kept(answer(LISTING));
        assertThat(kept)
                .doesNotContain("鏡霧", "隠之介", "秘乃", "世帯主", "妻", "name", "relationship")
                .contains(
                        "\"version\":\"3f9a0c1d2e4b5a69\"",
                        "{\"position\":1}",
                        "{\"position\":2}",
                        "\"fee\":300");
    }

    @Test
    void theSameHouseholdGivesTheSameAnswerByteForByte() {
        String answer = answer(LISTING);
        assertThat(
                        AvailabilityAnswers.restore(
                                AvailabilityAnswers.kept(answer), () -> Optional.of(LISTING)))
                .contains(answer);
    }

    @Test
    void anAnswerWithoutHouseholdIsKeptAsItIs() {
        String answer =
                "{\"transaction\":\"T2\",\"kinds\":[{\"kind\":\"INKAN\",\"available\":false,\"code\":\"NO_VALID_SEAL\"}]}";
        assertThat(AvailabilityAnswers.kept(answer)).isEqualTo(answer);
        assertThat(
                        AvailabilityAnswers.restore(
                                answer,
                                () -> {
                                    throw new AssertionError(
                                            "the replica is not read for an answer without household");
                                }))
                .contains(answer);
    }

    @Test
    void aChangedOrRefusedHouseholdGetsNoOldAnswer() {
        String kept = AvailabilityAnswers.kept(answer(LISTING));
        Listing movedIn =
                new Listing(
                        "000000000001",
                        "0000000000000001",
                        List.of(
                                LISTING.members().get(0),
                                LISTING.members().get(1),
                                new ListedMember(3, "鏡霧　新", "子")));
        assertThat(AvailabilityAnswers.restore(kept, () -> Optional.of(movedIn))).isEmpty();
        Listing sameVersionOtherCount =
                new Listing("000000000001", LISTING.version(), List.of(LISTING.members().get(0)));
        assertThat(AvailabilityAnswers.restore(kept, () -> Optional.of(sameVersionOtherCount)))
                .isEmpty();
        assertThat(AvailabilityAnswers.restore(kept, Optional::empty)).isEmpty();
        assertThat(
                        AvailabilityAnswers.restore(
                                kept,
                                () -> {
                                    throw new CertificateKind.Refusal(
                                            RefusalCode.MOVED_OUT, "000000000001", "moved out");
                                }))
                .isEmpty();
    }
}
