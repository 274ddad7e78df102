package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/** 印鑑登録証明書: the holder's valid seal registration, never a cancelled one. */
public class InkanKind implements CertificateKind {

    private final ReplicaReader replica;
    private final Eligibility eligibility = Eligibility.inkan();
    private final InkanDocument document;

    public InkanKind(ReplicaReader replica, FontChain fonts) {
        this.replica = replica;
        this.document = new InkanDocument(fonts);
    }

    @Override
    public String code() {
        return InkanDocument.KIND;
    }

    @Override
    public String template() {
        return "inkan";
    }

    @Override
    public List<String> sources() {
        return List.of("JUKI", "INKAN");
    }

    @Override
    public Optional<Draft> draft(MunicipalityProfile city, String serial, String sealUri, LocalDate today) {
        Optional<CardHolder> found = replica.findSealHolder(city.code(), serial, today);
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
