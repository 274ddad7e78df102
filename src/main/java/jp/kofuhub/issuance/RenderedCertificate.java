package jp.kofuhub.issuance;

import jp.kofuhub.render.PdfRenderer;

/**
 * The body between the steps {@code render-pdf}, {@code sign-pdf} (or the koseki relay) and {@code
 * confirm-current}: the PDF and the SHA-256 of the XSL-FO it was laid out from (null for a 戸籍
 * certificate, which the koseki server makes), recorded with the transaction so another instance
 * can make the same document again.
 */
public record RenderedCertificate(PdfRenderer.RenderedPdf pdf, String layoutSha256) {}
