package jp.kofuhub.keys;

import java.security.KeyStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Gets the hub's TLS listener its keys before the web server is made. The SSL bundle ({@code
 * spring.ssl.bundle.jks.hub}) reads its key stores lazily, when Tomcat builds the HTTPS connector;
 * this customizer runs just before that, so
 *
 * <ul>
 *   <li>the demo ({@code kofu.demo.enabled}, {@code kofu.keys.generate-if-missing}) writes its key
 *       set first ({@link KeysOnFirstRun#ensure()}) and the first start already serves HTTPS;
 *   <li>with TLS on, a missing or unreadable key store or trust store stops the start with a
 *       message that names the file, instead of a connector failure deep in Tomcat;
 *   <li>with TLS off (dev profile, test hubs) nothing is read: missing key files do not matter
 *       here.
 * </ul>
 */
@Component
public class TlsListener
        implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

    private final ObjectProvider<KeysOnFirstRun> keys;
    private final ServerProperties server;
    private final ObjectProvider<SslBundles> bundles;

    public TlsListener(
            ObjectProvider<KeysOnFirstRun> keys,
            ServerProperties server,
            ObjectProvider<SslBundles> bundles) {
        this.keys = keys;
        this.server = server;
        this.bundles = bundles;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        KeysOnFirstRun firstRun = keys.getIfAvailable();
        if (firstRun != null) {
            firstRun.ensure();
        }
        Ssl ssl = server.getSsl();
        if (ssl == null || !Ssl.isEnabled(ssl) || ssl.getBundle() == null) {
            return;
        }
        SslBundles registry = bundles.getIfAvailable();
        if (registry == null) {
            return;
        }
        check(registry, ssl.getBundle());
    }

    /** Reads the bundle's key store and trust store now; a failure names them and what to do. */
    static void check(SslBundles registry, String name) {
        String what = "the key store";
        try {
            SslBundle bundle = registry.getBundle(name);
            KeyStore keyStore = bundle.getStores().getKeyStore();
            what = "the trust store";
            KeyStore trustStore = bundle.getStores().getTrustStore();
            if (keyStore == null || trustStore == null) {
                throw new IllegalStateException(
                        (keyStore == null ? "no key store" : "no trust store") + " configured");
            }
        } catch (RuntimeException e) {
            throw new KeysUnreadable(
                    "TLS is on (server.ssl.enabled, KOFU_TLS) but "
                            + what
                            + " of the SSL bundle '"
                            + name
                            + "' cannot be read: "
                            + rootMessage(e)
                            + ".",
                    e);
        }
    }

    /**
     * What to do when {@link KeysUnreadable} stops the start (printed by {@link
     * TlsKeysFailureAnalyzer}).
     */
    static final String ACTION =
            "Supply the file (KOFU_TLS_KEYSTORE, KOFU_TLS_TRUSTSTORE or KOFU_KEYS_DIR, password "
                    + "KOFU_KEYS_PASSWORD; docs/keys.md), or for the demo run `./kofu keys`; plain HTTP only with the dev "
                    + "profile (SPRING_PROFILES_ACTIVE=dev).";

    /** TLS is on but the listener's key store or trust store cannot be read. */
    public static class KeysUnreadable extends IllegalStateException {
        KeysUnreadable(String message, Throwable cause) {
            super(message + " " + ACTION, cause);
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
