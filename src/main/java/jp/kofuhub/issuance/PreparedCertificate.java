package jp.kofuhub.issuance;

/**
 * A certificate ready to be laid out: the data document, the XSLT template that lays it out, its
 * 発行番号, and what is needed to confirm before answering that the replica still says the same
 * (the request and the data's SHA-256). Getters, so route expressions can read it.
 */
public class PreparedCertificate {

    private final IssuanceRequest request;
    private final String template;
    private final String dataXml;
    private final String dataSha256;
    private final String issueNumber;
    private final String holderAtena;

    public PreparedCertificate(IssuanceRequest request, String template, String dataXml, String dataSha256,
                               String issueNumber, String holderAtena) {
        this.request = request;
        this.template = template;
        this.dataXml = dataXml;
        this.dataSha256 = dataSha256;
        this.issueNumber = issueNumber;
        this.holderAtena = holderAtena;
    }

    public IssuanceRequest getRequest() {
        return request;
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
}
