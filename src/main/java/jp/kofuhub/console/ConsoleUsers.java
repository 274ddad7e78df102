package jp.kofuhub.console;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The console's users (Hawtio at /actuator/hawtio) from the users file named by {@code
 * kofu.console.users-file} (env {@code KOFU_CONSOLE_USERS}). One line per user, in {@code
 * java.util.Properties} syntax:
 *
 * <pre>
 * # user = bcrypt hash, role[, role]
 * viewer   = $2a$12$…, VIEWER
 * operator = $2a$12$…, VIEWER, OPERATOR
 * </pre>
 *
 * Roles: {@link #VIEWER} (sees routes, exchanges, metrics) and {@link #OPERATOR} (may also run
 * operations and change attributes; implies VIEWER). Only bcrypt hashes ({@code $2a$}, {@code
 * $2b$}, {@code $2y$}) are accepted; a line with anything else, or with an unknown role, is skipped
 * and named in {@link #problems()}. A missing file means no user: console logins are impossible.
 * The file is read again when its modification time changes, so users are added or removed without
 * a restart. Plain class: no Spring types.
 */
public final class ConsoleUsers {

    public static final String VIEWER = "VIEWER";
    public static final String OPERATOR = "OPERATOR";

    private static final Set<String> ROLES = Set.of(VIEWER, OPERATOR);
    private static final Pattern BCRYPT =
            Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    /** One user: the bcrypt hash of the password and the roles. */
    public record User(String name, String passwordHash, Set<String> roles) {
        public boolean isOperator() {
            return roles.contains(OPERATOR);
        }
    }

    private final Path file;
    private Map<String, User> users = Map.of();
    private List<String> problems = List.of();
    private FileTime loaded;
    private boolean present;

    public ConsoleUsers(Path file) {
        this.file = file;
        refresh();
    }

    public Path file() {
        return file;
    }

    /** The user of that name, read from the file as it is now; empty if none. */
    public synchronized Optional<User> find(String name) {
        refresh();
        return Optional.ofNullable(name == null ? null : users.get(name));
    }

    /** Whether the users file exists (else no one can log in). */
    public synchronized boolean present() {
        refresh();
        return present;
    }

    public synchronized int count() {
        refresh();
        return users.size();
    }

    /** Lines of the file that were skipped, and why (no hash or password text in them). */
    public synchronized List<String> problems() {
        refresh();
        return problems;
    }

    private void refresh() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            users = Map.of();
            problems = List.of();
            loaded = null;
            present = false;
            return;
        }
        if (modified.equals(loaded)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console users file " + file, e);
        }
        Map<String, User> read = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(p.stringPropertyNames())) {
            User u = parse(name, p.getProperty(name), bad);
            if (u != null) {
                read.put(name, u);
            }
        }
        users = Collections.unmodifiableMap(read);
        problems = List.copyOf(bad);
        loaded = modified;
        present = true;
    }

    static User parse(String name, String value, List<String> problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add("user '" + name + "': the name may only have letters, digits and . _ @ -");
            return null;
        }
        String[] parts = value.split(",");
        String hash = parts[0].trim();
        if (!BCRYPT.matcher(hash).matches()) {
            problems.add(
                    "user " + name + ": the password is not a bcrypt hash ($2a$…, $2b$…, $2y$…)");
            return null;
        }
        Set<String> roles = new LinkedHashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String role = parts[i].trim().toUpperCase(Locale.ROOT);
            if (role.isEmpty()) {
                continue;
            }
            if (!ROLES.contains(role)) {
                problems.add("user " + name + ": unknown role " + role + " (VIEWER, OPERATOR)");
                return null;
            }
            roles.add(role);
        }
        if (roles.isEmpty()) {
            problems.add("user " + name + ": no role (VIEWER, OPERATOR)");
            return null;
        }
        if (roles.contains(OPERATOR)) {
            roles.add(VIEWER);
        }
        return new User(name, hash, Set.copyOf(roles));
    }

    /**
     * The demo's users file: {@code viewer} (VIEWER) and {@code operator} (VIEWER, OPERATOR) with
     * random passwords, hashed by {@code hash}; the passwords themselves go once to {@code
     * passwordsFile}. Both files owner-only. Does nothing when the users file exists.
     *
     * @return true when the files were written
     */
    public static boolean writeDemo(
            Path usersFile, Path passwordsFile, UnaryOperator<String> hash) {
        if (Files.exists(usersFile)) {
            return false;
        }
        String viewer = randomPassword();
        String operator = randomPassword();
        String users =
                "# Kofu Hub console users (docs/operations.md \"The console\"): user = bcrypt hash, roles\n"
                        + "# written by the demo's first start; passwords in "
                        + passwordsFile.getFileName()
                        + "\n"
                        + "viewer = "
                        + hash.apply(viewer)
                        + ", VIEWER\n"
                        + "operator = "
                        + hash.apply(operator)
                        + ", VIEWER, OPERATOR\n";
        String passwords =
                "# Kofu Hub demo console logins (written once; delete this file after reading it)\n"
                        + "viewer "
                        + viewer
                        + "\n"
                        + "operator "
                        + operator
                        + "\n";
        try {
            Path dir = usersFile.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            writeOwnerOnly(passwordsFile, passwords);
            writeOwnerOnly(usersFile, users);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo console users " + usersFile, e);
        }
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    tmp,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static final String ALPHABET =
            "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** 20 characters from a 56-letter alphabet without look-alikes (about 116 bits). */
    static String randomPassword() {
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
