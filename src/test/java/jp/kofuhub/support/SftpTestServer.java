package jp.kofuhub.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server for the tests (Apache MINA SSHD), playing the hub's production inbox: it
 * listens on a free port of 127.0.0.1 only, serves one temporary folder ({@link #root()}) and
 * accepts exactly one client key for user {@value #USER} — public-key authentication only, no
 * password, no keyboard-interactive. It writes what a client needs next to it: the client's private
 * key in OpenSSH format ({@link #privateKeyFile()}, readable by JSch as camel-sftp uses it) and a
 * known_hosts file with the server's host key ({@link #knownHostsFile()}, for {@code
 * strictHostKeyChecking=yes}).
 *
 * <p>Started lazily once per test JVM, stopped by a shutdown hook. {@link #upload} plays the
 * in-house system: it uploads {@code name.part} over SFTP and renames it to {@code name}
 * (docs/interfaces/registry-export.md §2).
 */
public final class SftpTestServer {

    public static final String USER = "registry";

    private static SftpTestServer instance;

    private SshServer sshd;
    private final int port;
    private final SimpleGeneratorHostKeyProvider hostKeys;
    private final Path keysDir;
    private volatile boolean refuseClient;
    private final Path root;
    private final Path privateKeyFile;
    private final Path knownHostsFile;
    private final KeyPair clientKey;
    private final PublicKey hostKey;

    private SftpTestServer() throws IOException, GeneralSecurityException {
        Path work = Files.createTempDirectory("kofu-test-sftp-server-");
        root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(root.resolve("inbox"));
        Path keys = Files.createDirectories(work.resolve("keys"));

        clientKey = newRsaKey();
        privateKeyFile = keys.resolve("id_rsa");
        try (OutputStream out = Files.newOutputStream(privateKeyFile)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
                    clientKey, "kofu-test-registry", null, out);
        }
        if (Files.getFileStore(privateKeyFile).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(
                    privateKeyFile,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }

        SimpleGeneratorHostKeyProvider hostKeys =
                new SimpleGeneratorHostKeyProvider(keys.resolve("host-key.ser"));
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKeys.setKeySize(256);
        List<KeyPair> loaded = hostKeys.loadKeys(null);
        hostKey = loaded.get(0).getPublic();

        this.hostKeys = hostKeys;
        this.keysDir = keys;
        sshd = server(hostKeys, 0);
        port = sshd.getPort();

        knownHostsFile = keys.resolve("known_hosts");
        Files.writeString(
                knownHostsFile,
                "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey) + "\n",
                StandardCharsets.US_ASCII);
    }

    private SshServer server(
            org.apache.sshd.common.keyprovider.KeyPairProvider keys, int listenPort)
            throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(listenPort);
        s.setKeyPairProvider(keys);
        // public key only: no password, keyboard-interactive, GSS or host-based method is offered
        s.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        PublicKey accepted = clientKey.getPublic();
        s.setPublickeyAuthenticator(
                (user, key, session) ->
                        !refuseClient && USER.equals(user) && KeyUtils.compareKeys(accepted, key));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        s.setFileSystemFactory(new VirtualFileSystemFactory(root));
        s.start();
        return s;
    }

    /** Stops the server: nothing listens on its port until {@link #start}. */
    public synchronized void stop() throws IOException {
        sshd.stop(true);
    }

    /** Starts the server again on the same port with its own host key. */
    public synchronized void start() throws IOException {
        if (!sshd.isStarted()) {
            sshd = server(hostKeys, port);
        }
    }

    /**
     * Restarts the server on the same port presenting another host key than the one in {@link
     * #knownHostsFile()} (a man in the middle, or a re-installed server). {@link #start} after
     * {@link #stop} brings the right key back.
     */
    public synchronized void startWithAnotherHostKey() throws IOException {
        sshd.stop(true);
        SimpleGeneratorHostKeyProvider other =
                new SimpleGeneratorHostKeyProvider(keysDir.resolve("other-host-key.ser"));
        other.setAlgorithm(KeyUtils.EC_ALGORITHM);
        other.setKeySize(256);
        sshd = server(other, port);
    }

    /** Whether the server refuses the client's key (an authentication failure) from now on. */
    public void refuseClient(boolean refuse) {
        this.refuseClient = refuse;
    }

    /** The server, started at the first call. */
    public static synchronized SftpTestServer get() {
        if (instance == null) {
            try {
                instance = new SftpTestServer();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test SFTP server", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the test SFTP server's keys", e);
            }
            SftpTestServer s = instance;
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            s.sshd.stop(true);
                                        } catch (IOException ignored) {
                                            // the JVM is ending
                                        }
                                    }));
        }
        return instance;
    }

    public static KeyPair newRsaKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        return g.generateKeyPair();
    }

    public int port() {
        return port;
    }

    /** The local folder the server serves as "/"; the hub's inbox is its {@code inbox} folder. */
    public Path root() {
        return root;
    }

    /** The accepted client's private key, OpenSSH format, no passphrase. */
    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** A known_hosts file naming this server ([127.0.0.1]:port) and its host key. */
    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /**
     * Uploads {@code localFile} into the server's {@code inbox} folder as the in-house system does:
     * as {@code remoteName.part}, closed, then renamed to {@code remoteName}.
     */
    public void upload(Path localFile, String remoteName) throws IOException {
        try (SshClient client = client();
                ClientSession session = connect(client, clientKey)) {
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                String target = "inbox/" + remoteName;
                String part = target + ".part";
                try (InputStream in = Files.newInputStream(localFile);
                        OutputStream out = sftp.write(part)) {
                    in.transferTo(out);
                }
                sftp.rename(part, target);
            }
            session.close(false).await(Duration.ofSeconds(10));
        }
    }

    /** Tries to log in as {@value #USER} with {@code key}; throws if the server refuses. */
    public void login(KeyPair key) throws IOException {
        try (SshClient client = client();
                ClientSession session = connect(client, key)) {
            session.close(false).await(Duration.ofSeconds(10));
        }
    }

    /** A client that trusts only this server's host key. */
    private SshClient client() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(hostKey));
        client.start();
        return client;
    }

    private ClientSession connect(SshClient client, KeyPair key) throws IOException {
        ClientSession session =
                client.connect(USER, "127.0.0.1", port())
                        .verify(Duration.ofSeconds(10))
                        .getSession();
        try {
            session.addPublicKeyIdentity(key);
            session.auth().verify(Duration.ofSeconds(10));
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }
}
