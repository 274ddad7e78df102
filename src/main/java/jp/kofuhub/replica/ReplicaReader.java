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
 * Reads the replica for issuance. The card, the holder, the household and every member come from
 * a single SELECT: one statement sees one snapshot on both H2 and PostgreSQL, so a household is
 * seen wholly before or wholly after a sync file, never half-moved. Every query names the
 * municipality: a request can never reach another municipality's rows.
 */
public class ReplicaReader {

    private static final String PERSON_COLUMNS = "m.atena_no, m.household_no, m.resident_type, m.family_name,"
            + " m.given_name, m.family_name_kana, m.given_name_kana, m.kana_confirmed, m.kyu_uji, m.kyu_uji_kana,"
            + " m.alpha_name, m.tsusho, m.tsusho_kana, m.nationality, m.residence_status, m.residence_period_end,"
            + " m.birth_date, m.sex, m.relationship, m.honseki, m.hittosha, m.address_since, m.previous_address,"
            + " m.became_resident_date, m.notified_date, m.status, m.person_block, m.support_measure,"
            + " m.adult_guardianship, m.change_reason";

    private static final String HOLDER_AND_HOUSEHOLD = "select c.serial, c.cert_kind, c.status as cert_status,"
            + " c.valid_until, c.atena_no as holder_atena, h.household_no as h_no, h.head_atena_no, h.postal_code,"
            + " h.address, h.katagaki, h.household_block, " + PERSON_COLUMNS
            + " from card_serial c"
            + " join resident r on r.municipality_code = c.municipality_code and r.atena_no = c.atena_no"
            + " join household h on h.municipality_code = r.municipality_code and h.household_no = r.household_no"
            + " join resident m on m.municipality_code = h.municipality_code and m.household_no = h.household_no"
            + " where c.municipality_code = ? and c.serial = ?";

    private final JdbcTemplate jdbc;

    public ReplicaReader(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The card holder and household, or empty when the serial is unknown in this municipality. */
    public Optional<CardHolder> findBySerial(String municipality, String serial) {
        return Optional.ofNullable(jdbc.query(HOLDER_AND_HOUSEHOLD, rs -> {
            List<Person> members = new ArrayList<>();
            String holderAtena = null;
            Household household = null;
            String certKind = null;
            String certStatus = null;
            LocalDate validUntil = null;
            while (rs.next()) {
                if (household == null) {
                    holderAtena = rs.getString("holder_atena");
                    certKind = rs.getString("cert_kind");
                    certStatus = rs.getString("cert_status");
                    validUntil = date(rs, "valid_until");
                    household = new Household(rs.getString("h_no"), rs.getString("head_atena_no"),
                            rs.getString("postal_code"), rs.getString("address"), rs.getString("katagaki"),
                            rs.getBoolean("household_block"));
                }
                members.add(person(rs));
            }
            if (household == null) {
                return null;
            }
            String atena = holderAtena;
            Person holder = members.stream().filter(p -> p.atenaNo().equals(atena)).findFirst().orElseThrow();
            return new CardHolder(serial, certKind, certStatus, validUntil, holder, household, List.copyOf(members));
        }, municipality, serial));
    }

    /** Whether a serial is known at all in this municipality (even if its holder has no household row). */
    public boolean serialExists(String municipality, String serial) {
        Integer n = jdbc.queryForObject("select count(*) from card_serial where municipality_code = ? and serial = ?",
                Integer.class, municipality, serial);
        return n != null && n > 0;
    }

    private static Person person(ResultSet rs) throws SQLException {
        return new Person(rs.getString("atena_no"), rs.getString("household_no"), rs.getString("resident_type"),
                rs.getString("family_name"), rs.getString("given_name"), rs.getString("family_name_kana"),
                rs.getString("given_name_kana"), rs.getBoolean("kana_confirmed"), rs.getString("kyu_uji"),
                rs.getString("kyu_uji_kana"), rs.getString("alpha_name"), rs.getString("tsusho"),
                rs.getString("tsusho_kana"), rs.getString("nationality"), rs.getString("residence_status"),
                date(rs, "residence_period_end"), date(rs, "birth_date"), rs.getString("sex"),
                rs.getString("relationship"), rs.getString("honseki"), rs.getString("hittosha"),
                date(rs, "address_since"), rs.getString("previous_address"), date(rs, "became_resident_date"),
                date(rs, "notified_date"), rs.getString("status"), rs.getBoolean("person_block"),
                rs.getString("support_measure"), rs.getBoolean("adult_guardianship"), rs.getString("change_reason"));
    }

    private static LocalDate date(ResultSet rs, String col) throws SQLException {
        Date d = rs.getDate(col);
        return d == null ? null : d.toLocalDate();
    }
}
