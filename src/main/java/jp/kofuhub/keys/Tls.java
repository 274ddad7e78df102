package jp.kofuhub.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts of the hub's parties from a key folder laid out like the demo key set
 * (docs/keys.md): {@code <party>.p12} (the party's key and chain) and {@code truststore.p12} (the
 * CA certificates it accepts). Used by the command-line tools (kiosk, quarantine, …) to call the
 * hub with a client certificate, and by the koseki simulator to serve with one.
 */
public final class Tls {

    /** The key folder when none is configured (the demo key set is written there). */
    public static final String DEFAULT_KEYS_DIR = "data/keys";

    /** The key password when none is configured: the demo key set's. */
    public static final String DEFAULT_KEYS_PASSWORD = "changeit-demo";

    private Tls() {}

    /**
     * The password: system property {@code kofu.keys.password}, else KOFU_KEYS_PASSWORD, else the
     * demo default.
     */
    public static char[] configuredPassword() {
        String p = System.getProperty("kofu.keys.password");
        if (p == null || p.isEmpty()) {
            p = System.getenv("KOFU_KEYS_PASSWORD");
        }
        return (p == null || p.isEmpty() ? DEFAULT_KEYS_PASSWORD : p).toCharArray();
    }

    /**
     * The key folder of a command-line tool: {@code -Dkofu.keys.dir}, else KOFU_KEYS_DIR, else
     * data/keys.
     */
    public static Path configuredDir() {
        String d = System.getProperty("kofu.keys.dir");
        if (d == null || d.isEmpty()) {
            d = System.getenv("KOFU_KEYS_DIR");
        }
        return Path.of(d == null || d.isEmpty() ? DEFAULT_KEYS_DIR : d);
    }

    /**
     * A TLS 1.3/1.2 context that presents {@code <party>.p12} (when {@code party} is not null) and
     * trusts only the CAs of {@code truststore.p12}.
     */
    public static SSLContext context(Path keysDir, String party, char[] password) {
        try {
            KeyManagerFactory kmf = null;
            if (party != null) {
                KeyStore ks = load(keysDir.resolve(party + ".p12"), password);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(keysDir.resolve("truststore.p12"), password));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot make the TLS context of " + party + ": " + e.getMessage(), e);
        }
    }

    /**
     * An HTTP client for {@code url}: for {@code https:} with the client certificate of {@code
     * party} from the configured key folder and password ({@link #configuredDir()}, {@link
     * #configuredPassword()}); for {@code http:} (the dev profile) a plain one.
     */
    public static HttpClient httpClient(String url, String party) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (url != null && url.regionMatches(true, 0, "https:", 0, 6)) {
            b.sslContext(context(configuredDir(), party, configuredPassword()));
        }
        return b.build();
    }

    static KeyStore load(Path file, char[] password) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key store " + file, e);
        }
    }
}
