package jp.kofuhub.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.kofuhub.keys.BoundedInflation;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.keys.PgpOpener;
import jp.kofuhub.keys.PgpRefusedException;
import jp.kofuhub.registry.ExportFileException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of route {@code registry-sync}: a registry export file arrives signed by its
 * source system and encrypted to the hub, as {@code <name>.kexp.pgp}
 * (docs/interfaces/registry-export.md §2.1). {@link #open} decrypts it with the hub's secret key
 * and checks the one-pass signature against the public key of the source the file name names —
 * before {@link RegistrySync} reads a byte of it.
 *
 * <p>The signature can only be checked at the end of the literal data, so the plain bytes are
 * decrypted to a temporary file in {@code kofu.sync.pgp.work-dir} (created owner-only, {@code
 * rwx------}, the file {@code rw-------}) and handed on only once the signature and the integrity
 * check (MDC) have passed. The file is streamed (a FULL can be about 1 GB; memory stays a few
 * hundred KiB), deleted on any failure, and unlinked as soon as it is opened for reading (POSIX:
 * the open stream still reads it; elsewhere it is deleted when the stream is closed, which {@link
 * #receive} does when the exchange completes, applied or refused). Files left by a crash are
 * removed when the bean starts.
 *
 * <p>Refusals are {@link ExportFileException}s with the reason codes of §10: {@code UNSIGNED},
 * {@code UNKNOWN_SIGNER}, {@code BAD_SIGNATURE}, {@code KEY_EXPIRED_OR_REVOKED}, {@code
 * NOT_ENCRYPTED_FOR_HUB}, {@code MESSAGE_TOO_LARGE} (the content inflates beyond {@code
 * kofu.inflation.export.max-bytes}, or more than {@code max-ratio} times the file: counted while it
 * streams, so a bomb costs one buffer of memory and at most the limit on disk); the route
 * quarantines the received file whole. A missing or unreadable key file, a wrong password or a full
 * disk are not the file's fault: they are thrown as other exceptions and the file stays in the
 * inbox. The work folder's room ({@link SyncWorkSpace}: a byte cap, a reserve kept free on its
 * volume, the disk's own "no space left") is checked before a file is decrypted and while it is
 * written; without room the file is not decrypted or its partial plaintext is deleted, and {@link
 * WorkDirFullException} ({@code WORK_DIR_FULL}) leaves it in the inbox for the next poll. Key files
 * are read again when they change (key rotation without a restart). Logs name files, reason codes
 * and key ids, never key material, passwords or content.
 */
public class PgpInbox {

    private static final Logger LOG = LoggerFactory.getLogger(PgpInbox.class);

    static final String TEMP_PREFIX = ".decrypt-";
    private static final int BUFFER = 1 << 16;

    private final boolean required;
    private final Path secretKeyFile;
    private final char[] password;
    private final Map<String, Path> sourceKeyFiles;
    private final Path workDir;
    private final Runnable beforeKeys;
    private final InflationLimit limit;
    private final SyncWorkSpace space;
    private final Map<Path, Cached<?>> cache = new ConcurrentHashMap<>();

    private record Cached<T>(long modified, long size, T value) {}

    /**
     * @param sourceKeyFiles the public key file of each source system ({@code JUKI}, …), and of a
     *     municipality's own source system ({@code <団体コード>/JUKI}), which wins for its files
     * @param beforeKeys run before key files are read (the demo writes its key set on first use)
     * @param limit how far a file may inflate ({@code kofu.inflation.export.*}): counted while it
     *     streams to the temporary file, refused MESSAGE_TOO_LARGE past it
     * @param space the room the work folder may use ({@code kofu.sync.pgp.work-max-bytes}, {@code
     *     work-reserve-bytes}): checked before a file is started and while it is written, {@code
     *     WORK_DIR_FULL} past it; null: the inflation limit and no reserve
     */
    public PgpInbox(
            boolean required,
            Path secretKeyFile,
            char[] password,
            Map<String, Path> sourceKeyFiles,
            Path workDir,
            Runnable beforeKeys,
            InflationLimit limit,
            SyncWorkSpace space) {
        this.limit = limit;
        this.space =
                space != null
                        ? space
                        : new SyncWorkSpace(
                                workDir, limit.maxBytes(), 0, java.time.Clock.systemUTC());
        this.required = required;
        this.secretKeyFile = secretKeyFile;
        this.password = password.clone();
        this.sourceKeyFiles = Map.copyOf(sourceKeyFiles);
        this.workDir = workDir;
        this.beforeKeys = beforeKeys == null ? () -> {} : beforeKeys;
        removeLeftovers();
    }

    public boolean required() {
        return required;
    }

    /**
     * The export file's own name: {@code <name>.kexp} for {@code <name>.kexp.pgp}, else the name
     * unchanged.
     */
    public String plainName(String fileName) {
        return isPgp(fileName)
                ? fileName.substring(0, fileName.length() - PgpFiles.SUFFIX.length())
                : fileName;
    }

    static boolean isPgp(String fileName) {
        return fileName != null && fileName.endsWith(PgpFiles.SUFFIX);
    }

    /**
     * The plain export file to apply: for a {@code .pgp} name the decrypted and verified content (a
     * stream over a temporary file that is gone once the stream is closed); for a plain name the
     * body itself, unless signed files are required ({@code UNSIGNED}). Closes {@code body} when it
     * decrypts.
     */
    public InputStream open(InputStream body, String fileName) throws IOException {
        return open(body, fileName, -1);
    }

    /**
     * {@link #open(InputStream, String)} for a received file of {@code receivedBytes} (-1:
     * unknown): decrypted only when the work folder has room for it ({@link SyncWorkSpace}), else
     * {@link WorkDirFullException} — not the file's fault, it stays in the inbox.
     */
    public InputStream open(InputStream body, String fileName, long receivedBytes)
            throws IOException {
        if (!isPgp(fileName)) {
            if (required) {
                throw new ExportFileException(
                        "UNSIGNED",
                        "a plain export file; this hub accepts only files"
                                + " signed by their source and encrypted to the hub (<name>.kexp.pgp)");
            }
            return body;
        }
        String source = sourceOf(plainName(fileName));
        // a municipality's own key for the source (its profile's sourceKeys, issue #24) replaces
        // the
        // hub-wide one: another city's registry key is then refused on this city's files
        Path sourceKey =
                sourceKeyFiles.getOrDefault(
                        municipalityOf(plainName(fileName)) + "/" + source,
                        sourceKeyFiles.get(source));
        if (sourceKey == null) {
            // the name names no source this hub has a key for: nobody it trusts can have signed it
            throw new ExportFileException(
                    "UNKNOWN_SIGNER",
                    "no public key is configured for source '"
                            + printable(source)
                            + "' named in the file name");
        }
        beforeKeys.run();
        PGPSecretKeyRingCollection hubKeys = cached(secretKeyFile, PgpFiles::secretKeys);
        PGPPublicKeyRingCollection sourceKeys = cached(sourceKey, PgpFiles::publicKeys);

        Path tmp;
        try {
            Files.createDirectories(workDir, ownerOnlyDir());
            // decided before the work is done: no room, no decryption (the file stays in the inbox)
            space.checkRoom(fileName, receivedBytes);
            tmp = Files.createTempFile(workDir, TEMP_PREFIX, ".kexp", ownerOnlyFile());
        } catch (IOException e) {
            // not started: the received stream is closed here (refused at every poll while there is
            // no room, it must not leave an open file behind each time)
            try {
                body.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw space.translate(e, fileName, receivedBytes);
        }
        boolean ok = false;
        try (InputStream in = body) {
            try {
                decryptAndVerify(in, fileName, source, hubKeys, sourceKeys, tmp, receivedBytes);
            } catch (ExportFileException e) {
                space.done(fileName); // refused for its own fault: it leaves the inbox
                throw e;
            } catch (IOException e) {
                throw space.translate(e, fileName, receivedBytes);
            }
            space.done(fileName);
            InputStream plain =
                    Files.newInputStream(
                            tmp, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
            ok = true;
            try {
                Files.deleteIfExists(
                        tmp); // POSIX: gone from the folder now, still readable through the stream
            } catch (IOException e) {
                // e.g. Windows: deleted when the stream is closed
            }
            return plain;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * The plain export file a received file holds, for the route: a holder, not an {@link
     * InputStream}, so Camel never caches (reads into memory or spools) the stream when it is kept
     * in a variable.
     */
    public static final class Plain {
        private final InputStream stream;
        private final String name;

        Plain(InputStream stream, String name) {
            this.stream = stream;
            this.name = name;
        }

        /** The plain {@code .kexp} content (read once). */
        public InputStream getStream() {
            return stream;
        }

        /**
         * The export file's own name ({@code <name>.kexp}), which {@link RegistrySync} checks
         * against the manifest.
         */
        public String getName() {
            return name;
        }
    }

    /**
     * The route's step ({@code registry-sync}): {@link #open} on the received file (the body, left
     * unchanged so a refused file is quarantined whole), the result in exchange variable {@code
     * plain} ({@link Plain}). A refusal is thrown as is ({@link ExportFileException}).
     */
    public void receive(org.apache.camel.Exchange exchange)
            throws IOException, org.apache.camel.InvalidPayloadException {
        String fileName =
                exchange.getMessage().getHeader(org.apache.camel.Exchange.FILE_NAME, String.class);
        Long length =
                exchange.getMessage().getHeader(org.apache.camel.Exchange.FILE_LENGTH, Long.class);
        InputStream body = exchange.getMessage().getMandatoryBody(InputStream.class);
        Plain plain =
                new Plain(open(body, fileName, length == null ? -1 : length), plainName(fileName));
        exchange.setVariable("plain", plain);
        // closed when the exchange is done, applied or refused: no doTry/doFinally in the route,
        // which
        // would keep the route's onException (quarantine) from seeing RegistrySync's refusals
        exchange.getExchangeExtension()
                .addOnCompletion(
                        new org.apache.camel.support.SynchronizationAdapter() {
                            @Override
                            public void onDone(org.apache.camel.Exchange done) {
                                close(plain);
                            }
                        });
    }

    /**
     * Closes what {@link #receive} opened (at the end of the exchange): a temporary file goes with
     * it.
     */
    public void close(Object plain) {
        InputStream in =
                plain instanceof Plain p ? p.stream : plain instanceof InputStream i ? i : null;
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            LOG.warn(
                    "sync: cannot close a decrypted export file ({})",
                    e.getClass().getSimpleName());
        }
    }

    private void decryptAndVerify(
            InputStream body,
            String fileName,
            String source,
            PGPSecretKeyRingCollection hubKeys,
            PGPPublicKeyRingCollection sourceKeys,
            Path tmp,
            long receivedBytes)
            throws IOException {
        long keyId;
        try (OutputStream out =
                space.guard(
                        Files.newOutputStream(
                                tmp,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING),
                        fileName,
                        receivedBytes)) {
            keyId =
                    PgpOpener.decryptAndVerify(
                            body,
                            hubKeys,
                            this::unlock,
                            sourceKeys,
                            "source " + source,
                            out,
                            limit);
        } catch (PgpRefusedException e) {
            if (BoundedInflation.CODE.equals(e.code())) {
                LOG.warn(
                        "sync {}: refused {} ({}), quarantined whole",
                        fileName,
                        e.code(),
                        e.getMessage());
            }
            throw new ExportFileException(e.code(), e.getMessage());
        }
        LOG.info(
                "sync {}: signature of {} key {} verified, decrypted",
                fileName,
                source,
                HexFormat.of().withUpperCase().toHexDigits(keyId));
    }

    private PGPPrivateKey unlock(PGPSecretKey k) throws IOException {
        try {
            return PgpFiles.unlock(k, password);
        } catch (PGPException e) {
            // the hub's configuration, not the file: the file stays in the inbox
            throw new IOException("cannot unlock the hub's secret key (kofu.sync.pgp.password)");
        }
    }

    /**
     * The source of {@code <municipality>_<source>_<sequence>_<kind>.kexp}, or "" when the name has
     * no such part.
     */
    static String municipalityOf(String plainName) {
        String[] parts = plainName.split("_");
        return parts.length == 4 ? parts[0] : "";
    }

    static String sourceOf(String plainName) {
        String[] parts = plainName.split("_");
        return parts.length == 4 ? parts[1] : "";
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^A-Za-z0-9-]", "?");
        return t.length() > 20 ? t.substring(0, 20) : t;
    }

    private interface Loader<T> {
        T load(Path file) throws IOException;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Path file, Loader<T> loader) throws IOException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        long size = Files.size(file);
        Cached<?> c = cache.get(file);
        if (c == null || c.modified() != modified || c.size() != size) {
            c = new Cached<>(modified, size, loader.load(file));
            cache.put(file, c);
            LOG.info("sync: read OpenPGP key file {}", file.getFileName());
        }
        return (T) c.value();
    }

    /** Temporary files a crash left behind (their content was never handed on). */
    private void removeLeftovers() {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (var files = Files.list(workDir)) {
            for (Path p :
                    files.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))
                            .toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn(
                    "sync: cannot clean the work folder {} ({})",
                    workDir,
                    e.getClass().getSimpleName());
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] ownerOnlyDir() {
        return posix()
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------"))
                }
                : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] ownerOnlyFile() {
        return posix()
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }
}
