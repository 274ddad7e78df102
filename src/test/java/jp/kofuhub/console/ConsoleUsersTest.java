package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class ConsoleUsersTest {

    static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);

    @TempDir Path dir;

    @Test
    void noFileNoUsers() {
        ConsoleUsers users = new ConsoleUsers(dir.resolve("console-users.properties"));
        assertThat(users.present()).isFalse();
        assertThat(users.find("operator")).isEmpty();
    }

    @Test
    void usersWithBcryptHashesAndKnownRolesAreRead() throws Exception {
        Path f = dir.resolve("console-users.properties");
        Files.writeString(
                f,
                "# comment\n"
                        + "viewer = "
                        + BCRYPT.encode("v")
                        + ", VIEWER\n"
                        + "operator = "
                        + BCRYPT.encode("o")
                        + ", operator\n"
                        + "plain = secret, VIEWER\n"
                        + "noroles = "
                        + BCRYPT.encode("x")
                        + "\n"
                        + "odd = "
                        + BCRYPT.encode("x")
                        + ", ADMIN\n");
        ConsoleUsers users = new ConsoleUsers(f);
        assertThat(users.count()).isEqualTo(2);
        assertThat(users.find("viewer").orElseThrow().roles()).containsExactly(ConsoleUsers.VIEWER);
        assertThat(users.find("operator").orElseThrow().roles())
                .as("OPERATOR implies VIEWER")
                .containsExactlyInAnyOrder(ConsoleUsers.VIEWER, ConsoleUsers.OPERATOR);
        assertThat(BCRYPT.matches("o", users.find("operator").orElseThrow().passwordHash()))
                .isTrue();
        assertThat(users.problems()).hasSize(3).noneMatch(p -> p.contains("secret"));
        assertThat(users.find("plain")).isEmpty();
    }

    @Test
    void theFileIsReadAgainWhenItChanges() throws Exception {
        Path f = dir.resolve("console-users.properties");
        Files.writeString(f, "viewer = " + BCRYPT.encode("v") + ", VIEWER\n");
        ConsoleUsers users = new ConsoleUsers(f);
        assertThat(users.find("operator")).isEmpty();
        Files.writeString(f, "operator = " + BCRYPT.encode("o") + ", VIEWER, OPERATOR\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(users.find("operator")).isPresent();
        assertThat(users.find("viewer")).isEmpty();
    }

    @Test
    void theDemoWritesTwoUsersWithRandomPasswordsOnceOwnerOnly() throws Exception {
        Path users = dir.resolve("keys/console-users.properties");
        Path passwords = dir.resolve("keys/console-passwords.txt");
        assertThat(ConsoleUsers.writeDemo(users, passwords, BCRYPT::encode)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords)))
                .isEqualTo("rw-------");
        String[] lines =
                Files.readAllLines(passwords).stream()
                        .filter(l -> !l.startsWith("#"))
                        .toArray(String[]::new);
        assertThat(lines).hasSize(2);
        String viewer = lines[0].split(" ")[1];
        String operator = lines[1].split(" ")[1];
        assertThat(viewer).hasSize(20).isNotEqualTo(operator);
        assertThat(Files.readString(users)).doesNotContain(viewer, operator);
        ConsoleUsers read = new ConsoleUsers(users);
        assertThat(BCRYPT.matches(viewer, read.find("viewer").orElseThrow().passwordHash()))
                .isTrue();
        assertThat(BCRYPT.matches(operator, read.find("operator").orElseThrow().passwordHash()))
                .isTrue();
        assertThat(read.find("operator").orElseThrow().isOperator()).isTrue();
        assertThat(read.find("viewer").orElseThrow().isOperator()).isFalse();

        String before = Files.readString(users);
        assertThat(ConsoleUsers.writeDemo(users, passwords, BCRYPT::encode))
                .as("only when missing")
                .isFalse();
        assertThat(Files.readString(users)).isEqualTo(before);
    }
}
