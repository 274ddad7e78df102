package jp.kofuhub.render;

/** A character that no font of the chain can draw, found in a named field of a certificate. */
public class GlyphUnavailableException extends RuntimeException {

    private final String field;
    private final int codePoint;

    public GlyphUnavailableException(String field, int codePoint) {
        super(
                "no font draws U+"
                        + Integer.toHexString(codePoint).toUpperCase()
                        + " in field "
                        + field);
        this.field = field;
        this.codePoint = codePoint;
    }

    public String field() {
        return field;
    }

    public int codePoint() {
        return codePoint;
    }
}
