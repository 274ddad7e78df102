package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jp.kofuhub.registry.ExportFileException;
import jp.kofuhub.sync.SequenceGapException;
import jp.kofuhub.sync.WorkDirFullException;
import org.apache.camel.Exchange;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Route-level test of {@code routes/sync/registry-sync.camel.yaml} with its error policy {@code
 * sync-quarantine}: a real file inbox (a folder under target/, through {@code kofu.sync.inbox-uri})
 * and a master: consumer, stand-ins for the four beans the route calls. What the policy decides is
 * checked here: an applied file leaves the inbox; a bad file (ExportFileException) is handed to the
 * quarantine whole, with its reason, and nothing of it applied; a sequence gap leaves the file in
 * the inbox for the next poll, and so does a file with no room to be decrypted (WORK_DIR_FULL).
 * Decryption, verification and the replica are the whole-hub tests' ({@code PgpHub}, {@code
 * SyncOnH2Test}).
 */
@RouteTestBase.RouteTest
@SpringBootTest(
        classes = RegistrySyncRouteTest.Beans.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/sync/registry-sync.camel.yaml,"
                    + "file:routes/common/error-handling.camel.yaml",
            "kofu.sync.inbox-uri=file:"
                    + RegistrySyncRouteTest.INBOX
                    + "?include=.*[.]kexp&sortBy=file:name&delete=true&readLock=none&delay=50"
                    + "&initialDelay=0"
        })
public class RegistrySyncRouteTest {

    static final String INBOX = "target/route-tests/sync-inbox";

    /** What the stand-ins saw. */
    public static class Seen {
        final List<String> applied = new CopyOnWriteArrayList<>();
        final List<String> quarantined = new CopyOnWriteArrayList<>();
        final AtomicInteger gapTries = new AtomicInteger();
        final AtomicInteger fullTries = new AtomicInteger();
    }

    /** The decrypted file as PgpInbox.Plain offers it to the route. */
    public static final class Plain {
        private final InputStream stream;
        private final String name;

        Plain(InputStream stream, String name) {
            this.stream = stream;
            this.name = name;
        }

        public InputStream getStream() {
            return stream;
        }

        public String getName() {
            return name;
        }
    }

    public static class CouplingStandIn {
        public void holdSync(String fileName) {}
    }

    public static class PgpInboxStandIn {
        final Seen seen;

        PgpInboxStandIn(Seen seen) {
            this.seen = seen;
        }

        public void receive(Exchange exchange) throws IOException {
            String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
            if (name.contains("nospace")) {
                seen.fullTries.incrementAndGet();
                throw new WorkDirFullException(name, 1000, "no room to start");
            }
            if (name.contains("forged")) {
                throw new ExportFileException("BAD_SIGNATURE", "not signed by its source");
            }
            exchange.setVariable(
                    "plain", new Plain(exchange.getMessage().getBody(InputStream.class), name));
        }
    }

    public static class RegistrySyncStandIn {
        final Seen seen;

        RegistrySyncStandIn(Seen seen) {
            this.seen = seen;
        }

        public String apply(InputStream content, String name) throws IOException {
            if (name.contains("gap")) {
                seen.gapTries.incrementAndGet();
                throw new SequenceGapException("990002", "JUKI", 1, 3);
            }
            seen.applied.add(
                    name + ":" + new String(content.readAllBytes(), StandardCharsets.UTF_8));
            return "applied";
        }
    }

    public static class QuarantineStandIn {
        final Seen seen;

        QuarantineStandIn(Seen seen) {
            this.seen = seen;
        }

        public void store(InputStream body, String fileName, Exception cause) throws IOException {
            seen.quarantined.add(
                    fileName + ":" + body.readAllBytes().length + ":" + cause.getMessage());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        Seen seen() {
            return new Seen();
        }

        @Bean
        CouplingStandIn couplingSteps() {
            return new CouplingStandIn();
        }

        @Bean
        PgpInboxStandIn pgpInbox(Seen seen) {
            return new PgpInboxStandIn(seen);
        }

        @Bean
        RegistrySyncStandIn registrySync(Seen seen) {
            return new RegistrySyncStandIn(seen);
        }

        @Bean
        QuarantineStandIn quarantine(Seen seen) {
            return new QuarantineStandIn(seen);
        }

        @Bean
        CamelContextConfiguration clusterService() {
            return RouteTestBase.fileLockCluster("target/route-tests/sync-cluster");
        }
    }

    @Autowired Seen seen;

    @Test
    void appliedQuarantinedOrLeftForTheNextPoll() throws IOException {
        Path inbox = Path.of(INBOX);
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("990002_JUKI_000001_DELTA.kexp"), "one");
        Files.writeString(inbox.resolve("990002_JUKI_000002_forged.kexp"), "forged!");
        Files.writeString(inbox.resolve("990002_JUKI_000004_gap.kexp"), "four");
        Files.writeString(inbox.resolve("990003_JUKI_000001_nospace.kexp"), "no room");

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                seen.quarantined.size() == 1
                                        && seen.gapTries.get() >= 2
                                        && seen.fullTries.get() >= 2);

        assertThat(seen.applied).containsExactly("990002_JUKI_000001_DELTA.kexp:one");
        assertThat(seen.quarantined)
                .containsExactly(
                        "990002_JUKI_000002_forged.kexp:7:BAD_SIGNATURE: not signed by its source");
        assertThat(inbox.resolve("990002_JUKI_000001_DELTA.kexp")).doesNotExist();
        assertThat(inbox.resolve("990002_JUKI_000002_forged.kexp")).doesNotExist();
        assertThat(inbox.resolve("990002_JUKI_000004_gap.kexp")).exists();
        // no room to decrypt (WORK_DIR_FULL): not the file's fault, left for the next poll, not
        // quarantined
        assertThat(inbox.resolve("990003_JUKI_000001_nospace.kexp")).exists();
        Files.delete(inbox.resolve("990002_JUKI_000004_gap.kexp"));
        Files.delete(inbox.resolve("990003_JUKI_000001_nospace.kexp"));
    }
}
