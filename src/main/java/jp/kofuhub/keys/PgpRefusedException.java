package jp.kofuhub.keys;

/** An OpenPGP message refused for its own fault, with the code the interface documents name. */
public class PgpRefusedException extends RuntimeException {

    private final String code;

    public PgpRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
