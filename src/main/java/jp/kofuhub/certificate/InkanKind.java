package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/** 印鑑登録証明書: the holder's valid seal registration, never a cancelled one. */
public class InkanKind extends ReplicaKind {

    private final ReplicaReader replica;
    private final InkanDocument document;

    public InkanKind(ReplicaReader replica, FontChain fonts) {
        super(Eligibility.inkan());
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
    public boolean accepts(CertificateOptions options) {
        return !options.hasJuminhyoOptions() && !options.hasTaxOptions();
    }

    @Override
    Optional<CardHolder> read(
            MunicipalityProfile city, String serial, CertificateOptions options, LocalDate today) {
        return replica.findSealHolder(city.code(), serial, today);
    }

    @Override
    String write(
            CardHolder card,
            MunicipalityProfile city,
            CertificateOptions options,
            String sealUri,
            LocalDate today) {
        return document.build(card, city, sealUri, today);
    }
}
