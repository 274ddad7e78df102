package jp.kofuhub.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.kofuhub.KofuHub;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Several whole hubs in one JVM on one PostgreSQL database (issue #10: any number of instances
 * share one database): each its own Spring context, Camel context, HTTP port, inbox and temporary
 * folders, and its own in-memory documents (DocumentStore, with its own instance id). They share
 * the database (a database of its own on the tests' embedded server, so the shared test contexts'
 * rows never meet these) and the municipality profiles, at one path, as instances of one deployment
 * do. Started one after another (the first runs Flyway); {@link #close} stops them all.
 */
public final class HubInstances implements AutoCloseable {

    /** One running hub. */
    public record Hub(String name, ConfigurableApplicationContext context, Path inbox) {

        public int port() {
            return ((WebServerApplicationContext) context).getWebServer().getPort();
        }

        public String url() {
            return "http://localhost:" + port();
        }

        public <T> T bean(Class<T> type) {
            return context.getBean(type);
        }
    }

    private final List<Hub> hubs = new ArrayList<>();

    /**
     * Starts {@code names.length} hubs on database {@code database}; {@code properties} are set on
     * every one (e.g. a short kofu.documents.release-period).
     */
    public HubInstances(String database, Map<String, Object> properties, String... names) {
        this(database, properties, name -> Map.of(), names);
    }

    /**
     * As above, with properties of each instance's own on top ({@code own} of its name), e.g. a
     * clock stepped on one instance (kofu.faults.clock-offset).
     */
    public HubInstances(
            String database,
            Map<String, Object> properties,
            java.util.function.Function<String, Map<String, Object>> own,
            String... names) {
        EmbeddedPostgres.jdbcUrl(database); // made before the first instance starts
        Path shared = TestHub.workDir(database).resolve("municipalities");
        try {
            for (String name : names) {
                Map<String, Object> p = new HashMap<>(properties);
                p.putAll(own.apply(name));
                TestHub instance = instance(database + "-" + name, database, shared, p);
                ConfigurableApplicationContext ctx =
                        new SpringApplicationBuilder(KofuHub.class).initializers(instance).run();
                hubs.add(new Hub(name, ctx, TestHub.workDir(instance.name()).resolve("inbox")));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The municipality profiles folder every instance on {@code database} reads (write a test
     * profile here before the instances start).
     */
    public static Path profiles(String database) {
        return TestHub.workDir(database).resolve("municipalities");
    }

    public Hub get(int i) {
        return hubs.get(i);
    }

    @Override
    public void close() {
        for (Hub h : hubs) {
            h.context().close();
        }
        hubs.clear();
    }

    /** A test hub (as {@link TestHub}) on the given database, with the shared profile folder. */
    private static TestHub instance(
            String name, String database, Path profiles, Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        // one deployment: the profiles (and their seal images, whose path is in every data
        // document)
        // at one path for every instance
        p.put("kofu.municipalities.dir", profiles.toString());
        p.put("server.port", "0");
        return new TestHub(TestHub.hub(name).postgres(database).with(p));
    }
}
