package jp.kofuhub.printout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the hub publishes for printout codes (route {@code printout-publication}, issue #21,
 * docs/interfaces/printout-code.md §5–§6), all public, nothing per request:
 *
 * <ul>
 *   <li>{@code <kofu.printout.path>/keys/<団体コード>.json}: the municipality's key-set document, its
 *       keys not yet expired ({@link PrintoutCodes#keySet}); 404 for a municipality without
 *       printout keys or a name that is not a 団体コード;
 *   <li>{@code <kofu.printout.path>/verify.html} and the files it uses (the vendored jsQR and its
 *       licence): the offline verification page, from the class path ({@code printout-page/}). Only
 *       the names of {@link #PAGE_FILES}: nothing else of the class path is reachable.
 * </ul>
 */
public class PrintoutPublication {

    /** The page's files and their media types. */
    public static final Map<String, String> PAGE_FILES =
            Map.of(
                    "verify.html", "text/html; charset=UTF-8",
                    "jsQR.js", "text/javascript; charset=UTF-8",
                    "jsQR.LICENSE.txt", "text/plain; charset=UTF-8");

    private static final Pattern KEY_SET = Pattern.compile("(\\d{6})\\.json");

    /** An answer: HTTP status, media type and body. */
    public record Answer(int status, String contentType, String body) {}

    private final PrintoutCodes codes;
    private final Function<String, String> names;

    /**
     * @param names a municipality's name for its key set's {@code name}, or null
     */
    public PrintoutPublication(PrintoutCodes codes, Function<String, String> names) {
        this.codes = codes;
        this.names = names;
    }

    /** The key-set document named {@code file} ({@code <団体コード>.json}). */
    public Answer keySet(String file) {
        Matcher m = KEY_SET.matcher(file == null ? "" : file);
        if (!m.matches()) {
            return notFound();
        }
        String code = m.group(1);
        if (codes.keys(code).isEmpty()) {
            return notFound();
        }
        return new Answer(200, "application/json", codes.keySet(code, names.apply(code)));
    }

    /** One of the page's files. */
    public Answer page(String file) {
        String type = file == null ? null : PAGE_FILES.get(file);
        if (type == null) {
            return notFound();
        }
        try (InputStream in =
                PrintoutPublication.class.getResourceAsStream("/printout-page/" + file)) {
            if (in == null) {
                return notFound();
            }
            return new Answer(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer notFound() {
        return new Answer(404, "application/json", "{\"code\":\"NOT_FOUND\"}\n");
    }
}
