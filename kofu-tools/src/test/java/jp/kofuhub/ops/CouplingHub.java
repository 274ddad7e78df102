package jp.kofuhub.ops;

import java.util.Map;
import jp.kofuhub.support.TestHub;

/**
 * The stop switch's own test hub: a suspended hub refuses every request, so it must never be a
 * context other test classes share. Its own in-memory database (its own {@code coupling_state} row
 * and history chains) and folders, and a short check period for the watcher.
 */
final class CouplingHub {

    private CouplingHub() {}

    /** In-memory H2 of its own. */
    static class H2 extends TestHub {
        H2() {
            super(
                    hub("h2-coupling")
                            .ownH2("kofu-test-coupling")
                            .with(
                                    Map.of(
                                            "kofu.coupling.check-period", "300",
                                            // @SpringBootTest turns JMX off; this hub exports the
                                            // switch as config/application.yaml does
                                            "spring.jmx.enabled", "true",
                                            "kofu.coupling.route-timeout-seconds", "5")));
        }
    }
}
