package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/** 住民票の写し, whole household. */
public class JuminhyoKind implements CertificateKind {

    private final ReplicaReader replica;
    private final Eligibility eligibility = new Eligibility();
    private final JuminhyoDocument document;

    public JuminhyoKind(ReplicaReader replica, FontChain fonts) {
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
    public Optional<Draft> draft(MunicipalityProfile city, String serial, String sealUri, LocalDate today) {
        Optional<CardHolder> found = replica.findBySerial(city.code(), serial, today);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CardHolder card = found.get();
        String atena = card.holder().atenaNo();
        eligibility.decide(card, city, today).ifPresent(code -> {
            throw new Refusal(code, atena, code.meaning());
        });
        try {
            return Optional.of(new Draft(atena, document.build(card, city, sealUri, today)));
        } catch (GlyphUnavailableException e) {
            throw new Refusal(RefusalCode.GLYPH_UNAVAILABLE, atena, "a character in field " + e.field() + " cannot be printed");
        }
    }
}
