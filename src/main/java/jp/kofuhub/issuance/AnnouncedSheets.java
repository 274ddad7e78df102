package jp.kofuhub.issuance;

import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.render.FieldOverflowException;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.render.LayoutPages;

/**
 * The sheets phase 1 announces for a drafted certificate (issue #18): they must equal the pages the
 * issue phase prints, for every kind and option. The 住民票 kinds, whose length depends on the
 * household, the options and the line wraps, are counted by laying the very data document out
 * ({@link LayoutPages}); a glyph or box the renderer would refuse is refused here, before any 発行番号
 * is taken. The other kinds drawn from the replica (印鑑, tax) have a one-sheet layout: their draft
 * says 1, and {@code SheetsOnDemoCityTest} renders every one of them in the demo city to prove it.
 * 戸籍 come from the koseki server as they are.
 */
public class AnnouncedSheets {

    private final LayoutPages pages;

    public AnnouncedSheets(LayoutPages pages) {
        this.pages = pages;
    }

    public int of(MunicipalityProfile city, CertificateKind kind, CertificateKind.Draft draft) {
        if (!(kind instanceof JuminhyoKind)) {
            return draft.sheets();
        }
        try {
            return pages.pages(city.code(), kind.template(), draft.dataXml());
        } catch (GlyphUnavailableException e) {
            throw new CertificateKind.Refusal(
                    RefusalCode.GLYPH_UNAVAILABLE,
                    draft.holderAtena(),
                    "a character of the document cannot be printed");
        } catch (FieldOverflowException e) {
            throw new CertificateKind.Refusal(
                    RefusalCode.FIELD_OVERFLOW,
                    draft.holderAtena(),
                    "the document does not fit its layout");
        }
    }
}
