package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/**
 * 所得証明書 (SHOTOKU), 課税(非課税)証明書 (KAZEI) and 所得・課税証明書 (SHOTOKU_KAZEI) for the 年度 the
 * municipality offers on the day (its switch-over date, e.g. June 10).
 */
public class TaxKind extends ReplicaKind {

    private final String code;
    private final ReplicaReader replica;
    private final TaxDocument document;

    public TaxKind(String code, ReplicaReader replica, FontChain fonts) {
        super(Eligibility.tax());
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
    Optional<CardHolder> read(MunicipalityProfile city, String serial, LocalDate today) {
        return replica.findTaxHolder(city.code(), serial, today, city.offeredTaxYear(today));
    }

    @Override
    String write(CardHolder card, MunicipalityProfile city, String sealUri, LocalDate today) {
        return document.build(code, card, city, sealUri, today);
    }
}
