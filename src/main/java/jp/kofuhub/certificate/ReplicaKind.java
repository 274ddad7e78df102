package jp.kofuhub.certificate;

import java.time.LocalDate;
import java.util.Optional;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FieldOverflowException;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.replica.CardHolder;

/**
 * The shape every kind drawn from the replica shares: read the card holder in one statement, apply
 * the kind's eligibility table, write the data document (glyph-checked). Subclasses say what to
 * read and how to write it.
 */
abstract class ReplicaKind implements CertificateKind {

    private final Eligibility eligibility;

    ReplicaKind(Eligibility eligibility) {
        this.eligibility = eligibility;
    }

    /**
     * The card holder with what this kind prints, in one consistent read; empty for an unknown
     * serial.
     */
    abstract Optional<CardHolder> read(
            MunicipalityProfile city, String serial, CertificateOptions options, LocalDate today);

    /**
     * A refusal that follows from the options alone and the municipality's settings (an item it
     * does not print, a 年度 it does not offer), decided before the eligibility table: it is about
     * the request, not the person. None by default.
     */
    Optional<RefusalCode> refuseOptions(
            MunicipalityProfile city, CertificateOptions options, LocalDate today) {
        return Optional.empty();
    }

    /**
     * The data document; may throw {@link GlyphUnavailableException} or {@link
     * FieldOverflowException}.
     */
    abstract String write(
            CardHolder card,
            MunicipalityProfile city,
            CertificateOptions options,
            String sealUri,
            LocalDate today);

    /** The sheets the certificate takes; one unless the kind says otherwise. */
    int sheets(CardHolder card, MunicipalityProfile city, CertificateOptions options) {
        return 1;
    }

    @Override
    public final Optional<Draft> draft(
            MunicipalityProfile city,
            String serial,
            CertificateOptions options,
            String sealUri,
            LocalDate today) {
        Optional<CardHolder> found = read(city, serial, options, today);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CardHolder card = found.get();
        String atena = card.holder().atenaNo();
        refuseOptions(city, options, today)
                .or(() -> eligibility.decide(card, city, today))
                .ifPresent(
                        code -> {
                            throw new Refusal(code, atena, code.meaning());
                        });
        try {
            String xml = write(card, city, options, sealUri, today);
            return Optional.of(new Draft(atena, xml, sheets(card, city, options)));
        } catch (GlyphUnavailableException e) {
            throw new Refusal(
                    RefusalCode.GLYPH_UNAVAILABLE,
                    atena,
                    "a character in field " + e.field() + " cannot be printed");
        } catch (FieldOverflowException e) {
            throw new Refusal(
                    RefusalCode.FIELD_OVERFLOW,
                    atena,
                    "field " + e.field() + " does not fit its box");
        }
    }
}
