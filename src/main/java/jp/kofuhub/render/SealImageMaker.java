package jp.kofuhub.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws a synthetic 公印 (official seal) for demo municipalities: a black square frame with the seal
 * text in columns read top to bottom, right to left. Real municipalities supply their own image;
 * this exists so no seal of a real city is ever in the repository.
 */
public final class SealImageMaker {

    private SealImageMaker() {}

    /** Writes a {@code size}×{@code size} PNG with the text (e.g. 北広島市長之印) to {@code out}. */
    public static void make(String text, Path fontFile, int size, Path out) throws IOException {
        Font base;
        try {
            base = Font.createFont(Font.TRUETYPE_FONT, fontFile.toFile());
        } catch (java.awt.FontFormatException e) {
            throw new IOException("not a TrueType font: " + fontFile, e);
        }
        int[] cps = text.codePoints().toArray();
        int columns = cps.length == 1 ? 1 : cps.length <= 4 ? 2 : 3;
        // characters per column, the first (rightmost) columns taking the remainder: 7 → 3, 2, 2
        int[] perColumn = new int[columns];
        for (int c = 0; c < columns; c++) {
            perColumn[c] = cps.length / columns + (c < cps.length % columns ? 1 : 0);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        float frame = size * 0.06f;
        g.setStroke(new BasicStroke(frame));
        g.drawRect(
                Math.round(frame / 2),
                Math.round(frame / 2),
                Math.round(size - frame),
                Math.round(size - frame));
        float inner = size - 3 * frame;
        float cellW = inner / columns;
        Font font = base.deriveFont(Font.BOLD, cellW * 0.95f);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int i = 0;
        for (int c = 0; c < columns; c++) {
            float cellH = inner / perColumn[c];
            float x0 = 1.5f * frame + (columns - 1 - c) * cellW;
            for (int r = 0; r < perColumn[c]; r++, i++) {
                String ch = new String(Character.toChars(cps[i]));
                // each glyph is stretched vertically to fill its cell, as seal engravers do
                float sy = cellH / (fm.getAscent() + fm.getDescent()) * 1.05f;
                java.awt.geom.AffineTransform saved = g.getTransform();
                g.translate(x0 + (cellW - fm.stringWidth(ch)) / 2f, 1.5f * frame + r * cellH);
                g.scale(1, sy);
                g.drawString(ch, 0, fm.getAscent() - fm.getDescent() * 0.4f);
                g.setTransform(saved);
            }
        }
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(img, "png", out.toFile());
    }
}
