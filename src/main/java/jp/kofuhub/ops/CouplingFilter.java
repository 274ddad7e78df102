package jp.kofuhub.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While the online coupling is suspended ({@link CouplingSwitch}), every request to the
 * issuance-centre API ({@code kofu.issuance.api-path}) other than a GET (the OpenAPI document) is
 * answered {@code 503} with {@code {"status":"ERROR","code":"COUPLING_SUSPENDED","message":…}}
 * before it reaches Camel: nothing is read, nothing written, no transaction row. Plain JSON also
 * for a sealed request (the hub does not open it). Runs after {@code ClientCertificateFilter}, so a
 * client that may not call the API learns nothing about the switch.
 */
public class CouplingFilter extends OncePerRequestFilter {

    static final String ANSWER =
            "{\"status\":\"ERROR\",\"code\":\""
                    + CouplingSwitch.CODE
                    + "\","
                    + "\"message\":\"the online coupling is suspended by the city; try again later\"}";

    private final CouplingSwitch coupling;
    private final String apiPath;

    public CouplingFilter(CouplingSwitch coupling, String apiPath) {
        this.coupling = coupling;
        this.apiPath = apiPath.endsWith("/") ? apiPath.substring(0, apiPath.length() - 1) : apiPath;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!coupling.suspended()
                || "GET".equals(request.getMethod())
                || "HEAD".equals(request.getMethod())) {
            return true;
        }
        String path =
                request.getServletPath()
                        + (request.getPathInfo() == null ? "" : request.getPathInfo());
        path =
                path.replaceAll(
                        "/{2,}", "/"); // Tomcat keeps "//api/v1"; the handler mappings may not
        return !(path.equals(apiPath) || path.startsWith(apiPath + "/"));
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ANSWER);
    }
}
