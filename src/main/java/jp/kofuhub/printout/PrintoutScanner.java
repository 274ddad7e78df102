package jp.kofuhub.printout;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Finds the printout codes in a scan, a photo or a PDF (ZXing's QR reader): every QR code whose
 * text starts with {@code KH1:}, in reading order, each once. A PDF is rasterised at 300 dpi page
 * by page; an image that yields nothing is tried again halved (a phone photo's modules can be
 * larger than the reader's search expects).
 */
public final class PrintoutScanner {

    private PrintoutScanner() {}

    /** The codes of a PNG/JPEG image or a PDF file (by its first bytes). */
    public static List<String> scan(Path file) throws IOException {
        byte[] head = new byte[5];
        try (var in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, 5);
        }
        if (new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("%PDF-")) {
            List<String> codes = new ArrayList<>();
            try (PDDocument doc = Loader.loadPDF(file.toFile())) {
                PDFRenderer r = new PDFRenderer(doc);
                for (int i = 0; i < doc.getNumberOfPages(); i++) {
                    codes.addAll(scan(r.renderImageWithDPI(i, 300, ImageType.GRAY)));
                }
            }
            return codes;
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException("not a PNG, JPEG or PDF file");
        }
        return scan(image);
    }

    /** The codes in one image. */
    public static List<String> scan(BufferedImage image) {
        Set<String> found = new LinkedHashSet<>(decode(image));
        int side = Math.min(image.getWidth(), image.getHeight());
        if (found.isEmpty() && side < 2000) {
            // a low-resolution scan (150 dpi): ZXing finds small modules better enlarged
            found.addAll(decode(scaled(image, 2.0)));
        }
        if (found.isEmpty() && side < 2000) {
            found.addAll(decode(smoothed(scaled(image, 2.0))));
        }
        if (found.isEmpty() && side < 2000) {
            // a blurred 150 dpi image turned by a degree or two: some turns defeat the local
            // threshold at every scale above; a global one, or another scale, reads them
            found.addAll(decode(scaled(image, 2.0), false));
            if (found.isEmpty()) {
                found.addAll(decode(scaled(image, 1.5)));
            }
            if (found.isEmpty()) {
                found.addAll(decode(scaled(image, 3.0)));
            }
        }
        if (found.isEmpty() && side > 1200) {
            found.addAll(decode(scaled(image, 0.5)));
        }
        return new ArrayList<>(found);
    }

    private static List<String> decode(BufferedImage image) {
        return decode(image, true);
    }

    private static List<String> decode(BufferedImage image, boolean local) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        RGBLuminanceSource source = new RGBLuminanceSource(w, h, rgb);
        BinaryBitmap bitmap =
                new BinaryBitmap(
                        local
                                ? new HybridBinarizer(source)
                                : new com.google.zxing.common.GlobalHistogramBinarizer(source));
        Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
        hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
        hints.put(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE));
        List<String> out = new ArrayList<>();
        try {
            Result[] results = new QRCodeMultiReader().decodeMultiple(bitmap, hints);
            java.util.Arrays.sort(
                    results,
                    java.util.Comparator.comparingDouble(
                            r ->
                                    r.getResultPoints() == null || r.getResultPoints().length == 0
                                            ? 0
                                            : r.getResultPoints()[0].getY()));
            for (Result r : results) {
                if (r.getText() != null && r.getText().startsWith(PrintoutEnvelope.PREFIX)) {
                    out.add(r.getText());
                }
            }
        } catch (NotFoundException e) {
            // no code in this image
        }
        return out;
    }

    /** A 3×3 Gaussian against sensor noise. */
    private static BufferedImage smoothed(BufferedImage image) {
        float[] k = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        for (int i = 0; i < k.length; i++) {
            k[i] /= 16f;
        }
        return new java.awt.image.ConvolveOp(
                        new java.awt.image.Kernel(3, 3, k),
                        java.awt.image.ConvolveOp.EDGE_NO_OP,
                        null)
                .filter(image, null);
    }

    private static BufferedImage scaled(BufferedImage image, double factor) {
        BufferedImage out =
                new BufferedImage(
                        (int) (image.getWidth() * factor),
                        (int) (image.getHeight() * factor),
                        BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }
}
