package jp.kofuhub.certificate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.ReplicaReader;

/**
 * 住民票の写し (JUMINHYO) and 住民票記載事項証明書 (JUMINHYO_KISAI): the whole household or the members the
 * resident chose, with the optional items the municipality allows. Members are chosen by their
 * position in the household listing ({@link #listing}), which carries a version: a list chosen on
 * an older version of the household is REPLICA_CHANGED, never someone else's record.
 */
public class JuminhyoKind extends ReplicaKind {

    public static final String JUMINHYO = "JUMINHYO";
    public static final String KISAI = "JUMINHYO_KISAI";

    private final String code;
    private final ReplicaReader replica;
    private final JuminhyoDocument document;

    /** 住民票の写し. */
    public JuminhyoKind(ReplicaReader replica, FontChain fonts) {
        this(JUMINHYO, replica, fonts);
    }

    public JuminhyoKind(String code, ReplicaReader replica, FontChain fonts) {
        super(new Eligibility());
        if (!JUMINHYO.equals(code) && !KISAI.equals(code)) {
            throw new IllegalArgumentException("not a 住民票 kind: " + code);
        }
        this.code = code;
        this.replica = replica;
        this.document = new JuminhyoDocument(fonts);
    }

    /**
     * A member selection that does not fit the household it was made for (400 INVALID_SELECTION).
     */
    public static class InvalidSelection extends RuntimeException {
        public InvalidSelection(String message) {
            super(message, null, false, false);
        }
    }

    /** One line of the household listing the kiosk shows for choosing members. */
    public record ListedMember(int position, String name, String relationship) {}

    /**
     * The household as the kiosk lists it: members in standard order, and the version of that list.
     */
    public record Listing(String holderAtena, String version, List<ListedMember> members) {}

    @Override
    public String code() {
        return code;
    }

    @Override
    public String template() {
        return KISAI.equals(code) ? "kisai" : "juminhyo";
    }

    @Override
    public List<String> sources() {
        return List.of("JUKI");
    }

    @Override
    public boolean accepts(CertificateOptions options) {
        return !options.hasTaxOptions();
    }

    @Override
    Optional<CardHolder> read(
            MunicipalityProfile city, String serial, CertificateOptions options, LocalDate today) {
        return replica.findBySerial(city.code(), serial, today);
    }

    @Override
    Optional<RefusalCode> refuseOptions(
            MunicipalityProfile city, CertificateOptions options, LocalDate today) {
        if ((options.juminhyoCode() && !city.printJuminhyoCode())
                || (options.myNumber() && !city.printMyNumber())) {
            return Optional.of(RefusalCode.OPTION_NOT_OFFERED);
        }
        return Optional.empty();
    }

    @Override
    String write(
            CardHolder card,
            MunicipalityProfile city,
            CertificateOptions options,
            String sealUri,
            LocalDate today) {
        List<Person> household = registered(card);
        List<Person> chosen = choose(card, household, options);
        return document.build(
                code,
                card,
                chosen,
                chosen.size() == household.size(),
                city,
                options,
                sealUri,
                today);
    }

    /** 個人票: one member a sheet; 世帯連記式 and the 記載事項証明書: four. */
    @Override
    int sheets(CardHolder card, MunicipalityProfile city, CertificateOptions options) {
        int members = choose(card, registered(card), options).size();
        int perSheet =
                JUMINHYO.equals(code) && MunicipalityProfile.KOJIN.equals(city.layout()) ? 1 : 4;
        return Math.max(1, (members + perSheet - 1) / perSheet);
    }

    /**
     * The household listing for the card holder: refused exactly as the whole-household certificate
     * would be (a refused holder never sees the names), else the members in standard order.
     */
    public Optional<Listing> listing(MunicipalityProfile city, String serial, LocalDate today) {
        Optional<CardHolder> found = read(city, serial, CertificateOptions.NONE, today);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CardHolder card = found.get();
        String atena = card.holder().atenaNo();
        new Eligibility()
                .decide(card, city, today)
                .ifPresent(
                        c -> {
                            throw new Refusal(c, atena, c.meaning());
                        });
        List<Person> household = registered(card);
        List<ListedMember> lines = new ArrayList<>();
        for (int i = 0; i < household.size(); i++) {
            Person p = household.get(i);
            lines.add(new ListedMember(i + 1, JuminhyoDocument.displayName(p), p.relationship()));
        }
        return Optional.of(new Listing(atena, version(household), List.copyOf(lines)));
    }

    /** The members still registered, in standard household order. */
    static List<Person> registered(CardHolder card) {
        return HouseholdOrder.sort(card.members().stream().filter(p -> !p.removed()).toList());
    }

    /**
     * The version of a household listing: a hash of its members' 宛名番号 in order. It changes when
     * anyone moves in or out or the order changes; it does not reveal the numbers.
     */
    static String version(List<Person> household) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Person p : household) {
                md.update(p.atenaNo().getBytes(StandardCharsets.US_ASCII));
                md.update((byte) '|');
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Person> choose(
            CardHolder card, List<Person> household, CertificateOptions options) {
        switch (options.members()) {
            case CertificateOptions.ALL:
                return household;
            case CertificateOptions.SELF:
                return List.of(card.holder());
            default:
                if (!version(household).equals(options.householdVersion())) {
                    throw new Refusal(
                            RefusalCode.REPLICA_CHANGED,
                            card.holder().atenaNo(),
                            "the household changed since it was listed; list it again");
                }
                Set<Integer> positions = new LinkedHashSet<>(options.positions());
                List<Person> chosen = new ArrayList<>();
                for (int i = 0; i < household.size(); i++) {
                    if (positions.remove(i + 1)) {
                        chosen.add(household.get(i));
                    }
                }
                if (!positions.isEmpty()) {
                    throw new InvalidSelection(
                            "positions " + positions + " are not in the household listing");
                }
                return chosen;
        }
    }
}
