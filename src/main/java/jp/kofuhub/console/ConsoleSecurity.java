package jp.kofuhub.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.PathPatternRequestMatcherBuilderFactoryBean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The operator console (Hawtio at {@code /actuator/hawtio}, its Jolokia at {@code
 * /actuator/jolokia}) behind a form login (docs/operations.md, "The console"):
 *
 * <ul>
 *   <li>users and roles from {@link ConsoleUsers} ({@code kofu.console.users-file}); without the
 *       file no one can log in, and the start says so;
 *   <li>any console user (role VIEWER) sees the console; only an OPERATOR runs the operations that
 *       change something, nobody writes attributes or reaches the JVM's diagnostics — enforced on
 *       the server for every Jolokia request twice: by {@link JolokiaAccessFilter} on Jolokia's own
 *       parse of the request, and by Jolokia's restrictor {@link ConsoleRestrictor} ({@link
 *       JolokiaAccess} is the policy of both);
 *   <li>CSRF with the {@code XSRF-TOKEN} cookie, which Hawtio echoes as {@code X-XSRF-TOKEN}
 *       (plain, not masked, token); an operation only by POST, so never without the token; no CORS,
 *       and a foreign {@code Origin} is refused; the session cookie is {@code SameSite=Strict;
 *       Secure; HttpOnly} ({@code server.servlet.session.cookie.*});
 *   <li>every other path (the issuance API, health, quarantine, history, koseki registrations)
 *       passes this layer untouched: the client certificate ({@code ClientCertificateFilter}, which
 *       runs first) is their protection, no login, no session.
 * </ul>
 *
 * Hawtio's own authentication is off ({@code hawtio.authenticationEnabled=false}): it would need
 * the unserved hawtio-springboot-security module; this chain is the guard instead.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class ConsoleSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);

    /**
     * Request matchers from path patterns (Hawtio registers servlets of its own beside Spring
     * MVC's).
     */
    @Bean
    static PathPatternRequestMatcherBuilderFactoryBean requestMatcherBuilder() {
        return new PathPatternRequestMatcherBuilderFactoryBean();
    }

    /** Spring Boot's health MBean answered in the shape Hawtio's Health page reads (issue #19). */
    @Bean
    HawtioHealth hawtioHealth(
            org.springframework.boot.actuate.health.HealthEndpoint health,
            com.fasterxml.jackson.databind.ObjectMapper json) {
        return new HawtioHealth(health, json);
    }

    @Bean
    PasswordEncoder consolePasswordEncoder() {
        return new BCryptPasswordEncoder(12);
    }

    @Bean
    ConsoleUsers consoleUsers(
            @Value("${kofu.console.users-file:${kofu.keys.dir}/console-users.properties}")
                    String usersFile,
            @Value("${kofu.console.passwords-file:${kofu.keys.dir}/console-passwords.txt}")
                    String passwordsFile,
            @Value("${kofu.demo.enabled:true}") boolean demo,
            PasswordEncoder encoder) {
        if (usersFile.isBlank()) {
            LOG.warn(
                    "CONSOLE LOGINS ARE IMPOSSIBLE: no users file is configured (kofu.console.users-file, env "
                            + "KOFU_CONSOLE_USERS); see docs/operations.md \"The console\"");
            return new ConsoleUsers(Path.of("/nonexistent/kofu-console-users.properties"));
        }
        Path file = Path.of(usersFile);
        if (demo
                && !passwordsFile.isBlank()
                && ConsoleUsers.writeDemo(file, Path.of(passwordsFile), encoder::encode)) {
            LOG.info(
                    "demo console users viewer and operator written to {}; their passwords are in {} "
                            + "(owner-only, written once)",
                    file,
                    passwordsFile);
        }
        ConsoleUsers users = new ConsoleUsers(file);
        if (!users.present()) {
            LOG.warn(
                    "CONSOLE LOGINS ARE IMPOSSIBLE: the users file {} does not exist (kofu.console.users-file, env "
                            + "KOFU_CONSOLE_USERS). Write one with bcrypt hashes (docs/operations.md \"The console\"); it is "
                            + "read again when it changes",
                    file.toAbsolutePath());
        } else {
            users.problems()
                    .forEach(p -> LOG.warn("console users file {}: {} (line skipped)", file, p));
            LOG.info("console: {} user(s) from {}", users.count(), file);
        }
        return users;
    }

    @Bean
    UserDetailsService consoleUserDetails(ConsoleUsers users) {
        return name ->
                users.find(name)
                        .map(
                                u ->
                                        User.withUsername(u.name())
                                                .password(u.passwordHash())
                                                .roles(u.roles().toArray(String[]::new))
                                                .build())
                        .orElseThrow(() -> new UsernameNotFoundException("no such console user"));
    }

    @Bean
    JolokiaAccess jolokiaAccess(
            @Value(
                            "${kofu.console.viewer-operations:dump*,canInvoke,explain*,list*,get*,is*,count*}")
                    List<String> viewerOperations) {
        return new JolokiaAccess(viewerOperations);
    }

    /**
     * Jolokia's own restrictor (its servlet registration takes the Restrictor bean): the same
     * policy as the filter, asked by Jolokia for every MBean, attribute and operation it touches.
     */
    @Bean
    ConsoleRestrictor consoleRestrictor(JolokiaAccess access) {
        return new ConsoleRestrictor(
                access,
                () -> role(SecurityContextHolder.getContext().getAuthentication()),
                ConsoleSecurity::currentHttpMethod);
    }

    /** The console role of a login: OPERATOR, VIEWER, or NONE (no login, no console role). */
    static JolokiaAccess.Role role(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) {
            return JolokiaAccess.Role.NONE;
        }
        Set<String> roles = new HashSet<>();
        auth.getAuthorities().forEach(a -> roles.add(a.getAuthority()));
        if (roles.contains("ROLE_" + ConsoleUsers.OPERATOR)) {
            return JolokiaAccess.Role.OPERATOR;
        }
        return roles.contains("ROLE_" + ConsoleUsers.VIEWER)
                ? JolokiaAccess.Role.VIEWER
                : JolokiaAccess.Role.NONE;
    }

    /** The HTTP method of the request this thread serves, or null. */
    static String currentHttpMethod() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
                ? a.getRequest().getMethod()
                : null;
    }

    @Bean
    @Order(1)
    SecurityFilterChain consoleChain(
            HttpSecurity http,
            JolokiaAccess access,
            @Value("${management.endpoints.web.base-path:/actuator}") String base)
            throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        String login = base + "/console/login";
        String logout = base + "/console/logout";
        RequestMatcher jolokia =
                new OrRequestMatcher(
                        path.matcher(base + "/jolokia"),
                        path.matcher(base + "/jolokia/**"),
                        path.matcher(base + "/hawtio/jolokia"),
                        path.matcher(base + "/hawtio/jolokia/**"));
        CookieCsrfTokenRepository csrf = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrf.setCookieCustomizer(c -> c.sameSite("Strict"));
        HttpSessionRequestCache saved = new HttpSessionRequestCache();
        saved.setMatchingRequestParameterName(
                null); // back to the page asked for, without "?continue"

        http.securityMatcher(
                        new OrRequestMatcher(
                                path.matcher(base + "/hawtio"),
                                path.matcher(base + "/hawtio/**"),
                                path.matcher(base + "/jolokia"),
                                path.matcher(base + "/jolokia/**"),
                                path.matcher(base + "/console/**")))
                .authorizeHttpRequests(
                        a ->
                                a.requestMatchers(path.matcher(login))
                                        .permitAll()
                                        .anyRequest()
                                        .hasRole(ConsoleUsers.VIEWER))
                .formLogin(
                        f ->
                                f.loginPage(login)
                                        .loginProcessingUrl(login)
                                        .defaultSuccessUrl(base + "/hawtio/", false)
                                        .failureUrl(login + "?error")
                                        .permitAll())
                .logout(
                        l ->
                                l.logoutRequestMatcher(
                                                new OrRequestMatcher(
                                                        path.matcher(HttpMethod.POST, logout),
                                                        path.matcher(base + "/hawtio/auth/logout")))
                                        .logoutSuccessUrl(login + "?logout"))
                .requestCache(r -> r.requestCache(saved))
                .csrf(
                        c ->
                                c.csrfTokenRepository(csrf)
                                        .csrfTokenRequestHandler(
                                                new CsrfTokenRequestAttributeHandler()))
                .addFilterAfter(new CsrfCookie(), CsrfFilter.class)
                .addFilterAfter(
                        new JolokiaAccessFilter(
                                access, base + "/jolokia", base + "/hawtio/jolokia"),
                        AuthorizationFilter.class)
                // no CORS: the console is used from its own pages only (Jolokia's restrictor allows
                // no origin either)
                .cors(c -> c.disable())
                .exceptionHandling(
                        e ->
                                e.defaultAuthenticationEntryPointFor(
                                                (rq, rs, ex) ->
                                                        json(
                                                                rs,
                                                                401,
                                                                "CONSOLE_LOGIN_REQUIRED",
                                                                "log in to the console first (/actuator/console/login)"),
                                                jolokia)
                                        .defaultAccessDeniedHandlerFor(
                                                (rq, rs, ex) ->
                                                        json(
                                                                rs,
                                                                403,
                                                                "CONSOLE_ACCESS_DENIED",
                                                                "refused: a POST needs the XSRF-TOKEN cookie echoed as X-XSRF-TOKEN, and a console role"),
                                                jolokia)
                                        .defaultAuthenticationEntryPointFor(
                                                new LoginUrlAuthenticationEntryPoint(login),
                                                AnyRequestMatcher.INSTANCE))
                .httpBasic(b -> b.disable());
        return http.build();
    }

    /**
     * Everything that is not the console: no login, no session, no CSRF, no extra headers — the
     * client certificate filter decides, as before the console came.
     */
    @Bean
    @Order(2)
    SecurityFilterChain otherPaths(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .headers(h -> h.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable());
        return http.build();
    }

    private static void json(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write(
                        "{\"status\":"
                                + status
                                + ",\"code\":\""
                                + code
                                + "\",\"message\":\""
                                + message
                                + "\"}");
    }

    /**
     * Loads the deferred CSRF token on every console request, so the XSRF-TOKEN cookie is set for
     * Hawtio.
     */
    static final class CsrfCookie extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(
                HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
