package jp.kofuhub.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.keys.Tls;
import jp.kofuhub.support.TestHub;

/**
 * A browser-like HTTPS client of the console: a client certificate, cookies, the login form,
 * XSRF-TOKEN. Public for the attack tests (jp.kofuhub.attack).
 */
public final class ConsoleSession {

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;

    public ConsoleSession(int port, String party) {
        this.base = "https://localhost:" + port;
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .cookieHandler(cookies)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .sslContext(
                                Tls.context(
                                        TestHub.KEYS,
                                        party,
                                        DemoKeys.DEFAULT_PASSWORD.toCharArray()))
                        .build();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Logs in through the form; answers the form post's response (302 to the console, or to
     * ?error).
     */
    public HttpResponse<String> login(String user, String password)
            throws IOException, InterruptedException {
        HttpResponse<String> page = get("/actuator/console/login");
        if (page.statusCode() != 200) {
            throw new IllegalStateException("login page: " + page.statusCode());
        }
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        String csrf = m.find() ? m.group(1) : "";
        String form =
                "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
        return client.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/console/login"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A Jolokia POST as Hawtio sends it: JSON, with the XSRF-TOKEN cookie echoed (unless {@code
     * csrf} is false).
     */
    public HttpResponse<String> jolokia(String json, boolean csrf)
            throws IOException, InterruptedException {
        if (xsrf() == null) {
            get("/actuator/hawtio/");
        }
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + "/actuator/jolokia"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json));
        if (csrf && xsrf() != null) {
            b.header("X-XSRF-TOKEN", xsrf());
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String xsrf() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    /**
     * A request to {@code path} of this hub (headers, method and body up to the caller), sent with
     * this session.
     */
    public HttpResponse<String> send(
            String path, java.util.function.UnaryOperator<HttpRequest.Builder> request)
            throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return client.send(request.apply(b).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
