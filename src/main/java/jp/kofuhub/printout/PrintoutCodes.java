package jp.kofuhub.printout;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.kofuhub.render.PageStamps;

/**
 * The signed 2D code on every page of a hub-rendered certificate (issue #21,
 * docs/interfaces/printout-code.md): for a data document whose municipality has the code on (the
 * root's {@code printout-code} attribute, written from the profile), the {@link PageStamps} that
 * give each page its QR code — the page's {@link PrintoutPayload}, sealed by {@link
 * PrintoutEnvelope} with the municipality's current printout key.
 *
 * <p>Keys: {@code <kofu.printout.keys-dir>/<団体コード>.p12} ({@link PrintoutKeyStore}), read again when
 * the file changes (rotation needs no restart). The current key is the one valid now that started
 * last; keys stay published until they expire.
 */
public class PrintoutCodes {

    /** The data document's root attribute that turns the code on (its value: the position). */
    public static final String ATTRIBUTE = "printout-code";

    private final Path keysDir;
    private final char[] password;
    private final Clock clock;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    private record Loaded(FileTime modified, List<PrintoutKey> keys) {}

    public PrintoutCodes(Path keysDir, String password, Clock clock) {
        this.keysDir = keysDir;
        this.password = password.toCharArray();
        this.clock = clock;
    }

    /**
     * The stamps of a certificate, or null when its data document has no code (the municipality has
     * it off).
     *
     * @throws IllegalStateException the municipality has the code on but no valid printout key
     */
    public PageStamps stamps(
            String municipality, String issueNumber, LocalDate day, String dataXml) {
        if (!dataXml.contains(ATTRIBUTE + "=")) {
            return null;
        }
        PrintoutPayload payload = new PrintoutPayload(municipality, issueNumber, day, dataXml);
        PrintoutKey key = signingKey(municipality);
        return (page, pages, ids) ->
                modules(
                        PrintoutEnvelope.seal(
                                payload.page(page, pages, ids), key.kid(), key.privateKey()));
    }

    /** The key that signs now: valid now, the latest to start. */
    public PrintoutKey signingKey(String municipality) {
        return keys(municipality).stream()
                .filter(k -> k.privateKey() != null && k.validAt(clock.instant()))
                .max(Comparator.comparing(PrintoutKey::notBefore))
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "no valid printout key for "
                                                + municipality
                                                + " in "
                                                + keysDir
                                                + " (./kofu printout-keys new)"));
    }

    /** The hub's clock's now (tests). */
    java.time.Instant clockNow() {
        return clock.instant();
    }

    /** Every key of the municipality (public and private), oldest first. */
    public List<PrintoutKey> keys(String municipality) {
        Path f = PrintoutKeyStore.file(keysDir, municipality);
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(f);
        } catch (java.io.IOException e) {
            return List.of();
        }
        Loaded l = loaded.get(municipality);
        if (l == null || !l.modified().equals(modified)) {
            l = new Loaded(modified, PrintoutKeyStore.read(keysDir, municipality, password));
            loaded.put(municipality, l);
        }
        return l.keys();
    }

    /** The published key-set document of the municipality: its keys not yet expired. */
    public String keySet(String municipality, String name) {
        return PrintoutKeySet.write(
                municipality,
                name,
                keys(municipality).stream()
                        .filter(k -> k.notAfter().isAfter(clock.instant()))
                        .map(PrintoutKey::publicOnly)
                        .toList());
    }

    /** A QR code's modules (error correction L, alphanumeric mode for the Base45 text). */
    public static boolean[][] modules(String text) {
        try {
            ByteMatrix m =
                    Encoder.encode(
                                    text,
                                    ErrorCorrectionLevel.L,
                                    Map.of(EncodeHintType.CHARACTER_SET, "ISO-8859-1"))
                            .getMatrix();
            boolean[][] out = new boolean[m.getHeight()][m.getWidth()];
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    out[y][x] = m.get(x, y) == 1;
                }
            }
            return out;
        } catch (WriterException e) {
            throw new IllegalStateException("the printout code does not fit a QR code", e);
        }
    }
}
