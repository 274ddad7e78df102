package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test hubs whose inbox is not a local folder. */
public final class TestHubSftp {

    private TestHubSftp() {}

    /**
     * The H2 hub, but its inbox is camel-sftp against {@link SftpTestServer} (the production
     * transport): key authentication, the server's host key checked against a known_hosts file,
     * files streamed to a local work folder rather than held in memory. Its own H2 database and
     * quarantine folder; {@code kofu.test.inbox-dir} is the local folder the SFTP server serves as
     * {@code /inbox}.
     */
    public static class Sftp extends TestHub {

        public Sftp() {
            // the local inbox of the spec is replaced by the SFTP server's
            super(
                    hub("sftp")
                            .ownH2("kofu-test-sftp")
                            .with(
                                    w -> {
                                        SftpTestServer server = SftpTestServer.get();
                                        Path download;
                                        try {
                                            download =
                                                    Files.createDirectories(
                                                            w.dir().resolve("sftp-download"));
                                        } catch (IOException e) {
                                            throw new UncheckedIOException(e);
                                        }
                                        return Map.of(
                                                "kofu.test.inbox-dir",
                                                server.root().resolve("inbox").toString(),
                                                "kofu.sync.inbox-uri",
                                                "sftp://"
                                                        + SftpTestServer.USER
                                                        + "@127.0.0.1:"
                                                        + server.port()
                                                        + "/inbox"
                                                        + "?privateKeyFile="
                                                        + server.privateKeyFile()
                                                        + "&knownHostsFile="
                                                        + server.knownHostsFile()
                                                        + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                                                        + "&include=.*\\.kexp&sortBy=file:name&delete=true&delay=200"
                                                        + "&localWorkDirectory="
                                                        + download
                                                        + "&autoCreate=true&connectTimeout=10000&throwExceptionOnConnectFailed=false");
                                    }));
        }
    }
}
