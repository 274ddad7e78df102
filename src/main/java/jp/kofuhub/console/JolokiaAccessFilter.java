package jp.kofuhub.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces {@link JolokiaAccess} on the Jolokia paths of the console's security filter chain, after
 * the login: a viewer's exec or write gets 403 with
 * {@code {"code":"CONSOLE_OPERATOR_ONLY",…}} whatever Hawtio's UI offered. A POST body is read
 * here (at most {@link #MAX_BODY} bytes) and handed on unchanged to Jolokia.
 */
final class JolokiaAccessFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaAccessFilter.class);

    /**
     * Hawtio asks canInvoke for every MBean in one bulk request: with several Camel contexts (each route
     * and processor an MBean) that passes 1 MB, so the limit is 16 MB (an authenticated console user only).
     */
    static final int MAX_BODY = 16 << 20;

    static final String REFUSAL = "{\"code\":\"CONSOLE_OPERATOR_ONLY\","
            + "\"message\":\"only a console operator may run operations or change attributes\"}";

    private final JolokiaAccess access;
    private final List<String> jolokiaPaths;

    JolokiaAccessFilter(JolokiaAccess access, List<String> jolokiaPaths) {
        this.access = access;
        this.jolokiaPaths = List.copyOf(jolokiaPaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return jolokiaPath(request) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String rest = jolokiaPath(request);
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        boolean operator = auth != null && auth.isAuthenticated() && auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).anyMatch(("ROLE_" + ConsoleUsers.OPERATOR)::equals);
        String method = request.getMethod();
        HttpServletRequest forward = request;
        boolean allowed;
        if (operator) {
            allowed = true;
        } else if ("GET".equals(method) || "HEAD".equals(method)) {
            allowed = access.allowsGet(false, rest, request.getParameter("p"));
        } else if ("POST".equals(method)) {
            byte[] body = readBody(request);
            if (body == null) {
                allowed = false;
            } else {
                allowed = access.allowsPost(false, body);
                forward = new CachedBody(request, body);
            }
        } else {
            allowed = false;
        }
        if (allowed) {
            chain.doFilter(forward, response);
            return;
        }
        LOG.warn("console user {} (viewer) refused a Jolokia {} request", auth == null ? "(none)" : auth.getName(),
                method);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(REFUSAL);
    }

    /** The path after the Jolokia prefix ("" for the prefix itself), or null if not a Jolokia path. */
    private String jolokiaPath(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length()).replaceAll("/{2,}", "/");
        for (String p : jolokiaPaths) {
            if (uri.equals(p)) {
                return "";
            }
            if (uri.startsWith(p + "/")) {
                return uri.substring(p.length());
            }
        }
        return null;
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
