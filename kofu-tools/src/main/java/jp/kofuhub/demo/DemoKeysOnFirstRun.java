package jp.kofuhub.demo;

import java.nio.file.Path;
import jp.kofuhub.keys.KeysOnFirstRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The hub's first start in the demo writes the demo key set ({@link DemoKeys}) into {@code
 * kofu.keys.dir} when it is not complete there. Rule: only when {@code
 * kofu.keys.generate-if-missing} is true (default) <em>and</em> {@code kofu.demo.enabled} is true,
 * so test hubs (demo off) and production hubs (demo off; keys supplied as files) never write keys.
 * Runs before the other runners (the demo city), so they find the keys.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DemoKeysOnFirstRun implements KeysOnFirstRun, ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DemoKeysOnFirstRun.class);

    private final Path dir;
    private final String password;
    private final boolean generateIfMissing;
    private final boolean demo;

    public DemoKeysOnFirstRun(
            @Value("${kofu.keys.dir:" + DemoKeys.DEFAULT_DIR + "}") String dir,
            @Value("${kofu.keys.password:" + DemoKeys.DEFAULT_PASSWORD + "}") String password,
            @Value("${kofu.keys.generate-if-missing:true}") boolean generateIfMissing,
            @Value("${kofu.demo.enabled:true}") boolean demo) {
        this.dir = Path.of(dir);
        this.password = password;
        this.generateIfMissing = generateIfMissing;
        this.demo = demo;
    }

    /** True when this hub should write the set now. */
    boolean shouldGenerate() {
        return generateIfMissing && demo && !DemoKeys.isComplete(dir);
    }

    @Override
    public void run(ApplicationArguments args) {
        ensure();
    }

    /**
     * Writes the demo set now if this hub should (called early by the beans that need keys, e.g.
     * the certificate signer, so the first demo start already signs; idempotent).
     */
    @Override
    public synchronized void ensure() {
        if (!shouldGenerate()) {
            return;
        }
        DemoKeys.Result r = DemoKeys.generate(dir, password.toCharArray(), false);
        if (r.generated()) {
            LOG.info(
                    "wrote the demo key set (demo only, not for production) to {}: {} files, CA SHA-256 {}",
                    dir.toAbsolutePath(),
                    r.files().size(),
                    r.caSha256());
        }
    }
}
