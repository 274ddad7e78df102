package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #18 item 3: 前住所 after a move within the city (転居) is the address before the person moved
 * INTO the city, or blank — never the previous in-city address (DOMAIN §5). A registry that sends
 * its 転居 snapshot with the old in-city address in {@code previous_address} (the 異動前住所) does not
 * change what prints: the hub takes it from the latest 転入 snapshot of the person's history.
 * Municipality 990344 (a copy of the demo profile, 北海道北広島市).
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class PreviousAddressOnH2Test extends HubTestBase {

    static final String CITY = "990344";
    static final String MOVER = atena(34401), BORN_HERE_MOVED = atena(34402);
    static final String OUTSIDE = "東京都千代田区千代田１番１号";
    static final String OLD_IN_CITY = "北海道北広島市中央１丁目１番１号";
    static final String NEW_IN_CITY = "北海道北広島市栄町２丁目３番４号";

    @Test
    void aMoveWithinTheCityKeepsTheAddressBeforeMovingIn() throws Exception {
        String[] moved =
                resident(MOVER, 1, "1", "転居", "一郎", "世帯主", LocalDate.of(1980, 1, 1), "RESIDENT");
        set(moved, "change_reason", "転入");
        set(moved, "previous_address", OUTSIDE);
        set(moved, "became_resident_date", EraDate.format(LocalDate.of(2020, 4, 1)));
        set(moved, "change_date", EraDate.format(LocalDate.of(2020, 4, 1)));
        // the only snapshot the hub gets of this one is a 転居 naming the old in-city address
        String[] other =
                resident(
                        BORN_HERE_MOVED,
                        1,
                        "2",
                        "生来",
                        "二郎",
                        "世帯主",
                        LocalDate.of(1990, 1, 1),
                        "RESIDENT");
        TestRecords.write(
                inbox,
                CITY,
                1,
                Kind.FULL,
                java.nio.charset.StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("1", MOVER, OLD_IN_CITY)),
                    rec(RecordType.H, household("2", BORN_HERE_MOVED, NEW_IN_CITY)),
                    rec(RecordType.R, moved),
                    rec(RecordType.R, other),
                    rec(RecordType.C, card("ZJ00000000000001", MOVER)),
                    rec(RecordType.C, card("ZJ00000000000002", BORN_HERE_MOVED)),
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);
        assertThat(issuedText("ZJ00000000000001")).contains(OUTSIDE);

        // 転居: a new address in the city; the registry sends the old one as previous_address
        String[] after = moved.clone();
        set(after, "history_no", "2");
        set(after, "change_reason", "転居");
        set(after, "previous_address", OLD_IN_CITY);
        set(after, "address_since", EraDate.format(LocalDate.of(2025, 6, 1)));
        set(after, "change_date", EraDate.format(LocalDate.of(2025, 6, 1)));
        String[] otherAfter = other.clone();
        set(otherAfter, "history_no", "2");
        set(otherAfter, "change_reason", "転居");
        set(otherAfter, "previous_address", OLD_IN_CITY);
        set(otherAfter, "address_since", EraDate.format(LocalDate.of(2025, 6, 1)));
        TestRecords.write(
                inbox,
                CITY,
                2,
                Kind.DELTA,
                java.nio.charset.StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("1", MOVER, NEW_IN_CITY)),
                    rec(RecordType.R, after),
                    rec(RecordType.R, otherAfter),
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 2);

        String text = issuedText("ZJ00000000000001");
        assertThat(text).contains(Pdfs.compact(NEW_IN_CITY)).contains(Pdfs.compact(OUTSIDE));
        assertThat(text).doesNotContain(Pdfs.compact(OLD_IN_CITY));
        // no 転入 in the history, only an in-city address: 前住所 blank, not the old in-city one
        String blank = issuedText("ZJ00000000000002");
        assertThat(blank)
                .contains(Pdfs.compact(NEW_IN_CITY))
                .doesNotContain(Pdfs.compact(OLD_IN_CITY));
    }

    private String issuedText(String serial) throws Exception {
        HttpResponse<byte[]> r =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson(CITY, serial, "JUMINHYO"));
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        return Pdfs.compact(Pdfs.text(r.body()));
    }
}
