package jp.kofuhub.issuance;

import java.time.LocalDate;
import jp.kofuhub.render.PdfRenderer;

/**
 * A certificate ready to be laid out — or, for a retried issue phase, the document already made for
 * the transaction ({@link #isReplay()}): the data document, the XSLT template that lays it out, its
 * 発行番号 and fee, and what is needed to confirm before answering that the replica still says the same
 * (the request and the data's SHA-256). For a retry that reaches an instance not holding the
 * document ({@link #isAgain()}) it is the issued document to be made again. Immutable: what the
 * later steps work out (the PDF, its layout digest) travels in the body ({@link
 * RenderedCertificate}).
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
    private final LocalDate day;

    /**
     * Set when the document of an ISSUED transaction is made again on this instance for a retry.
     */
    private final Transactions.Tx again;

    /**
     * Set when this instance took over a numbered issue phase whose claimant's lease lapsed (issue
     * #22): the document is made under the number already taken, as of the day it was drafted.
     */
    private final boolean resumed;

    public PreparedCertificate(
            IssuanceRequest request,
            String template,
            String dataXml,
            String dataSha256,
            String issueNumber,
            String holderAtena,
            int fee) {
        this(
                request,
                template,
                dataXml,
                dataSha256,
                issueNumber,
                holderAtena,
                fee,
                null,
                null,
                null,
                false);
    }

    public PreparedCertificate(
            IssuanceRequest request,
            String template,
            String dataXml,
            String dataSha256,
            String issueNumber,
            String holderAtena,
            int fee,
            LocalDate day) {
        this(
                request,
                template,
                dataXml,
                dataSha256,
                issueNumber,
                holderAtena,
                fee,
                null,
                day,
                null,
                false);
    }

    private PreparedCertificate(
            IssuanceRequest request,
            String template,
            String dataXml,
            String dataSha256,
            String issueNumber,
            String holderAtena,
            int fee,
            PdfRenderer.RenderedPdf replay,
            LocalDate day,
            Transactions.Tx again,
            boolean resumed) {
        this.request = request;
        this.template = template;
        this.dataXml = dataXml;
        this.dataSha256 = dataSha256;
        this.issueNumber = issueNumber;
        this.holderAtena = holderAtena;
        this.fee = fee;
        this.replay = replay;
        this.day = day;
        this.again = again;
        this.resumed = resumed;
    }

    /** The answer already given to this transaction's issue phase: the same document and number. */
    static PreparedCertificate replay(
            IssuanceRequest request,
            String issueNumber,
            String holderAtena,
            int fee,
            PdfRenderer.RenderedPdf pdf) {
        return new PreparedCertificate(
                request, null, null, null, issueNumber, holderAtena, fee, pdf, null, null, false);
    }

    /**
     * The document of the ISSUED transaction {@code t}, to be made again on this instance (which
     * does not hold it) for a retry: drafted again as of its issue day, with its 発行番号 and fee;
     * answered only if data and layout are what was numbered (the digests in {@code t}).
     */
    static PreparedCertificate again(
            IssuanceRequest request,
            String template,
            String dataXml,
            String dataSha256,
            Transactions.Tx t) {
        return new PreparedCertificate(
                request,
                template,
                dataXml,
                dataSha256,
                t.issueNumber(),
                t.holderAtena(),
                t.fee() == null ? 0 : t.fee(),
                null,
                t.issueDate(),
                t,
                false);
    }

    /**
     * A numbered issue phase of transaction {@code t} taken over from an instance whose lease
     * lapsed (issue #22): the data drafted again as of its day, its 発行番号 and fee; laid out,
     * confirmed and kept like a first document.
     */
    static PreparedCertificate resumed(
            IssuanceRequest request,
            String template,
            String dataXml,
            String dataSha256,
            Transactions.Tx t) {
        return new PreparedCertificate(
                request,
                template,
                dataXml,
                dataSha256,
                t.issueNumber(),
                t.holderAtena(),
                t.fee() == null ? 0 : t.fee(),
                null,
                t.issueDate(),
                null,
                true);
    }

    /** Whether this is a numbered issue phase taken over from a dead instance. */
    public boolean isResumed() {
        return resumed;
    }

    /** The day the document is drafted as of (its 発行日); null for documents made before V9. */
    public LocalDate getDay() {
        return day;
    }

    /**
     * Whether this is the document of an issued transaction made again for a retry on another
     * instance.
     */
    public boolean isAgain() {
        return again != null;
    }

    /** The transaction as issued, when {@link #isAgain()}. */
    Transactions.Tx getIssued() {
        return again;
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

    /**
     * Whether the city's koseki certificate server makes this document (route {@code
     * koseki-relay}).
     */
    public boolean isKoseki() {
        return "koseki".equals(template);
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
