package jp.kofuhub.registry;

import java.nio.charset.Charset;
import java.util.regex.Pattern;

/** Constants of the registry export format shared by the reader, the writer and the generator. */
public final class ExportFormat {

    public static final String MAGIC = "#KOFU-EXPORT 1";
    public static final String END = "#end";

    /**
     * Files are picked up only with this suffix; writers write {@code name.kexp.part} and rename.
     */
    public static final String SUFFIX = ".kexp";

    public static final Pattern MUNICIPALITY = Pattern.compile("\\d{6}");
    public static final Pattern SOURCE = Pattern.compile("[A-Z][A-Z0-9]{1,15}");
    public static final Charset CP932 = Charset.forName("windows-31j");

    private ExportFormat() {}

    /** Canonical file name: {@code 012343_JUKI_000000001_FULL.kexp}. */
    public static String fileName(
            String municipality, String source, long sequence, ExportHeader.Kind kind) {
        return String.format("%s_%s_%09d_%s%s", municipality, source, sequence, kind, SUFFIX);
    }

    public static Charset charset(String name) {
        return switch (name) {
            case "UTF-8" -> java.nio.charset.StandardCharsets.UTF_8;
            case "CP932" -> CP932;
            default ->
                    throw new ExportFileException(
                            "BAD_MANIFEST", "encoding must be UTF-8 or CP932");
        };
    }

    public static String charsetName(Charset cs) {
        return cs.equals(CP932) ? "CP932" : "UTF-8";
    }
}
