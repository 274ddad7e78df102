package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Test hubs whose inbox is not a local folder. */
public final class TestHubSftp {

    private TestHubSftp() {
    }

    /**
     * The H2 hub, but its inbox is camel-sftp against {@link SftpTestServer} (the production
     * transport): key authentication, the server's host key checked against a known_hosts file,
     * files streamed to a local work folder rather than held in memory. Its own H2 database and
     * quarantine folder; {@code kofu.test.inbox-dir} is the local folder the SFTP server serves as
     * {@code /inbox}.
     */
    public static class Sftp extends TestHub.H2 {

        @Override
        protected String name() {
            return "sftp";
        }

        @Override
        protected Map<String, Object> datasource() {
            return Map.of("spring.datasource.url", "jdbc:h2:mem:kofu-test-sftp;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "spring.datasource.username", "sa",
                    "spring.datasource.password", "");
        }

        @Override
        public void initialize(ConfigurableApplicationContext ctx) {
            super.initialize(ctx); // datasource, quarantine, tomcat folder; then the inbox is replaced
            SftpTestServer server = SftpTestServer.get();
            Path work = TestHub.workDir(name());
            Path download;
            try {
                download = Files.createDirectories(work.resolve("sftp-download"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Object> p = new HashMap<>();
            p.put("kofu.test.inbox-dir", server.root().resolve("inbox").toString());
            p.put("kofu.sync.inbox-uri", "sftp://" + SftpTestServer.USER + "@127.0.0.1:" + server.port() + "/inbox"
                    + "?privateKeyFile=" + server.privateKeyFile()
                    + "&knownHostsFile=" + server.knownHostsFile()
                    + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                    + "&include=.*\\.kexp&sortBy=file:name&delete=true&delay=200"
                    + "&localWorkDirectory=" + download
                    + "&autoCreate=true&connectTimeout=10000&throwExceptionOnConnectFailed=false");
            ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-hub-sftp-inbox", p));
        }
    }
}
