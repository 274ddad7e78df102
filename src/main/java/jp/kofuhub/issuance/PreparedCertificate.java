package jp.kofuhub.issuance;

import jp.kofuhub.render.PdfRenderer;

/**
 * A certificate ready to be laid out — or, for a retried issue phase, the document already made for
 * the transaction ({@link #isReplay()}): the data document, the XSLT template that lays it out, its
 * 発行番号 and fee, and what is needed to confirm before answering that the replica still says the
 * same (the request and the data's SHA-256). Getters, so route expressions can read it.
 */
public class PreparedCertificate {

    private final IssuanceRequest request;
    private final String template;
    private final String dataXml;
    private final String dataSha256;
    private final String issueNumber;
    private final String holderAtena;
    private final int fee;
    private final PdfRenderer.RenderedPdf replay;

    public PreparedCertificate(IssuanceRequest request, String template, String dataXml, String dataSha256,
                               String issueNumber, String holderAtena, int fee) {
        this(request, template, dataXml, dataSha256, issueNumber, holderAtena, fee, null);
    }

    private PreparedCertificate(IssuanceRequest request, String template, String dataXml, String dataSha256,
                                String issueNumber, String holderAtena, int fee, PdfRenderer.RenderedPdf replay) {
        this.request = request;
        this.template = template;
        this.dataXml = dataXml;
        this.dataSha256 = dataSha256;
        this.issueNumber = issueNumber;
        this.holderAtena = holderAtena;
        this.fee = fee;
        this.replay = replay;
    }

    /** The answer already given to this transaction's issue phase: the same document and number. */
    static PreparedCertificate replay(IssuanceRequest request, String issueNumber, String holderAtena, int fee,
                                      PdfRenderer.RenderedPdf pdf) {
        return new PreparedCertificate(request, null, null, null, issueNumber, holderAtena, fee, pdf);
    }

    public IssuanceRequest getRequest() {
        return request;
    }

    /** The municipality of the request (its 団体コード). */
    public String getMunicipality() {
        return request.municipality();
    }

    public String getTemplate() {
        return template;
    }

    public String getDataXml() {
        return dataXml;
    }

    public String getDataSha256() {
        return dataSha256;
    }

    public String getIssueNumber() {
        return issueNumber;
    }

    public String getHolderAtena() {
        return holderAtena;
    }

    public int getFee() {
        return fee;
    }

    public String getTransaction() {
        return request.transaction();
    }

    public boolean isReplay() {
        return replay != null;
    }

    public PdfRenderer.RenderedPdf getStoredPdf() {
        return replay;
    }
}
