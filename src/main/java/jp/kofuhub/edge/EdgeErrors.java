package jp.kofuhub.edge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answers of the HTTP edge, for what the container refuses before the hub's routes see a
 * request (issue #16): every listener answers {@code {"status":"ERROR","code":"…","message":"…"}}
 * (docs/interfaces/issuance-centre.md, "Not a document"), never Tomcat's HTML page or Spring's
 * {@code {timestamp,status,error,path}}. The message is fixed per code: nothing of the request
 * (path, header, exception text) is echoed.
 */
public final class EdgeErrors {

    private EdgeErrors() {}

    /** A documented code and its fixed message. */
    public record Edge(int status, String code, String message) {
        public String json() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("status", "ERROR");
            n.put("code", code);
            n.put("message", message);
            return n.toString();
        }
    }

    public static final Edge BAD_REQUEST =
            new Edge(
                    400,
                    "BAD_REQUEST",
                    "the request is not valid HTTP (request line, header, path encoding)");
    public static final Edge HEADER_TOO_LARGE =
            new Edge(
                    431,
                    "REQUEST_HEADER_TOO_LARGE",
                    "the request line or headers exceed the hub's limit (a long query string included)");

    /** The edge answer for an HTTP status the container or Spring produced. */
    public static Edge of(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> new Edge(401, "UNAUTHORIZED", "this path needs a login");
            case 403 -> new Edge(403, "FORBIDDEN", "this path may not be called");
            case 404 -> new Edge(404, "NOT_FOUND", "no such path");
            case 405 -> new Edge(405, "METHOD_NOT_ALLOWED", "this path does not take this method");
            case 406 ->
                    new Edge(
                            406,
                            "NOT_ACCEPTABLE",
                            "the hub cannot answer in the media type asked for");
            case 408 -> new Edge(408, "REQUEST_TIMEOUT", "the request did not arrive in time");
            case 413 -> new Edge(413, "REQUEST_TOO_LARGE", "the body exceeds the hub's limit");
            case 414 -> new Edge(414, "REQUEST_HEADER_TOO_LARGE", HEADER_TOO_LARGE.message());
            case 415 ->
                    new Edge(
                            415,
                            "UNSUPPORTED_MEDIA_TYPE",
                            "the body's media type is not accepted here");
            case 431 -> HEADER_TOO_LARGE;
            case 503 -> new Edge(503, "UNAVAILABLE", "the hub cannot answer now; ask again later");
            default ->
                    status >= 500
                            ? new Edge(
                                    status,
                                    "INTERNAL_ERROR",
                                    "the hub could not complete the request")
                            : new Edge(status, "BAD_REQUEST", "the request was refused");
        };
    }

    /**
     * True for Tomcat's refusal of a request line or header block over {@code
     * max-http-request-header-size}.
     */
    public static boolean headerTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains("too large")) {
                return true;
            }
        }
        return false;
    }
}
