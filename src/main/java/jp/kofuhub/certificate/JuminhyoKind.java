package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/** 住民票の写し, whole household. */
public class JuminhyoKind extends ReplicaKind {

    private final ReplicaReader replica;
    private final JuminhyoDocument document;

    public JuminhyoKind(ReplicaReader replica, FontChain fonts) {
        super(new Eligibility());
        this.replica = replica;
        this.document = new JuminhyoDocument(fonts);
    }

    @Override
    public String code() {
        return JuminhyoDocument.KIND;
    }

    @Override
    public String template() {
        return "juminhyo";
    }

    @Override
    public List<String> sources() {
        return List.of("JUKI");
    }

    @Override
    Optional<CardHolder> read(MunicipalityProfile city, String serial, LocalDate today) {
        return replica.findBySerial(city.code(), serial, today);
    }

    @Override
    String write(CardHolder card, MunicipalityProfile city, String sealUri, LocalDate today) {
        return document.build(card, city, sealUri, today);
    }
}
