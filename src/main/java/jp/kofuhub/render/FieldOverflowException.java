package jp.kofuhub.render;

/**
 * A printed value that does not fit its box on the certificate even at the smallest allowed size.
 */
public class FieldOverflowException extends RuntimeException {

    private final String field;

    public FieldOverflowException(String field) {
        super("the value of field " + field + " does not fit its box", null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
