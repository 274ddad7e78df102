package jp.kofuhub.issuance;

import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSigner;
import jp.kofuhub.render.PdfSigners;

/**
 * Phase 2, the city's PAdES signature on the rendered PDF (route {@code issue-certificate}, step
 * {@code sign-pdf}): the municipality's own key when it has one, else the hub's; unchanged when
 * neither is set (dev). 戸籍 certificates, made by the koseki server, do not pass this step.
 */
public class CertificateSigning {

    private final PdfSigners signers;

    public CertificateSigning(PdfSigners signers) {
        this.signers = signers;
    }

    public RenderedCertificate sign(PreparedCertificate prepared, RenderedCertificate rendered) {
        PdfSigner signer = signers.forMunicipality(prepared.getRequest().municipality());
        if (signer == null) {
            return rendered;
        }
        PdfRenderer.RenderedPdf pdf = rendered.pdf();
        return new RenderedCertificate(
                new PdfRenderer.RenderedPdf(
                        signer.sign(pdf.getBytes(), "証明書コンビニ交付 " + prepared.getIssueNumber()),
                        pdf.getPages()),
                rendered.layoutSha256());
    }
}
