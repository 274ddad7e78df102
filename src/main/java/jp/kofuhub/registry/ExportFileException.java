package jp.kofuhub.registry;

/**
 * A registry export file that must not be applied. The reason code is machine-readable and
 * documented in docs/interfaces/registry-export.md; the detail names lines and columns, never data.
 */
public class ExportFileException extends RuntimeException {

    private final String reason;

    public ExportFileException(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
