package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A test hub whose koseki hop and settlement files are secured as in production: the koseki server
 * at {@code https://localhost:}{@link #KOSEKI_PORT} (mutual TLS, the hub's certificate from the
 * per-run demo key set) with OpenPGP bodies ({@code kofu.koseki.pgp=true}), and settlement files
 * signed by the hub and encrypted to {@code finance} ({@code kofu.settlement.pgp=true}). Its own
 * context next to the shared one (own folders, same H2 database), with two municipalities of its
 * own copied from the test-only 戸籍市 profile: {@value #KOSEKI_CITY} (koseki) and {@value
 * #SETTLED_CITY} (settlement). The settlement timer is set to a day, so only the tests settle.
 */
public class SecureKosekiHub extends TestHub {

    public static final String KOSEKI_CITY = "990016";
    public static final String SETTLED_CITY = "990017";

    /**
     * The port of the secured koseki server simulator of these tests (not TestHub.KOSEKI_PORT's
     * plain one).
     */
    public static final int KOSEKI_PORT = freeSecurePort();

    private static int freeSecurePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SecureKosekiHub() {
        super(
                hub("h2-secure-koseki")
                        .with(
                                w -> {
                                    w.copyProfile("990006-koseki.yaml", KOSEKI_CITY, "secure");
                                    w.copyProfile("990006-koseki.yaml", SETTLED_CITY, "secure");
                                    Map<String, Object> p = new HashMap<>();
                                    p.put(
                                            "kofu.koseki.url",
                                            "https://localhost:" + KOSEKI_PORT + "/koseki/v1");
                                    p.put("kofu.koseki.pgp", "true");
                                    // the simulator's first certificate (FOP, key unlocking, TLS)
                                    // takes seconds on a busy 2-core machine
                                    p.put("kofu.koseki.timeout-ms", "8000");
                                    p.put("kofu.settlement.pgp", "true");
                                    p.put(
                                            "kofu.test.settlement-dir",
                                            w.dir().resolve("settlement").toString());
                                    p.put("kofu.settlement.check-period", "86400000");
                                    return p;
                                }));
    }
}
