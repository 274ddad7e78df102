package jp.kofuhub.issuance;

import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.printout.PrintoutCodes;
import jp.kofuhub.render.FieldOverflowException;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.RenderPool;

/**
 * Phase 2, layout (route {@code issue-certificate}, step {@code render-pdf}): XSL-FO → PDF with
 * FOP, on the {@link RenderPool} the transaction was admitted to before it was numbered (issue
 * #20). The renderer's own backstops (a glyph FOP cannot draw, content beyond its box) void the
 * numbered document with the refusal the checks would have given. The PDF is signed by the next
 * step. Where the municipality has the printout code on (its data document says so), every page
 * gets its signed code ({@link PrintoutCodes}, issue #21).
 */
public class CertificateRendering {

    private final PdfRenderer renderer;
    private final PrintoutCodes codes;
    private final TransactionEnds ends;
    private final HubMetrics metrics;
    private final RenderPool pool;

    public CertificateRendering(
            PdfRenderer renderer,
            PrintoutCodes codes,
            TransactionEnds ends,
            HubMetrics metrics,
            RenderPool pool) {
        this.renderer = renderer;
        this.codes = codes;
        this.ends = ends;
        this.metrics = metrics;
        this.pool = pool;
    }

    public RenderedCertificate render(PreparedCertificate prepared, String fo) {
        String layout = IssuanceRules.sha256(fo);
        String tx = prepared.getTransaction();
        if (prepared.isAgain()
                && prepared.getIssued().layoutSha256() != null
                && !layout.equals(prepared.getIssued().layoutSha256())) {
            // same data, other layout: this instance runs other templates than the one that
            // numbered it
            pool.release(tx);
            throw IssuanceErrors.unavailableAgain(prepared, "another layout");
        }
        try {
            long started = System.nanoTime();
            PdfRenderer.RenderedPdf pdf =
                    pool.run(
                            tx,
                            false,
                            () ->
                                    renderer.render(
                                            fo,
                                            codes.stamps(
                                                    prepared.getMunicipality(),
                                                    prepared.getIssueNumber(),
                                                    prepared.getDay() == null
                                                            ? java.time.LocalDate.now(
                                                                    java.time.ZoneId.of(
                                                                            "Asia/Tokyo"))
                                                            : prepared.getDay(),
                                                    prepared.getDataXml())));
            metrics.rendered(prepared.getRequest().kind(), System.nanoTime() - started);
            return new RenderedCertificate(pdf, layout);
        } catch (GlyphUnavailableException e) {
            pool.release(tx);
            throw ends.voided(prepared, RefusalCode.GLYPH_UNAVAILABLE);
        } catch (FieldOverflowException e) {
            pool.release(tx);
            throw ends.voided(prepared, RefusalCode.FIELD_OVERFLOW);
        } catch (RuntimeException e) {
            pool.release(tx);
            throw e;
        }
    }
}
