package jp.kofuhub.console;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jolokia.json.JSONArray;
import org.jolokia.json.JSONObject;
import org.jolokia.json.parser.JSONParser;
import org.jolokia.json.parser.ParseException;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.request.BadRequestException;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.request.JolokiaRequestFactory;
import org.jolokia.server.core.request.ProcessingParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.util.UriUtils;

/**
 * Decides every Jolokia request of the console's security filter chain, after the login, on exactly
 * what Jolokia will execute: the request is parsed by Jolokia's own request factory from the same
 * inputs Jolokia's servlet reads (for a GET its path info — or, only when there is none, the {@code
 * p} parameter; for a POST the JSON body only), and {@link JolokiaAccess} judges each parsed
 * request (every one of a bulk). Refused, with {@code {"status":…,"code":…,"message":…}}:
 *
 * <ul>
 *   <li>400 {@code CONSOLE_AMBIGUOUS_REQUEST}: a GET with both a path and {@code p} (or {@code p}
 *       twice), a POST with a path or {@code p} — Jolokia would ignore one of them;
 *   <li>400 {@code CONSOLE_BAD_REQUEST}: what Jolokia's parser rejects, or a body over {@link
 *       #MAX_BODY};
 *   <li>403 {@code CONSOLE_FOREIGN_ORIGIN}: an {@code Origin} header other than the hub's own;
 *   <li>403 {@code CONSOLE_OPERATOR_ONLY}: an operation only an operator may run;
 *   <li>403 {@code CONSOLE_FORBIDDEN}: what nobody may do through the console (writes, exec by GET,
 *       diagnostics, …, see {@link JolokiaAccess});
 *   <li>405 {@code CONSOLE_METHOD_NOT_ALLOWED}: anything but GET, HEAD and POST.
 * </ul>
 *
 * It runs on every dispatch that reaches Jolokia: the request itself, and the forward from Hawtio's
 * {@code /actuator/hawtio/jolokia} to Jolokia's servlet, where the path info is the servlet's own.
 * A POST body is read here (at most {@link #MAX_BODY} bytes) and handed on unchanged. Jolokia's own
 * restrictor ({@link ConsoleRestrictor}) applies the same policy again, MBean by MBean.
 */
final class JolokiaAccessFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaAccessFilter.class);

    /**
     * Hawtio asks canInvoke for every MBean in one bulk request: with several Camel contexts (each
     * route and processor an MBean) that passes 1 MB, so the limit is 16 MB (an authenticated
     * console user only).
     */
    static final int MAX_BODY = 16 << 20;

    private static final Pattern PATH_PREFIX = Pattern.compile("^/?[^/]+/");

    private final JolokiaAccess access;
    private final String jolokiaPath;
    private final String hawtioJolokiaPath;

    /**
     * @param jolokiaPath Jolokia's servlet path (/actuator/jolokia)
     * @param hawtioJolokiaPath Hawtio's path that forwards to it (/actuator/hawtio/jolokia)
     */
    JolokiaAccessFilter(JolokiaAccess access, String jolokiaPath, String hawtioJolokiaPath) {
        this.access = access;
        this.jolokiaPath = jolokiaPath;
        this.hawtioJolokiaPath = hawtioJolokiaPath;
    }

    /** What Jolokia's servlet will get: its path info (decoded) and the request URI. */
    private record Target(String pathInfo, String uri) {}

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Target target = target(request);
        if (target == null) {
            chain.doFilter(req, res);
            return;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        JolokiaAccess.Role role = ConsoleSecurity.role(auth);
        String user = auth == null ? "(none)" : auth.getName();
        String origin = request.getHeader("Origin");
        if (origin != null && !origin.equals(ownOrigin(request))) {
            refuse(
                    response,
                    403,
                    "CONSOLE_FOREIGN_ORIGIN",
                    "the console answers its own pages only (Origin)",
                    user);
            return;
        }
        String method = request.getMethod();
        String[] p = request.getParameterValues("p");
        boolean hasPath =
                target.pathInfo() != null
                        && !target.pathInfo().isEmpty()
                        && !target.pathInfo().matches("^/+$");
        HttpServletRequest forward = request;
        List<JolokiaRequest> requests;
        try {
            if ("GET".equals(method) || "HEAD".equals(method)) {
                if ((p != null && hasPath) || (p != null && p.length > 1)) {
                    refuse(
                            response,
                            400,
                            "CONSOLE_AMBIGUOUS_REQUEST",
                            "a Jolokia GET names its request either by the"
                                    + " path or by one p parameter, not both",
                            user);
                    return;
                }
                ProcessingParameters params =
                        new ProcessingParameters(
                                p == null ? Map.of() : Map.of(ConfigKey.PATH_QUERY_PARAM, p[0]));
                requests =
                        List.of(
                                JolokiaRequestFactory.createGetRequest(
                                        hasPath ? pathInfo(target) : null, params));
                method = "GET";
            } else if ("POST".equals(method)) {
                if (hasPath || p != null) {
                    refuse(
                            response,
                            400,
                            "CONSOLE_AMBIGUOUS_REQUEST",
                            "a Jolokia POST names its request in the body"
                                    + " only: no path, no p parameter",
                            user);
                    return;
                }
                byte[] body = readBody(request);
                if (body == null) {
                    refuse(
                            response,
                            400,
                            "CONSOLE_BAD_REQUEST",
                            "the request body is over " + MAX_BODY + " bytes",
                            user);
                    return;
                }
                forward = new CachedBody(request, body);
                requests = parsePost(forward);
            } else {
                refuse(
                        response,
                        405,
                        "CONSOLE_METHOD_NOT_ALLOWED",
                        "Jolokia is asked by GET (reading) or POST",
                        user);
                return;
            }
        } catch (BadRequestException | RuntimeException e) {
            refuse(
                    response,
                    400,
                    "CONSOLE_BAD_REQUEST",
                    "not a Jolokia request the console accepts",
                    user);
            return;
        }
        JolokiaAccess.Verdict worst = JolokiaAccess.Verdict.ALLOWED;
        for (JolokiaRequest r : requests) {
            JolokiaAccess.Verdict v;
            try {
                v = access.decide(role, method, r);
            } catch (RuntimeException e) {
                v = JolokiaAccess.Verdict.FORBIDDEN; // what the policy cannot judge is not run
            }
            if (v.ordinal() > worst.ordinal()) {
                worst = v;
            }
        }
        if (worst == JolokiaAccess.Verdict.OPERATOR_ONLY) {
            refuse(
                    response,
                    403,
                    worst.code,
                    "only a console operator may run this operation",
                    user);
            return;
        }
        if (worst == JolokiaAccess.Verdict.FORBIDDEN) {
            refuse(
                    response,
                    403,
                    worst.code,
                    "no console user may do this (attribute writes, operations by GET, the"
                            + " JVM's diagnostics, Camel messages and route changes); an operation needs a POST with the CSRF"
                            + " token",
                    user);
            return;
        }
        chain.doFilter(forward, response);
    }

    /** The request's Jolokia target, or null if it is not a Jolokia path. */
    private Target target(HttpServletRequest request) {
        if (jolokiaPath.equals(request.getServletPath())) {
            // Jolokia's own servlet (the request itself, or Hawtio's forward): exactly its inputs
            return new Target(
                    request.getPathInfo() == null ? "" : request.getPathInfo(),
                    request.getRequestURI());
        }
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        for (String prefix : List.of(hawtioJolokiaPath, jolokiaPath)) {
            if (uri.equals(prefix) || uri.startsWith(prefix + "/")) {
                // Hawtio forwards to jolokiaPath + the raw rest; its forward is checked again on
                // arrival
                String raw = uri.substring(prefix.length());
                return new Target(UriUtils.decode(raw, StandardCharsets.UTF_8), jolokiaPath + raw);
            }
        }
        return null;
    }

    /**
     * Jolokia's HttpRequestHandler.extractPathInfo: an escaped trailing slash ("!//") is read from
     * the URI.
     */
    private static String pathInfo(Target t) {
        if (t.uri().contains("!//")) {
            Matcher m = PATH_PREFIX.matcher(t.pathInfo());
            if (m.find()) {
                String prefix = m.group();
                return URLDecoder.decode(
                        t.uri().replaceFirst("^.*?" + Pattern.quote(prefix), prefix),
                        StandardCharsets.UTF_8);
            }
        }
        return t.pathInfo();
    }

    private static List<JolokiaRequest> parsePost(HttpServletRequest request)
            throws IOException, BadRequestException {
        Object json;
        try (java.io.Reader reader = request.getReader()) {
            json = new JSONParser().parse(reader);
        } catch (ParseException e) {
            throw new BadRequestException("invalid JSON");
        }
        ProcessingParameters params = new ProcessingParameters(Map.of());
        if (json instanceof JSONArray array) {
            if (array.isEmpty()) {
                throw new BadRequestException("empty bulk request");
            }
            return JolokiaRequestFactory.createPostRequests(array, params);
        }
        if (json instanceof JSONObject object) {
            return List.of(JolokiaRequestFactory.createPostRequest(object, params));
        }
        throw new BadRequestException("neither an object nor an array");
    }

    /**
     * scheme://host[:port] of this request, as a browser on the console's own page sends it in
     * Origin.
     */
    static String ownOrigin(HttpServletRequest request) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean standard =
                ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        String host = request.getServerName();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + (standard ? "" : ":" + port);
    }

    private static void refuse(
            HttpServletResponse response, int status, String code, String message, String user)
            throws IOException {
        LOG.warn("console user {} refused a Jolokia request: {}", user, code);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write(
                        "{\"status\":"
                                + status
                                + ",\"code\":\""
                                + code
                                + "\",\"message\":\""
                                + message.replace("\"", "'")
                                + "\"}");
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                LOG.warn("console: a Jolokia request body over {} bytes is refused", MAX_BODY);
                return null;
            }
            return b;
        }
    }

    /** The request with its body already read, served again from memory. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String enc = getCharacterEncoding();
            Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), cs));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
