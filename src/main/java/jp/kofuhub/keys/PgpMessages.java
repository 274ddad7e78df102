package jp.kofuhub.keys;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;

/**
 * OpenPGP on the messages of one party (the hub, or a peer's simulator): {@link #seal} signs with
 * the party's own key and encrypts to a peer, {@link #open} decrypts with the own key and verifies
 * that the named peer signed, before a byte of the content is handed on. Key files are read again
 * when they change (key rotation without a restart: a peer's file may hold its old and new key).
 * Messages are small (JSON requests, certificate PDFs, settlement CSVs) and handled in memory; what
 * a message may inflate to is bounded while it is opened ({@link InflationLimit}, one per
 * boundary).
 */
public class PgpMessages {

    /** The media type of a sealed body on the HTTP hops. */
    public static final String MEDIA_TYPE = "application/pgp-encrypted";

    private final Path secretKeyFile;
    private final char[] password;
    private final Map<String, Path> peerKeyFiles;
    private final Runnable beforeKeys;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long modified, long size, Object value) {}

    /**
     * @param peerKeyFiles the public key file of each peer by party name ({@code centre}, {@code
     *     koseki-server}, …)
     * @param beforeKeys run before key files are read (the demo writes its key set on first use);
     *     may be null
     */
    public PgpMessages(
            Path secretKeyFile,
            char[] password,
            Map<String, Path> peerKeyFiles,
            Runnable beforeKeys) {
        this.secretKeyFile = secretKeyFile;
        this.password = password.clone();
        this.peerKeyFiles = Map.copyOf(peerKeyFiles);
        this.beforeKeys = beforeKeys == null ? () -> {} : beforeKeys;
    }

    /**
     * A party of a demo-style key folder: own key {@code <party>.pgp.sec}, peers {@code
     * <peer>.pgp.pub}.
     */
    public static PgpMessages ofParty(
            Path keysDir, String party, char[] password, Collection<String> peers) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String peer : peers) {
            files.put(peer, keysDir.resolve(peer + ".pgp.pub"));
        }
        return new PgpMessages(keysDir.resolve(party + ".pgp.sec"), password, files, null);
    }

    /**
     * The same own key, with {@code more} peers besides these (e.g. a municipality's own koseki
     * server, {@code koseki-server@<code>}); a party named in both takes the new file.
     */
    public PgpMessages withPeers(Map<String, Path> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, Path> all = new LinkedHashMap<>(peerKeyFiles);
        all.putAll(more);
        return new PgpMessages(secretKeyFile, password, all, beforeKeys);
    }

    /** True when a public key file is configured for {@code party}. */
    public boolean knows(String party) {
        return peerKeyFiles.containsKey(party);
    }

    /**
     * {@code plain} signed by the own key and encrypted to {@code recipient}, as a binary OpenPGP
     * message.
     */
    public byte[] seal(byte[] plain, String name, String recipient) throws IOException {
        beforeKeys.run();
        PGPSecretKeyRingCollection own = secretKeys();
        PGPPrivateKey signer = unlock(PgpFiles.signingKey(own));
        PGPPublicKeyRingCollection to = peerKeys(recipient);
        // a PDF is deflated already: stored, not compressed again (issue #20)
        boolean pdf =
                plain.length > 4
                        && plain[0] == '%'
                        && plain[1] == 'P'
                        && plain[2] == 'D'
                        && plain[3] == 'F';
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(pdf ? plain.length + 1024 : plain.length / 2 + 1024);
        PgpFiles.seal(
                new ByteArrayInputStream(plain),
                name,
                out,
                signer,
                PgpFiles.encryptionKey(to),
                false,
                plain.length,
                !pdf);
        return out.toByteArray();
    }

    /**
     * The content of {@code sealed}, which must be encrypted to the own key and signed by a valid
     * key of {@code sender}.
     *
     * @throws PgpRefusedException the message's fault (its code: UNSIGNED, UNKNOWN_SIGNER,
     *     BAD_SIGNATURE, KEY_EXPIRED_OR_REVOKED, NOT_ENCRYPTED_FOR_HUB)
     * @throws IOException the own configuration (key files, password)
     */
    public byte[] open(byte[] sealed, String sender) throws IOException {
        return open(sealed, sender, InflationLimit.KOSEKI);
    }

    /**
     * {@link #open(byte[], String)} with the content bounded by {@code limit} while it streams:
     * over it, refused MESSAGE_TOO_LARGE with at most {@code limit.maxBytes()} plus one buffer held
     * in memory.
     */
    public byte[] open(byte[] sealed, String sender, InflationLimit limit) throws IOException {
        if (!knows(sender)) {
            throw new PgpRefusedException(
                    "UNKNOWN_SIGNER", "no public key is configured for " + sender);
        }
        beforeKeys.run();
        PGPSecretKeyRingCollection own = secretKeys();
        PGPPublicKeyRingCollection from = peerKeys(sender);
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(
                        (int) Math.min(limit.maxBytes(), sealed.length * 2L + 1024));
        PgpOpener.decryptAndVerify(
                new ByteArrayInputStream(sealed),
                own,
                this::unlock,
                from,
                sender,
                out,
                limit,
                PgpOpener.bufferFor(sealed.length));
        return out.toByteArray();
    }

    /**
     * The own private keys, unlocked once per version of the key file (issue #20: unlocking — the
     * iterated S2K hash and the key's decryption — cost every message before).
     */
    private final Map<PGPSecretKey, PGPPrivateKey> unlocked =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private PGPPrivateKey unlock(PGPSecretKey key) throws IOException {
        PGPPrivateKey k = unlocked.get(key);
        if (k != null) {
            return k;
        }
        try {
            k = PgpFiles.unlock(key, password);
            if (unlocked.size() > 16) {
                unlocked.clear(); // keys of replaced key files
            }
            unlocked.put(key, k);
            return k;
        } catch (PGPException e) {
            throw new IOException(
                    "cannot unlock the own OpenPGP key " + secretKeyFile.getFileName());
        }
    }

    private PGPSecretKeyRingCollection secretKeys() throws IOException {
        return (PGPSecretKeyRingCollection) cached(secretKeyFile, true);
    }

    private PGPPublicKeyRingCollection peerKeys(String party) throws IOException {
        Path file = peerKeyFiles.get(party);
        if (file == null) {
            throw new IOException("no public key is configured for " + party);
        }
        return (PGPPublicKeyRingCollection) cached(file, false);
    }

    private Object cached(Path file, boolean secret) throws IOException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        long size = Files.size(file);
        Cached c = cache.get(file);
        if (c == null || c.modified() != modified || c.size() != size) {
            c =
                    new Cached(
                            modified,
                            size,
                            secret ? PgpFiles.secretKeys(file) : PgpFiles.publicKeys(file));
            cache.put(file, c);
        }
        return c.value();
    }
}
