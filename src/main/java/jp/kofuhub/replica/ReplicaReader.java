package jp.kofuhub.replica;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the replica for issuance. Each question is answered by a single SELECT — card, holder,
 * household, members, their active issuance blocks (as scalar subqueries) and, for seals, the valid
 * registration — because one statement sees one snapshot on both H2 and PostgreSQL: a household is
 * seen wholly before or wholly after a sync file, never half-moved. Every query names the
 * municipality: a request can never reach another municipality's rows.
 */
public class ReplicaReader {

    private static final String ACTIVE =
            " and (b.valid_from is null or b.valid_from <= ?)"
                    + " and (b.valid_until is null or b.valid_until >= ?)";
    private static final String SUPPORT =
            " and b.block_kind in ('SUPPORT_MEASURE', 'SUPPORT_MEASURE_PROVISIONAL')";
    private static final String SUPPRESS = " and b.block_kind = 'SUPPRESSION'";

    private static final String PERSON_COLUMNS =
            "m.atena_no, m.household_no, m.resident_type, m.family_name,"
                    + " m.given_name, m.family_name_kana, m.given_name_kana, m.kana_confirmed, m.kyu_uji, m.kyu_uji_kana,"
                    + " m.alpha_name, m.tsusho, m.tsusho_kana, m.nationality, m.residence_status, m.residence_period_end,"
                    + " m.birth_date, m.sex, m.relationship, m.honseki, m.hittosha, m.address_since,"
                    // 前住所: the address before moving INTO the city, from the latest 転入 snapshot of
                    // the
                    // history (issue #18); the row's own when the history has no 転入
                    // (JuminhyoDocument
                    // prints an address inside the city as blank)
                    + " coalesce((select h.previous_address from resident_history h"
                    + " where h.municipality_code = m.municipality_code and h.atena_no = m.atena_no"
                    + " and h.change_reason = '転入' and h.history_no = (select max(h2.history_no)"
                    + " from resident_history h2 where h2.municipality_code = m.municipality_code"
                    + " and h2.atena_no = m.atena_no and h2.change_reason = '転入'"
                    + " and h2.previous_address is not null)), m.previous_address) as previous_address,"
                    + " m.became_resident_date, m.notified_date, m.status, m.person_block, m.support_measure,"
                    + " m.adult_guardianship, m.change_reason, m.juminhyo_code, m.residence_card_no, m.change_notified_date,"
                    + " m.processed_date,"
                    + " (select n.my_number from my_number n where n.municipality_code = m.municipality_code"
                    + " and n.atena_no = m.atena_no) as my_number,"
                    + " (select count(*) from issuance_block b where b.municipality_code = m.municipality_code"
                    + " and b.atena_no = m.atena_no"
                    + SUPPORT
                    + ACTIVE
                    + ") as person_support_blocks,"
                    + " (select count(*) from issuance_block b where b.municipality_code = m.municipality_code"
                    + " and b.atena_no = m.atena_no"
                    + SUPPRESS
                    + ACTIVE
                    + ") as person_suppress_blocks";

    private static final String HOUSEHOLD_COLUMNS =
            "h.household_no as h_no, h.head_atena_no, h.postal_code,"
                    + " h.address, h.katagaki, h.household_block,"
                    + " (select count(*) from issuance_block b where b.municipality_code = h.municipality_code"
                    + " and b.household_no = h.household_no"
                    + SUPPORT
                    + ACTIVE
                    + ") as household_support_blocks,"
                    + " (select count(*) from issuance_block b where b.municipality_code = h.municipality_code"
                    + " and b.household_no = h.household_no"
                    + SUPPRESS
                    + ACTIVE
                    + ") as household_suppress_blocks";

    private static final String CARD_COLUMNS =
            "c.serial, c.cert_kind, c.status as cert_status, c.valid_until,"
                    + " c.atena_no as holder_atena";

    /** The card, its holder's household and every member of it. */
    private static final String HOUSEHOLD_OF_CARD =
            "select "
                    + CARD_COLUMNS
                    + ", "
                    + HOUSEHOLD_COLUMNS
                    + ", "
                    + PERSON_COLUMNS
                    + " from card_serial c"
                    + " join resident r on r.municipality_code = c.municipality_code and r.atena_no = c.atena_no"
                    + " join household h on h.municipality_code = r.municipality_code and h.household_no = r.household_no"
                    + " join resident m on m.municipality_code = h.municipality_code and m.household_no = h.household_no"
                    + " where c.municipality_code = ? and c.serial = ?";

    /**
     * The card, its holder (the only member read), the household and the valid seal registration.
     */
    private static final String SEAL_OF_CARD =
            "select "
                    + CARD_COLUMNS
                    + ", "
                    + HOUSEHOLD_COLUMNS
                    + ", "
                    + PERSON_COLUMNS
                    + ", s.registration_no, s.name_form, s.registered_date, s.seal_image,"
                    + " s.impression_width_mm, s.impression_height_mm"
                    + " from card_serial c"
                    + " join resident m on m.municipality_code = c.municipality_code and m.atena_no = c.atena_no"
                    + " join household h on h.municipality_code = m.municipality_code and h.household_no = m.household_no"
                    + " left join seal_registration s on s.municipality_code = m.municipality_code and s.atena_no = m.atena_no"
                    + " and s.status = 'VALID'"
                    + " where c.municipality_code = ? and c.serial = ?"
                    + " order by s.registered_date desc";

    /**
     * The card, its holder (the only member read), the household and the holder's tax record of one
     * 年度.
     */
    private static final String TAX_OF_CARD =
            "select "
                    + CARD_COLUMNS
                    + ", "
                    + HOUSEHOLD_COLUMNS
                    + ", "
                    + PERSON_COLUMNS
                    + ", t.fiscal_year, t.address_jan1, t.resident_jan1, t.filing_kind, t.income_salary,"
                    + " t.income_pension, t.income_business, t.income_other, t.total_income, t.deductions, t.taxable_income,"
                    + " t.city_per_capita, t.city_income_levy, t.pref_per_capita, t.pref_income_levy, t.non_taxed"
                    + " from card_serial c"
                    + " join resident m on m.municipality_code = c.municipality_code and m.atena_no = c.atena_no"
                    + " join household h on h.municipality_code = m.municipality_code and h.household_no = m.household_no"
                    + " left join tax_record t on t.municipality_code = m.municipality_code and t.atena_no = m.atena_no"
                    + " and t.fiscal_year = ?"
                    + " where c.municipality_code = ? and c.serial = ?";

    private final JdbcTemplate jdbc;

    public ReplicaReader(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The card holder and household, or empty when the serial is unknown in this municipality. */
    public Optional<CardHolder> findBySerial(String municipality, String serial, LocalDate today) {
        Date d = Date.valueOf(today);
        return Optional.ofNullable(
                jdbc.query(
                        HOUSEHOLD_OF_CARD,
                        rs -> {
                            CardHolder first = null;
                            List<Person> members = new ArrayList<>();
                            while (rs.next()) {
                                if (first == null) {
                                    first = card(rs, serial, List.of());
                                }
                                members.add(person(rs));
                            }
                            return first == null ? null : withMembers(first, members);
                        },
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        municipality,
                        serial));
    }

    /** The card holder (as the only member) with their valid seal registration, if any. */
    public Optional<CardHolder> findSealHolder(
            String municipality, String serial, LocalDate today) {
        Date d = Date.valueOf(today);
        return Optional.ofNullable(
                jdbc.query(
                        SEAL_OF_CARD,
                        rs -> {
                            if (!rs.next()) {
                                return null;
                            }
                            CardHolder holder =
                                    withMembers(card(rs, serial, List.of()), List.of(person(rs)));
                            String no = rs.getString("registration_no");
                            return no == null
                                    ? holder
                                    : holder.withSeal(
                                            new SealRegistration(
                                                    no,
                                                    rs.getString("name_form"),
                                                    date(rs, "registered_date"),
                                                    rs.getBytes("seal_image"),
                                                    rs.getBigDecimal("impression_width_mm"),
                                                    rs.getBigDecimal("impression_height_mm")));
                        },
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        municipality,
                        serial));
    }

    /** The card holder (as the only member) with their tax record of {@code fiscalYear}, if any. */
    public Optional<CardHolder> findTaxHolder(
            String municipality, String serial, LocalDate today, int fiscalYear) {
        Date d = Date.valueOf(today);
        return Optional.ofNullable(
                jdbc.query(
                        TAX_OF_CARD,
                        rs -> {
                            if (!rs.next()) {
                                return null;
                            }
                            CardHolder holder =
                                    withMembers(card(rs, serial, List.of()), List.of(person(rs)));
                            if (rs.getObject("fiscal_year") == null) {
                                return holder;
                            }
                            return holder.withTax(
                                    new TaxRecord(
                                            rs.getInt("fiscal_year"),
                                            rs.getString("address_jan1"),
                                            rs.getBoolean("resident_jan1"),
                                            rs.getString("filing_kind"),
                                            rs.getLong("income_salary"),
                                            rs.getLong("income_pension"),
                                            rs.getLong("income_business"),
                                            rs.getLong("income_other"),
                                            rs.getLong("total_income"),
                                            rs.getLong("deductions"),
                                            rs.getLong("taxable_income"),
                                            rs.getLong("city_per_capita"),
                                            rs.getLong("city_income_levy"),
                                            rs.getLong("pref_per_capita"),
                                            rs.getLong("pref_income_levy"),
                                            rs.getBoolean("non_taxed")));
                        },
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        d,
                        fiscalYear,
                        municipality,
                        serial));
    }

    private static CardHolder card(ResultSet rs, String serial, List<Person> members)
            throws SQLException {
        Household h =
                new Household(
                        rs.getString("h_no"),
                        rs.getString("head_atena_no"),
                        rs.getString("postal_code"),
                        rs.getString("address"),
                        rs.getString("katagaki"),
                        rs.getBoolean("household_block")
                                || rs.getLong("household_suppress_blocks") > 0,
                        rs.getLong("household_support_blocks") > 0);
        return new CardHolder(
                serial,
                rs.getString("cert_kind"),
                rs.getString("cert_status"),
                date(rs, "valid_until"),
                new Person(
                        rs.getString("holder_atena"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        false,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                h,
                members,
                null);
    }

    private static CardHolder withMembers(CardHolder c, List<Person> members) {
        String atena = c.holder().atenaNo();
        Person holder =
                members.stream().filter(p -> p.atenaNo().equals(atena)).findFirst().orElseThrow();
        return new CardHolder(
                c.serial(),
                c.certKind(),
                c.certStatus(),
                c.certValidUntil(),
                holder,
                c.household(),
                List.copyOf(members),
                null);
    }

    private static Person person(ResultSet rs) throws SQLException {
        String support = rs.getString("support_measure");
        if ("NONE".equals(support) && rs.getLong("person_support_blocks") > 0) {
            support = "ACTIVE";
        }
        return new Person(
                rs.getString("atena_no"),
                rs.getString("household_no"),
                rs.getString("resident_type"),
                rs.getString("family_name"),
                rs.getString("given_name"),
                rs.getString("family_name_kana"),
                rs.getString("given_name_kana"),
                rs.getBoolean("kana_confirmed"),
                rs.getString("kyu_uji"),
                rs.getString("kyu_uji_kana"),
                rs.getString("alpha_name"),
                rs.getString("tsusho"),
                rs.getString("tsusho_kana"),
                rs.getString("nationality"),
                rs.getString("residence_status"),
                date(rs, "residence_period_end"),
                date(rs, "birth_date"),
                rs.getString("sex"),
                rs.getString("relationship"),
                rs.getString("honseki"),
                rs.getString("hittosha"),
                date(rs, "address_since"),
                rs.getString("previous_address"),
                date(rs, "became_resident_date"),
                date(rs, "notified_date"),
                rs.getString("status"),
                rs.getBoolean("person_block") || rs.getLong("person_suppress_blocks") > 0,
                support,
                rs.getBoolean("adult_guardianship"),
                rs.getString("change_reason"),
                rs.getString("juminhyo_code"),
                rs.getString("residence_card_no"),
                date(rs, "change_notified_date"),
                date(rs, "processed_date"),
                rs.getString("my_number"));
    }

    private static LocalDate date(ResultSet rs, String col) throws SQLException {
        Date d = rs.getDate(col);
        return d == null ? null : d.toLocalDate();
    }
}
