package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/**
 * 所得証明書 (SHOTOKU), 課税(非課税)証明書 (KAZEI) and 所得・課税証明書 (SHOTOKU_KAZEI) for the 年度 the
 * municipality offers on the day (its switch-over date, e.g. June 10).
 */
public class TaxKind implements CertificateKind {

    private final String code;
    private final ReplicaReader replica;
    private final Eligibility eligibility = Eligibility.tax();
    private final TaxDocument document;

    public TaxKind(String code, ReplicaReader replica, FontChain fonts) {
        this.code = code;
        this.replica = replica;
        this.document = new TaxDocument(fonts);
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public String template() {
        return "tax";
    }

    @Override
    public List<String> sources() {
        return List.of("JUKI", "ZEI");
    }

    @Override
    public Optional<Draft> draft(MunicipalityProfile city, String serial, String sealUri, LocalDate today) {
        Optional<CardHolder> found = replica.findTaxHolder(city.code(), serial, today, city.offeredTaxYear(today));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CardHolder card = found.get();
        String atena = card.holder().atenaNo();
        eligibility.decide(card, city, today).ifPresent(c -> {
            throw new Refusal(c, atena, c.meaning());
        });
        try {
            return Optional.of(new Draft(atena, document.build(code, card, city, sealUri, today)));
        } catch (GlyphUnavailableException e) {
            throw new Refusal(RefusalCode.GLYPH_UNAVAILABLE, atena, "a character in field " + e.field() + " cannot be printed");
        }
    }
}
