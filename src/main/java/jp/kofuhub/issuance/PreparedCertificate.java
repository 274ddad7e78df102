package jp.kofuhub.issuance;

/**
 * A certificate ready to be laid out: the data document, the XSLT template that lays it out,
 * and its 発行番号. Getters (not record accessors) so route expressions can read it.
 */
public class PreparedCertificate {

    private final String template;
    private final String dataXml;
    private final String issueNumber;

    public PreparedCertificate(String template, String dataXml, String issueNumber) {
        this.template = template;
        this.dataXml = dataXml;
        this.issueNumber = issueNumber;
    }

    public String getTemplate() {
        return template;
    }

    public String getDataXml() {
        return dataXml;
    }

    public String getIssueNumber() {
        return issueNumber;
    }
}
