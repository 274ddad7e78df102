package jp.kofuhub.koseki.sim;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.CommandOptions;
import org.slf4j.LoggerFactory;

/**
 * {@code koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市] [--overrides FILE.tsv]
 * [--extra FILE.tsv] [--port 8091]}: runs the koseki certificate server simulator until killed.
 * The font is {@code fonts/ipaexm.ttf} of the working directory (the project root, as {@code ./kofu}
 * runs it). Exit codes: 2 bad arguments, 1 the book or the server could not be set up.
 */
public final class KosekiServerCommand {

    public static final String USAGE = "usage: koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市]"
            + " [--overrides FILE.tsv] [--extra FILE.tsv] [--port 8091]";
    public static final String DEFAULT_CITY_PREFIX = "北海道北広島市";
    public static final int DEFAULT_PORT = 8091;
    public static final Path FONT = Path.of("fonts", "ipaexm.ttf");

    private KosekiServerCommand() {
    }

    public static int run(String[] args) {
        Map<String, String> o;
        int port;
        try {
            o = CommandOptions.parse(args, Set.of("juki", "city-prefix", "overrides", "extra", "port"));
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
            book = KosekiBook.load(Path.of(o.get("juki")), prefix,
                    o.containsKey("overrides") ? Path.of(o.get("overrides")) : null,
                    o.containsKey("extra") ? Path.of(o.get("extra")) : null);
            server = new KosekiServer(book, new KosekiCertificates(FONT, book.cityPrefix()), port);
            server.start();
        } catch (Exception e) {
            System.err.println("koseki-server failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "koseki-server-stop"));
        System.out.println("koseki server ready on port " + server.port() + " with " + book.size() + " 戸籍");
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Outside Spring, logback would log everything at DEBUG (FOP's layout included): INFO, FOP at WARN. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
            ctx.getLogger("org.apache.fop").setLevel(ch.qos.logback.classic.Level.WARN);
            ctx.getLogger("org.apache.xmlgraphics").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
