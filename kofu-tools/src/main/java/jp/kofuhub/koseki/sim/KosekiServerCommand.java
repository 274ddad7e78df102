package jp.kofuhub.koseki.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.cli.CommandOptions;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.Tls;
import org.slf4j.LoggerFactory;

/**
 * {@code koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市] [--overrides FILE.tsv] [--extra
 * FILE.tsv] [--port 8091] [--address ADDR (default $SERVER_ADDRESS, else every interface)] [--keys
 * DIR] [--tls] [--pgp]}: runs the koseki certificate server simulator until killed. {@code --tls}:
 * HTTPS with {@code koseki-server.p12} of the key folder, a client certificate of a CA in its
 * {@code truststore.p12} required; {@code --pgp}: request bodies signed by the hub and encrypted to
 * {@code koseki-server.pgp.sec}, answers sealed to {@code hub.pgp.pub}
 * (docs/interfaces/koseki-server.md v1.1). The key folder is {@code --keys}, else the configured
 * one ({@code -Dkofu.keys.dir}, KOFU_KEYS_DIR, data/keys), its password {@code kofu.keys.password}
 * / KOFU_KEYS_PASSWORD. The font is {@code fonts/ipaexm.ttf} of the working directory (the project
 * root, as {@code ./kofu} runs it). Exit codes: 2 bad arguments, 1 the book or the server could not
 * be set up.
 */
public final class KosekiServerCommand {

    public static final String USAGE =
            "usage: koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市]"
                    + " [--overrides FILE.tsv] [--extra FILE.tsv] [--port 8091] [--address ADDR (default $SERVER_ADDRESS, else every interface)] [--keys DIR] [--tls] [--pgp]";
    public static final String DEFAULT_CITY_PREFIX = "北海道北広島市";
    public static final int DEFAULT_PORT = 8091;
    public static final Path FONT = Path.of("fonts", "ipaexm.ttf");

    private KosekiServerCommand() {}

    public static int run(String[] args) {
        Map<String, String> o;
        int port;
        List<String> rest = new ArrayList<>();
        boolean tls = false;
        boolean pgp = false;
        for (String a : args) {
            switch (a) {
                case "--tls" -> tls = true;
                case "--pgp" -> pgp = true;
                default -> rest.add(a);
            }
        }
        try {
            o =
                    CommandOptions.parse(
                            rest.toArray(String[]::new),
                            Set.of(
                                    "juki",
                                    "city-prefix",
                                    "overrides",
                                    "extra",
                                    "port",
                                    "keys",
                                    "address"));
            if (!o.containsKey("juki")) {
                throw new IllegalArgumentException("--juki is required");
            }
            port = Integer.parseInt(o.getOrDefault("port", Integer.toString(DEFAULT_PORT)));
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0-65535");
            }
        } catch (NumberFormatException e) {
            System.err.println("--port must be a number\n" + USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        quietLogging();
        KosekiServer server;
        KosekiBook book;
        try {
            String prefix = o.getOrDefault("city-prefix", DEFAULT_CITY_PREFIX);
            book =
                    KosekiBook.load(
                            Path.of(o.get("juki")),
                            prefix,
                            o.containsKey("overrides") ? Path.of(o.get("overrides")) : null,
                            o.containsKey("extra") ? Path.of(o.get("extra")) : null);
            Path keys = o.containsKey("keys") ? Path.of(o.get("keys")) : Tls.configuredDir();
            // every PDF PAdES-signed with the city's 戸籍 key: koseki-server.p12 of the key folder
            server =
                    new KosekiServer(
                            book,
                            new KosekiCertificates(
                                    FONT,
                                    book.cityPrefix(),
                                    KosekiCertificates.demoSigner(
                                            keys, Tls.configuredPassword(), book.cityPrefix())),
                            KosekiServer.listenAddress(
                                    o.getOrDefault("address", System.getenv("SERVER_ADDRESS")),
                                    port),
                            8);
            if (tls) {
                server.tls(Tls.context(keys, "koseki-server", Tls.configuredPassword()));
            }
            if (pgp) {
                for (String f :
                        new String[] {"koseki-server.pgp.sec", KosekiServer.HUB + ".pgp.pub"}) {
                    if (!java.nio.file.Files.isRegularFile(keys.resolve(f))) {
                        throw new java.nio.file.NoSuchFileException(keys.resolve(f).toString());
                    }
                }
                server.pgp(
                        PgpMessages.ofParty(
                                keys,
                                "koseki-server",
                                Tls.configuredPassword(),
                                List.of(KosekiServer.HUB)));
            }
            server.start();
        } catch (Exception e) {
            System.err.println(
                    "koseki-server failed: "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "koseki-server-stop"));
        System.out.println(
                "koseki server ready on port "
                        + server.port()
                        + " with "
                        + book.size()
                        + " 戸籍"
                        + (tls ? ", https with client certificates" : ", plain http")
                        + (pgp ? ", OpenPGP bodies" : ""));
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Outside Spring, logback would log everything at DEBUG (FOP's layout included): INFO, FOP at
     * WARN.
     */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .setLevel(ch.qos.logback.classic.Level.INFO);
            ctx.getLogger("org.apache.fop").setLevel(ch.qos.logback.classic.Level.WARN);
            ctx.getLogger("org.apache.xmlgraphics").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
