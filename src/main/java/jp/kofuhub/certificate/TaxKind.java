package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.replica.CardHolder;
import jp.kofuhub.replica.ReplicaReader;

/**
 * 所得証明書 (SHOTOKU), 課税(非課税)証明書 (KAZEI) and 所得・課税証明書 (SHOTOKU_KAZEI) for the 年度 the municipality
 * offers on the day (its switch-over date, e.g. June 10).
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
    public boolean accepts(CertificateOptions options) {
        return !options.hasJuminhyoOptions();
    }

    /** The 年度 asked for, or the one the municipality offers today. */
    static int year(MunicipalityProfile city, CertificateOptions options, LocalDate today) {
        return options.taxYear() != null ? options.taxYear() : city.offeredTaxYear(today);
    }

    @Override
    Optional<CardHolder> read(
            MunicipalityProfile city, String serial, CertificateOptions options, LocalDate today) {
        return replica.findTaxHolder(city.code(), serial, today, year(city, options, today));
    }

    /**
     * The tax rows of the table need the record of the year read; these come before them: a 年度 the
     * municipality does not offer, or a special-purpose variant (counter only).
     */
    @Override
    Optional<RefusalCode> refuseOptions(
            MunicipalityProfile city, CertificateOptions options, LocalDate today) {
        if (!city.offersTaxYear(year(city, options, today), today)) {
            return Optional.of(RefusalCode.TAX_YEAR_NOT_OFFERED);
        }
        if (options.taxVariant() != null) {
            return Optional.of(RefusalCode.TAX_VARIANT_NOT_OFFERED);
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
        return document.build(code, card, city, sealUri, today);
    }
}
