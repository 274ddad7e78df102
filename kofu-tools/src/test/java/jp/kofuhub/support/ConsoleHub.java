package jp.kofuhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A test hub like {@link SecureHub} (mutual TLS, its own in-memory database and folders) with the
 * operator console's users file of the tests: {@code viewer} (VIEWER) and {@code operator} (VIEWER,
 * OPERATOR) with the passwords {@link #VIEWER_PASSWORD} and {@link #OPERATOR_PASSWORD}.
 */
public class ConsoleHub extends TestHub {

    public static final String VIEWER_PASSWORD = "viewer-test-password";
    public static final String OPERATOR_PASSWORD = "operator-test-password";

    public static final String CAMEL_NAME = "kofu-hub-console";

    /** The users file of the run (bcrypt with a low cost: tests log in often). */
    public static final Path USERS = usersFile();

    private static Path usersFile() {
        try {
            BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
            Path f = Files.createTempFile("kofu-test-console-users-", ".properties");
            Files.writeString(
                    f,
                    "viewer = "
                            + bcrypt.encode(VIEWER_PASSWORD)
                            + ", VIEWER\n"
                            + "operator = "
                            + bcrypt.encode(OPERATOR_PASSWORD)
                            + ", VIEWER, OPERATOR\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ConsoleHub() {
        super(
                SecureHub.SPEC
                        .named("h2-console")
                        .ownH2("kofu-test-console")
                        .with(
                                Map.of(
                                        "kofu.console.users-file", USERS.toString(),
                                        // its own Camel context name: its node in Hawtio's Camel
                                        // tree, beside other test hubs' in the JVM
                                        "camel.main.name", CAMEL_NAME,
                                        // @SpringBootTest turns JMX off; the console needs the stop
                                        // switch's MBean
                                        "spring.jmx.enabled", "true",
                                        // and metrics export off: the kofu.* meters in JMX
                                        // (kofu.metrics) as config/application.yaml has them
                                        "management.jmx.metrics.export.enabled", "true",
                                        "kofu.coupling.check-period", "500",
                                        "kofu.coupling.route-timeout-seconds", "5")));
    }
}
