package jp.kofuhub.generator;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import jp.kofuhub.render.SealImageMaker;

/**
 * The synthetic 印影 of generated seal registrations: a {@link SealImageMaker} PNG of one word (a
 * family name, a 旧氏, a 通称's family part or the first word of an alphabetic name), as base64.
 *
 * <p>Drawing takes about ten milliseconds, and a city has only a few hundred distinct seal words
 * however many residents it has, so images are kept in one least-recently-used cache of {@value
 * #CAPACITY} entries shared by every generator run in the JVM: a million registrations draw a few
 * hundred images and hold a few megabytes. Drawing is deterministic, so the cache never changes
 * what is written.
 */
final class SealImages {

    /**
     * Pixels per side of a seal image (well under the 256 KiB the replica accepts: about 5 KiB).
     */
    static final int SIZE = 160;

    private static final int CAPACITY = 512;

    /** 𠮷 (U+20BB7) is not in IPAex Mincho: its seal is drawn with the common 吉. */
    private static final int RARE_YOSHI = 0x20BB7;

    private static final Map<String, String> CACHE =
            new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > CAPACITY;
                }
            };
    private static final Map<Path, Font> FONTS = new HashMap<>();

    private SealImages() {}

    /**
     * The base64 PNG of a seal engraved with {@code word}, drawn with the TrueType font {@code
     * fontFile}.
     */
    static synchronized String base64(String word, Path fontFile) throws IOException {
        Path font = fontFile.toAbsolutePath().normalize();
        String key = font + "\u0000" + word;
        String cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        String drawable = drawable(word, font(font));
        Path tmp = Files.createTempFile("kofu-seal-", ".png");
        try {
            SealImageMaker.make(drawable, font, SIZE, tmp);
            String image = Base64.getEncoder().encodeToString(Files.readAllBytes(tmp));
            CACHE.put(key, image);
            return image;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Checks that {@code fontFile} is a readable TrueType font before anything is written. */
    static synchronized void check(Path fontFile) throws IOException {
        font(fontFile.toAbsolutePath().normalize());
    }

    private static Font font(Path font) throws IOException {
        Font f = FONTS.get(font);
        if (f == null) {
            if (!Files.isReadable(font)) {
                throw new IOException("seal font not found: " + font);
            }
            try {
                f = Font.createFont(Font.TRUETYPE_FONT, font.toFile());
            } catch (FontFormatException e) {
                throw new IOException("not a TrueType font: " + font, e);
            }
            FONTS.put(font, f);
        }
        return f;
    }

    /** The word with 𠮷 drawn as 吉 when the font has no 𠮷; other characters as they are. */
    private static String drawable(String word, Font font) {
        if (font.canDisplayUpTo(word) == -1) {
            return word;
        }
        StringBuilder b = new StringBuilder(word.length());
        word.codePoints()
                .forEach(
                        cp -> {
                            if (cp == RARE_YOSHI && !font.canDisplay(cp)) {
                                b.append('吉');
                            } else {
                                b.appendCodePoint(cp);
                            }
                        });
        return b.toString();
    }
}
