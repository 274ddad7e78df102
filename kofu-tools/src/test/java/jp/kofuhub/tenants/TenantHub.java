package jp.kofuhub.tenants;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import jp.kofuhub.demo.DemoKeys;
import jp.kofuhub.support.TestHub;

/**
 * The tenant tests' own hub: the shipped and test profiles plus two tenants of
 * src/test/resources/tenant-municipalities (990011 テナントA市, 990012 テナントB市), a templates folder with
 * 990012's own 住民票 shell (src/test/resources/tenant-templates), and 990012 signing with a key of
 * its own (the hub key of a second demo key set, another CA) while 990011 signs with the hub's. Its
 * own database on H2; on PostgreSQL the run's server, where only this hub serves 990011 and 990012.
 */
final class TenantHub {

    static final String A = "990011";
    static final String B = "990012";

    /** A second demo key set: its hub.p12 is 990012's own signing key. */
    static final Path OTHER_KEYS = otherKeys();

    private TenantHub() {}

    private static Path otherKeys() {
        try {
            Path dir = Files.createTempDirectory("kofu-test-tenant-keys-");
            DemoKeys.generate(dir, DemoKeys.DEFAULT_PASSWORD.toCharArray(), false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> tenants(TestHub.Work w) {
        Path templates = w.dir().resolve("templates");
        try {
            copyTree(Path.of("src/test/resources/tenant-municipalities"), w.profiles());
            copyTree(Path.of("xslt-templates"), templates);
            copyTree(Path.of("src/test/resources/tenant-templates"), templates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "kofu.templates.dir",
                templates.toString(),
                "kofu.signing.municipalities." + B + ".keystore",
                OTHER_KEYS.resolve("hub.p12").toString(),
                "kofu.signing.municipalities." + B + ".password",
                DemoKeys.DEFAULT_PASSWORD,
                "kofu.coupling.check-period",
                "300",
                "kofu.coupling.route-timeout-seconds",
                "5");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static class H2 extends TestHub {
        H2() {
            super(hub("h2-tenants").ownH2("kofu-test-tenants").with(TenantHub::tenants));
        }
    }

    static class Postgres extends TestHub {
        Postgres() {
            super(hub("postgres-tenants").postgres("kofu_tenants").with(TenantHub::tenants));
        }
    }
}
