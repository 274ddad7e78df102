package jp.kofuhub.health;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;

/**
 * When the hub's keys and certificates expire: X.509 certificates in PKCS#12 files (the hub's own
 * key entries and their chains; a truststore's CA certificates) and OpenPGP keys (public key files,
 * and the public part of secret key files). Reads only dates, subjects and key ids — never key
 * material; PKCS#12 files are parsed again only when they change. Pure logic, without Spring.
 */
public class KeyExpiry {

    /** What a file holds. */
    public enum Type {
        /** the hub's own keys: every certificate of every key entry's chain must be valid */
        KEYSTORE,
        /**
         * trusted CA certificates: at least one must be valid; an expired one among valid ones is a
         * warning
         */
        TRUSTSTORE,
        /**
         * OpenPGP key rings (public or secret): primary key valid, not revoked, and a subkey (if
         * any) valid
         */
        PGP
    }

    /** A key file the configuration names; {@code inUse}: a feature that needs it is on. */
    public record KeyFile(String name, Path path, Type type, boolean inUse, char[] password) {}

    /**
     * One certificate or key in a file: a subject or key id, and when it stops being valid (null:
     * never).
     */
    public record Item(
            String what, Instant notBefore, Instant notAfter, boolean revoked, boolean subkey) {}

    /** The state of one file. */
    public enum Status {
        OK,
        EXPIRING,
        EXPIRED,
        NOT_YET_VALID,
        REVOKED,
        MISSING,
        UNREADABLE
    }

    /** A file's verdict: its status, its earliest relevant expiry, what it holds. */
    public record Verdict(
            KeyFile file, Status status, Instant expires, List<Item> items, String problem) {
        /** Whether this file makes the hub unfit to issue: in use and not OK or EXPIRING. */
        public boolean blocks() {
            return file.inUse() && status != Status.OK && status != Status.EXPIRING;
        }
    }

    private record Cached(long modified, long size, List<Item> items) {}

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * The verdict on {@code file} at {@code now}; EXPIRING when it expires within {@code warning}.
     */
    public Verdict check(KeyFile file, Instant now, Duration warning) {
        if (file.path() == null || !Files.isRegularFile(file.path())) {
            return new Verdict(file, Status.MISSING, null, List.of(), "no such file");
        }
        List<Item> items;
        try {
            items = items(file);
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            return new Verdict(
                    file, Status.UNREADABLE, null, List.of(), e.getClass().getSimpleName());
        }
        if (items.isEmpty()) {
            return new Verdict(
                    file, Status.UNREADABLE, null, items, "no certificate or key in the file");
        }
        return judge(file, items, now, warning);
    }

    static Verdict judge(KeyFile file, List<Item> items, Instant now, Duration warning) {
        List<Item> relevant = new ArrayList<>();
        String problem = null;
        Status status = Status.OK;
        switch (file.type()) {
            case KEYSTORE -> {
                relevant.addAll(items);
                for (Item i : items) {
                    if (i.notAfter() != null && !i.notAfter().isAfter(now)) {
                        status = Status.EXPIRED;
                        problem = i.what() + " expired " + i.notAfter();
                        break;
                    }
                    if (i.notBefore() != null && i.notBefore().isAfter(now)) {
                        status = Status.NOT_YET_VALID;
                        problem = i.what() + " is valid only from " + i.notBefore();
                    }
                }
            }
            case TRUSTSTORE -> {
                for (Item i : items) {
                    if (valid(i, now)) {
                        relevant.add(i);
                    }
                }
                if (relevant.isEmpty()) {
                    status = Status.EXPIRED;
                    problem = "no certificate in the truststore is valid now";
                } else if (relevant.size() < items.size()) {
                    problem =
                            (items.size() - relevant.size())
                                    + " certificate(s) in the truststore are not valid now";
                }
                // the truststore works until its last valid CA expires
                Instant last =
                        relevant.stream().map(Item::notAfter).anyMatch(java.util.Objects::isNull)
                                ? null
                                : relevant.stream()
                                        .map(Item::notAfter)
                                        .max(Instant::compareTo)
                                        .orElse(null);
                relevant =
                        last == null
                                ? List.of()
                                : List.of(new Item("truststore", null, last, false, false));
            }
            case PGP -> {
                List<Item> subkeys = new ArrayList<>();
                for (Item i : items) {
                    if (!i.subkey()) {
                        relevant.add(i);
                        if (i.revoked()) {
                            status = Status.REVOKED;
                            problem = i.what() + " is revoked";
                        } else if (i.notAfter() != null && !i.notAfter().isAfter(now)) {
                            status = Status.EXPIRED;
                            problem = i.what() + " expired " + i.notAfter();
                        }
                    } else {
                        subkeys.add(i);
                    }
                }
                if (!subkeys.isEmpty()) {
                    List<Item> validSubkeys = subkeys.stream().filter(i -> valid(i, now)).toList();
                    if (validSubkeys.isEmpty() && status == Status.OK) {
                        status = Status.EXPIRED;
                        problem = "every subkey is expired or revoked";
                    }
                    // the ring works until its last valid subkey expires
                    validSubkeys.stream()
                            .filter(i -> i.notAfter() != null)
                            .max((a, b) -> a.notAfter().compareTo(b.notAfter()))
                            .filter(i -> validSubkeys.stream().allMatch(v -> v.notAfter() != null))
                            .ifPresent(relevant::add);
                }
            }
        }
        Instant expires =
                relevant.stream()
                        .map(Item::notAfter)
                        .filter(java.util.Objects::nonNull)
                        .min(Instant::compareTo)
                        .orElse(null);
        if (status == Status.OK && expires != null && expires.isBefore(now.plus(warning))) {
            status = Status.EXPIRING;
        }
        return new Verdict(file, status, expires, items, problem);
    }

    private static boolean valid(Item i, Instant now) {
        return !i.revoked()
                && (i.notAfter() == null || i.notAfter().isAfter(now))
                && (i.notBefore() == null || !i.notBefore().isAfter(now));
    }

    private List<Item> items(KeyFile file)
            throws IOException, java.security.GeneralSecurityException {
        long modified = Files.getLastModifiedTime(file.path()).toMillis();
        long size = Files.size(file.path());
        String key = file.type() + " " + file.path();
        Cached c = cache.get(key);
        if (c != null && c.modified() == modified && c.size() == size) {
            return c.items();
        }
        List<Item> items =
                file.type() == Type.PGP
                        ? pgp(file.path())
                        : pkcs12(file.path(), file.password(), file.type() == Type.KEYSTORE);
        cache.put(key, new Cached(modified, size, items));
        return items;
    }

    static List<Item> pkcs12(Path path, char[] password, boolean keyEntries)
            throws IOException, java.security.GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password);
        }
        List<Item> items = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            Certificate[] certs =
                    ks.isKeyEntry(alias)
                            ? ks.getCertificateChain(alias)
                            : new Certificate[] {ks.getCertificate(alias)};
            if (certs == null || (keyEntries && !ks.isKeyEntry(alias))) {
                continue;
            }
            for (Certificate c : certs) {
                if (c instanceof X509Certificate x) {
                    items.add(
                            new Item(
                                    alias + ": " + x.getSubjectX500Principal().getName(),
                                    x.getNotBefore().toInstant(),
                                    x.getNotAfter().toInstant(),
                                    false,
                                    false));
                }
            }
        }
        return List.copyOf(items);
    }

    static List<Item> pgp(Path path) throws IOException {
        List<Item> items = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(path))) {
            JcaPGPObjectFactory objects = new JcaPGPObjectFactory(in);
            for (Object o : objects) {
                if (o instanceof PGPKeyRing ring) {
                    for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
                        PGPPublicKey k = keys.next();
                        Instant created = k.getCreationTime().toInstant();
                        long valid = k.getValidSeconds();
                        items.add(
                                new Item(
                                        (k.isMasterKey() ? "key " : "subkey ")
                                                + HexFormat.of()
                                                        .withUpperCase()
                                                        .toHexDigits(k.getKeyID()),
                                        created,
                                        valid > 0 ? created.plusSeconds(valid) : null,
                                        k.hasRevocation(),
                                        !k.isMasterKey()));
                    }
                }
            }
        }
        return List.copyOf(items);
    }
}
