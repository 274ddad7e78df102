package jp.kofuhub.issuance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import jp.kofuhub.support.TestHub;

/**
 * The test hub of {@link CentreHopScenarios}: as {@link TestHub.H2}, but sealed requests are
 * required ({@code kofu.issuance.pgp.required=true}, as in production) and the centre's public key
 * is a copy in the hub's own folder ({@code kofu.pgp.peers.centre}), so a test can put a revoked
 * copy in its place for a while (PgpMessages reads a key file again when it changes). Its listener
 * is the real one, HTTPS with the centre's client certificate (mutual TLS), so this is the
 * production hop end to end. One context of its own; the shared database.
 */
public class CentreHub extends TestHub {

    public CentreHub() {
        super(
                hub("h2-centre")
                        .with(
                                w -> {
                                    Path key = w.dir().resolve("centre.pgp.pub");
                                    try {
                                        Files.copy(
                                                TestHub.KEYS.resolve("centre.pgp.pub"),
                                                key,
                                                StandardCopyOption.REPLACE_EXISTING);
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                    Map<String, Object> p = new HashMap<>();
                                    p.put("kofu.issuance.pgp.required", "true");
                                    // and as in production over mutual TLS: requests come with the
                                    // centre's client certificate
                                    p.put("server.ssl.enabled", "true");
                                    p.put("kofu.pgp.peers.centre", key.toString());
                                    return p;
                                }));
    }
}
