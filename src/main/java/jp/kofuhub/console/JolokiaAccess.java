package jp.kofuhub.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a console user may ask Jolokia (the JMX bridge behind Hawtio) on the server side, whatever
 * the UI shows:
 * <ul>
 * <li>an operator: everything;</li>
 * <li>a viewer: {@code read}, {@code list}, {@code search} and {@code version} — and, in POST
 * requests only, {@code exec} of the read-only operations Hawtio needs to draw routes and exchanges
 * ({@code kofu.console.viewer-operations}, name patterns like {@code dump*}, {@code browse*});
 * never {@code write}, never another {@code exec} (so not the stop switch's {@code suspend}), never
 * {@code notification}. In a bulk POST (a JSON array) every request must be allowed, else the whole
 * request is refused.</li>
 * </ul>
 * GET requests name their type in the first path segment after the Jolokia path
 * ({@code /read/java.lang:type=Memory}) or in the {@code p} parameter; no path is {@code version}.
 * Anything that cannot be parsed is refused for a viewer. Plain class: no Servlet or Spring types.
 */
public final class JolokiaAccess {

    private static final Set<String> VIEWER_TYPES = Set.of("read", "list", "search", "version");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Pattern> viewerOperations;

    /** @param viewerOperations operation name patterns a viewer may exec ({@code *} matches any text) */
    public JolokiaAccess(List<String> viewerOperations) {
        List<Pattern> p = new ArrayList<>();
        for (String s : viewerOperations) {
            String t = s.trim();
            if (!t.isEmpty()) {
                p.add(Pattern.compile(Pattern.quote(t).replace("*", "\\E.*\\Q")));
            }
        }
        this.viewerOperations = List.copyOf(p);
    }

    /**
     * A GET request: {@code pathInfo} is what follows the Jolokia path ("/read/…", "" or null),
     * {@code p} the value of the {@code p} parameter or null.
     */
    public boolean allowsGet(boolean operator, String pathInfo, String p) {
        if (operator) {
            return true;
        }
        String path = p != null && !p.isBlank() ? p : pathInfo;
        return VIEWER_TYPES.contains(firstSegment(path));
    }

    /** A POST request with this body (one JSON object or an array of them). */
    public boolean allowsPost(boolean operator, byte[] body) {
        if (operator) {
            return true;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return false;
        }
        if (root == null) {
            return false;
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                return false;
            }
            for (JsonNode r : root) {
                if (!viewerMay(r)) {
                    return false;
                }
            }
            return true;
        }
        return viewerMay(root);
    }

    private boolean viewerMay(JsonNode request) {
        if (request == null || !request.isObject()) {
            return false;
        }
        String type = request.path("type").asText("").toLowerCase(Locale.ROOT);
        if (VIEWER_TYPES.contains(type)) {
            return true;
        }
        if (!"exec".equals(type)) {
            return false;
        }
        JsonNode op = request.get("operation");
        return op != null && op.isTextual() && viewerMayRun(op.asText());
    }

    /** Whether a viewer may exec the operation ("dumpRoutesAsXml()" or "dumpRoutesAsXml"). */
    boolean viewerMayRun(String operation) {
        int paren = operation.indexOf('(');
        String name = (paren < 0 ? operation : operation.substring(0, paren)).trim();
        if (name.isEmpty()) {
            return false;
        }
        for (Pattern p : viewerOperations) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    static String firstSegment(String path) {
        if (path == null) {
            return "version";
        }
        String s = path;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return "version";
        }
        int slash = s.indexOf('/');
        return (slash < 0 ? s : s.substring(0, slash)).toLowerCase(Locale.ROOT);
    }
}
