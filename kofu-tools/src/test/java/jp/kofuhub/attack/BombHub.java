package jp.kofuhub.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import jp.kofuhub.support.TestHub;

/**
 * The hub of {@link BombAttackTest}, every boundary as in production: the centre's requests must be
 * sealed (HTTPS with the centre's client certificate), export files must be {@code .kexp.pgp} (the
 * inbox folder, as the sync tests feed it), the koseki hop is HTTPS with OpenPGP bodies to {@link
 * #KOSEKI_PORT}, where the test runs a small real HTTPS server that answers bombs. The inflation
 * limits are the shipped defaults (config/application.yaml). Its own context and folders (same H2
 * database as the other test hubs); municipality {@value #CITY} is its own, copied from the
 * test-only 戸籍市 profile.
 */
public class BombHub extends TestHub {

    static final String CITY = "990021";
    static final int KOSEKI_PORT = freePort();

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public BombHub() {
        super(
                hub("h2-bomb")
                        .with(
                                w -> {
                                    w.copyProfile("990006-koseki.yaml", CITY, "bomb");
                                    Map<String, Object> p = new HashMap<>();
                                    p.put("server.ssl.enabled", "true");
                                    p.put("kofu.issuance.pgp.required", "true");
                                    p.put("kofu.sync.pgp.required", "true");
                                    p.put(
                                            "kofu.sync.inbox-uri",
                                            "file:"
                                                    + w.inbox()
                                                    + "?include=.*\\.kexp(\\.pgp)?&sortBy=file:name&delete=true&delay=100");
                                    p.put(
                                            "kofu.sync.pgp.work-dir",
                                            w.dir().resolve("sync-work").toString());
                                    p.put(
                                            "kofu.koseki.url",
                                            "https://localhost:" + KOSEKI_PORT + "/koseki/v1");
                                    p.put("kofu.koseki.pgp", "true");
                                    // long enough that an answer which inflates without bound is
                                    // not cut short by the breaker's timeout
                                    p.put("kofu.koseki.timeout-ms", "30000");
                                    return p;
                                }));
    }
}
