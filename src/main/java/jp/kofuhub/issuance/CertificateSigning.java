package jp.kofuhub.issuance;

import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigner;
import jp.kofuhub.render.PdfSigners;
import jp.kofuhub.render.RenderPool;

/**
 * Phase 2, the city's PAdES signature on the rendered PDF (route {@code issue-certificate}, step
 * {@code sign-pdf}): the municipality's own key when it has one, else the hub's; unchanged when
 * neither is set (dev). Signed on the {@link RenderPool} ahead of queued renders, and the last use
 * of it: the transaction's admission ends here. 戸籍 certificates, made by the koseki server, do not
 * pass this step.
 */
public class CertificateSigning {

    private final PdfSigners signers;
    private final RenderPool pool;

    public CertificateSigning(PdfSigners signers, RenderPool pool) {
        this.signers = signers;
        this.pool = pool;
    }

    public RenderedCertificate sign(PreparedCertificate prepared, RenderedCertificate rendered) {
        String tx = prepared.getTransaction();
        try {
            PdfSigner signer = signers.forMunicipality(prepared.getRequest().municipality());
            if (signer == null) {
                return rendered;
            }
            PdfRenderer.RenderedPdf pdf = rendered.pdf();
            byte[] signed =
                    pool.run(
                            tx,
                            true,
                            () ->
                                    signer.sign(
                                            pdf.getBytes(),
                                            "証明書コンビニ交付 " + prepared.getIssueNumber()));
            return new RenderedCertificate(
                    new PdfRenderer.RenderedPdf(signed, pdf.getPages()), rendered.layoutSha256());
        } finally {
            pool.release(tx);
        }
    }
}
