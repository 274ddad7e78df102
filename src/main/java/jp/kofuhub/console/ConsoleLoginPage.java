package jp.kofuhub.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's login form ({@code /actuator/console/login}, posted to the same path and checked by
 * Spring Security's form login, {@link ConsoleSecurity}). Static HTML, no script: the CSRF token is
 * a hidden field.
 */
@Controller
public class ConsoleLoginPage {

    @GetMapping(
            path = "${management.endpoints.web.base-path:/actuator}/console/login",
            produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> login(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String notice = "";
        if (request.getParameter("error") != null) {
            notice =
                    "<p class=\"notice error\" id=\"login-error\">The user name or the password is wrong.</p>";
        } else if (request.getParameter("logout") != null) {
            notice = "<p class=\"notice\" id=\"logged-out\">You are logged out.</p>";
        }
        String action = HtmlUtils.htmlEscape(request.getRequestURI());
        String hidden =
                csrf == null
                        ? ""
                        : "<input type=\"hidden\" name=\""
                                + HtmlUtils.htmlEscape(csrf.getParameterName())
                                + "\" value=\""
                                + HtmlUtils.htmlEscape(csrf.getToken())
                                + "\">";
        String html =
                """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Kofu Hub console — log in</title>
                <style>
                  body { font-family: sans-serif; background: #f0f0f0; margin: 0; }
                  main { max-width: 22rem; margin: 6rem auto; background: #fff; padding: 2rem; border-top: 4px solid #06c; }
                  h1 { font-size: 1.3rem; margin-top: 0; }
                  label { display: block; margin: 1rem 0 .3rem; }
                  input[type=text], input[type=password] { width: 100%%; box-sizing: border-box; padding: .5rem; }
                  button { margin-top: 1.5rem; padding: .5rem 1.5rem; background: #06c; color: #fff; border: 0; }
                  .notice { padding: .5rem; background: #eef; } .error { background: #fee; }
                  small { color: #555; display: block; margin-top: 1.5rem; }
                </style>
                </head>
                <body>
                <main>
                <h1>Kofu Hub console</h1>
                %s
                <form method="post" action="%s">
                <label for="username">User</label>
                <input type="text" id="username" name="username" autocomplete="username" autofocus required>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                %s
                <button type="submit" id="login">Log in</button>
                </form>
                <small>Viewers see routes, exchanges and metrics; operators may also run operations.</small>
                </main>
                </body>
                </html>
                """
                        .formatted(notice, action, hidden);
        return ResponseEntity.ok()
                .header("Cache-Control", "no-store")
                .contentType(
                        new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(html);
    }
}
