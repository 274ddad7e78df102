package jp.kofuhub.render;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks a PDF made elsewhere before the hub relays it (the 戸籍 certificates of a koseki server,
 * issue #18): it must carry exactly one PAdES signature ({@code ETSI.CAdES.detached}) whose signed
 * byte ranges cover the whole file — nothing added or changed after signing, no incremental update
 * — made by the one expected certificate, valid now, with a CMS signature that verifies over those
 * bytes; and its last page must carry an image (the 公印). No Camel types; the caller maps a refusal
 * to its code.
 */
public final class PdfSignatureCheck {

    /** Why a PDF is refused: a short reason for the log, never its content. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }

        public Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** A PDF that passed: its page count. */
    public record Checked(int pages) {}

    private PdfSignatureCheck() {}

    /**
     * @param expected the certificate that must have signed it (the koseki server's 戸籍 key)
     * @param now the time the certificate must be valid at
     */
    public static Checked check(byte[] pdf, X509Certificate expected, Date now) throws Refused {
        if (pdf == null || pdf.length == 0) {
            throw new Refused("empty document");
        }
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<PDSignature> signatures = doc.getSignatureDictionaries();
            if (signatures.isEmpty()) {
                throw new Refused("UNSIGNED: no signature");
            }
            if (signatures.size() > 1) {
                throw new Refused("MODIFIED: more than one signature");
            }
            PDSignature sig = signatures.get(0);
            if (!"ETSI.CAdES.detached".equals(sig.getSubFilter())) {
                throw new Refused("UNSIGNED: not a PAdES signature (" + sig.getSubFilter() + ")");
            }
            int[] range = sig.getByteRange();
            if (range == null
                    || range.length != 4
                    || range[0] != 0
                    || range[1] < 0
                    || range[2] < range[1]
                    || (long) range[2] + range[3] != pdf.length) {
                throw new Refused(
                        "MODIFIED: the signature does not cover the whole file "
                                + Arrays.toString(range)
                                + " of "
                                + pdf.length
                                + " bytes");
            }
            CMSSignedData cms =
                    new CMSSignedData(
                            new CMSProcessableByteArray(sig.getSignedContent(pdf)),
                            sig.getContents(pdf));
            if (cms.getSignerInfos().size() != 1) {
                throw new Refused("BAD_SIGNATURE: not exactly one signer");
            }
            SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
            if (!signer.getSID().match(new X509CertificateHolder(expected.getEncoded()))) {
                throw new Refused("WRONG_SIGNER: not signed by the configured certificate");
            }
            try {
                expected.checkValidity(now);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                throw new Refused("WRONG_SIGNER: the configured certificate is not valid now", e);
            }
            boolean valid;
            try {
                valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(expected));
            } catch (CMSException e) {
                valid = false;
            }
            if (!valid) {
                throw new Refused("BAD_SIGNATURE: the signature does not verify");
            }
            int pages = doc.getNumberOfPages();
            if (pages == 0 || !hasImage(doc.getPage(pages - 1))) {
                throw new Refused("NO_SEAL: no image (公印) on the last page");
            }
            return new Checked(pages);
        } catch (IOException e) {
            throw new Refused("MALFORMED: not a readable PDF", e);
        } catch (CMSException | OperatorCreationException | CertificateEncodingException e) {
            throw new Refused("BAD_SIGNATURE: " + e.getClass().getSimpleName(), e);
        }
    }

    private static boolean hasImage(PDPage page) throws IOException {
        PDResources resources = page.getResources();
        if (resources == null) {
            return false;
        }
        for (COSName name : resources.getXObjectNames()) {
            if (resources.getXObject(name) instanceof PDImageXObject) {
                return true;
            }
        }
        return false;
    }
}
