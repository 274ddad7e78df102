package jp.kofuhub.koseki;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.CertificateOptions;
import jp.kofuhub.certificate.Eligibility;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.Person;
import jp.kofuhub.replica.ReplicaReader;

/**
 * 戸籍全部事項証明書 (KOSEKI_ZENBU), 戸籍個人事項証明書 (KOSEKI_KOJIN) and 戸籍の附票の写し (KOSEKI_FUHYO). The hub does not
 * render them: the city's koseki certificate server does (docs/interfaces/koseki-server.md). The
 * "data document" of this kind is the request to that server — who is asked about: the card
 * holder's own 戸籍, found through the replica (a resident whose 本籍 is in the city) or an approved
 * 本籍地利用登録 (anyone else). Drafting it twice gives the same request, which is how the issue phase
 * confirms nothing changed in flight.
 */
public class KosekiKind implements CertificateKind {

    public static final String TEMPLATE = "koseki";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String code;
    private final ReplicaReader replica;
    private final KosekiRegistrations registrations;
    private final Eligibility eligibility = Eligibility.koseki();
    private final Eligibility removed = Eligibility.kosekiRemoved();

    public KosekiKind(String code, ReplicaReader replica, KosekiRegistrations registrations) {
        if (!List.of("KOSEKI_ZENBU", "KOSEKI_KOJIN", "KOSEKI_FUHYO").contains(code)) {
            throw new IllegalArgumentException("not a 戸籍 kind: " + code);
        }
        this.code = code;
        this.replica = replica;
        this.registrations = registrations;
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public String template() {
        return TEMPLATE;
    }

    /**
     * Residents are found through the resident registry; registrations live in the hub's own table.
     */
    @Override
    public List<String> sources() {
        return List.of("JUKI");
    }

    /** Only the 附票 takes an option: 本籍・筆頭者 printed on it ({@code honseki}). */
    @Override
    public boolean accepts(CertificateOptions options) {
        return !options.hasTaxOptions()
                && CertificateOptions.ALL.equals(options.members())
                && options.householdVersion() == null
                && !options.householdHead()
                && !options.juminhyoCode()
                && !options.myNumber()
                && (!options.honseki() || "KOSEKI_FUHYO".equals(code));
    }

    /**
     * The request to the koseki server, without the requestId (the 発行番号 is added when the request
     * is sent). A resident whose 本籍 is elsewhere, or an unknown serial without an approved
     * registration, is refused: 戸籍 certificates of another municipality are never asked for.
     */
    @Override
    public Optional<Draft> draft(
            MunicipalityProfile city,
            String serial,
            CertificateOptions options,
            String sealUri,
            LocalDate today) {
        String prefix = city.prefecture() + city.name();
        Optional<CardHolder> resident = replica.findBySerial(city.code(), serial, today);
        KosekiSubject subject;
        String atena;
        if (resident.isPresent() && !resident.get().holder().removed()) {
            CardHolder card = resident.get();
            Person p = card.holder();
            atena = p.atenaNo();
            eligibility
                    .decide(card, city, today)
                    .ifPresent(
                            c -> {
                                throw new Refusal(c, atena, c.meaning());
                            });
            if (p.honseki() == null || !p.honseki().startsWith(prefix) || p.hittosha() == null) {
                Optional<KosekiSubject> registered = registrations.approved(city.code(), serial);
                subject = registered.orElseThrow(() -> refusal(city, serial, atena));
            } else {
                subject =
                        new KosekiSubject(
                                p.honseki(),
                                p.hittosha(),
                                p.familyName() + "　" + p.givenName(),
                                p.birthDate(),
                                null);
            }
        } else {
            atena = resident.map(c -> c.holder().atenaNo()).orElse(null);
            // a removed record (died, moved away) is still the holder's: its refusals come first
            resident.flatMap(card -> removed.decide(card, city, today))
                    .ifPresent(
                            c -> {
                                throw new Refusal(c, atena, c.meaning());
                            });
            subject =
                    registrations
                            .approved(city.code(), serial)
                            .orElseThrow(() -> refusal(city, serial, atena));
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("municipality", city.code());
        request.put("kind", code);
        request.put("honseki", subject.honseki());
        request.put("hittosha", subject.hittosha());
        request.putObject("person")
                .put("name", subject.name())
                .put("birthDate", subject.birthDate().toString());
        if ("KOSEKI_FUHYO".equals(code)) {
            request.putObject("options").put("honsekiHittosha", options.honseki());
        }
        // a non-resident has no 宛名番号 here: logs and history name the registration through the
        // transaction
        return Optional.of(new Draft(atena, request.toString(), 1));
    }

    private Refusal refusal(MunicipalityProfile city, String serial, String atena) {
        RefusalCode c =
                registrations.pending(city.code(), serial)
                        ? RefusalCode.KOSEKI_REGISTRATION_PENDING
                        : RefusalCode.KOSEKI_NOT_REGISTERED;
        return new Refusal(c, atena, c.meaning());
    }
}
