package jp.kofuhub.support;

/**
 * A test hub like {@link TestHub.H2} (its own in-memory database and folders, so it never shares
 * rows or an inbox with the plain H2 hub that Spring caches beside it) whose listener is the real
 * one: HTTPS with client certificates (mutual TLS) from the run's demo key set {@link TestHub#KEYS}
 * and the client-certificate filter on.
 */
public class SecureHub extends TestHub {

    static final Spec SPEC =
            hub("h2-tls").ownH2("kofu-test-tls").with("server.ssl.enabled", "true");

    public SecureHub() {
        super(SPEC);
    }
}
