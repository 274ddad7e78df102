package jp.kofuhub.render;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.zip.DeflaterOutputStream;
import org.apache.fop.pdf.AlphaRasterImage;
import org.apache.fop.pdf.FlateFilter;
import org.apache.fop.pdf.PDFDocument;
import org.apache.fop.pdf.PDFFilter;
import org.apache.fop.pdf.PDFFilterList;
import org.apache.fop.pdf.PDFReference;
import org.apache.fop.pdf.PDFXObject;
import org.apache.fop.render.ImageHandler;
import org.apache.fop.render.RenderingContext;
import org.apache.fop.render.pdf.ImageRenderedAdapter;
import org.apache.fop.render.pdf.PDFContentGenerator;
import org.apache.fop.render.pdf.PDFImageHandlerRenderedImage;
import org.apache.fop.render.pdf.PDFRenderingContext;
import org.apache.xmlgraphics.image.loader.Image;
import org.apache.xmlgraphics.image.loader.ImageFlavor;
import org.apache.xmlgraphics.image.loader.impl.ImageRendered;
import org.apache.xmlgraphics.ps.ImageEncodingHelper;

/**
 * FOP's PDF handler for decoded raster images (FOP 2.11's {@code PDFImageHandlerRenderedImage}),
 * with the compressed pixel data kept per image: an image drawn in document after document — the
 * 公印, a file the municipality profile names — is compressed once, not once per PDF.
 *
 * <p>Why: the 公印 is a 600 × 600 RGBA PNG. FOP's raw-PNG pass-through does not take PNGs with an
 * alpha channel, so the image is decoded (once: the {@code ImageManager} of the shared {@code
 * FopFactory} caches the decoded image), and then, for every PDF, its colour channels and its alpha
 * channel are written out pixel by pixel and deflated again (about a quarter of FOP's time,
 * docs/benchmarks.md "Where the time goes").
 *
 * <p>How: for an image loaded from a {@code file:} URI, the first document deflates FOP's own
 * encoding of the colour channels ({@link ImageEncodingHelper}, as {@link ImageRenderedAdapter}
 * writes them) and of the alpha channel ({@link AlphaRasterImage}) into byte arrays, kept in a
 * {@link WeakHashMap} keyed by the decoded image object itself: the cache lives exactly as long as
 * the image manager's entry, so a seal file replaced on disk is picked up when FOP reloads it.
 * Every document then writes those bytes as already-deflated streams (the way FOP writes a raw
 * PNG). The PDF objects (XObject dictionary, colour space, soft mask) are made by FOP's adapter
 * classes as before. Any other image — a {@code data:} URI (the 印影, different per resident), an
 * indexed-colour image, accessibility on — goes to FOP's handler unchanged.
 *
 * <p>Thread-safe: the cache is a synchronized map; an entry is immutable.
 */
final class EncodedImages implements ImageHandler {

    /** FOP's handler has 300; a lower number is asked first. */
    static final int PRIORITY = 290;

    private final PDFImageHandlerRenderedImage fop = new PDFImageHandlerRenderedImage();
    private final Map<RenderedImage, Encoded> cache =
            Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public Class<? extends Image> getSupportedImageClass() {
        return ImageRendered.class;
    }

    @Override
    public ImageFlavor[] getSupportedImageFlavors() {
        return fop.getSupportedImageFlavors();
    }

    @Override
    public boolean isCompatible(RenderingContext context, Image image) {
        return fop.isCompatible(context, image);
    }

    /** How many images are kept encoded (tests). */
    int size() {
        return cache.size();
    }

    @Override
    public void handleImage(RenderingContext context, Image image, Rectangle pos)
            throws IOException {
        ImageRendered rendered = (ImageRendered) image;
        String uri = image.getInfo().getOriginalURI();
        RenderedImage ri = rendered.getRenderedImage();
        if (uri == null
                || !uri.startsWith("file:")
                || context.getUserAgent().isAccessibilityEnabled()
                || !(ri instanceof BufferedImage)
                || ri.getColorModel() instanceof IndexColorModel
                || rendered.getTransparentColor() != null) {
            fop.handleImage(context, image, pos);
            return;
        }
        Encoded encoded;
        synchronized (cache) {
            encoded = cache.get(ri);
            if (encoded == null) {
                encoded = Encoded.of(ri);
                cache.put(ri, encoded);
            }
        }
        PDFRenderingContext pdfContext = (PDFRenderingContext) context;
        PDFContentGenerator generator = pdfContext.getGenerator();
        PDFXObject xobj =
                generator
                        .getDocument()
                        .addImage(
                                generator.getResourceContext(),
                                new Adapter(
                                        new ImageRendered(image.getInfo(), encoded.opaque, null),
                                        uri,
                                        encoded,
                                        ri));
        generator.placeImage(
                (float) pos.getX() / 1000f,
                (float) pos.getY() / 1000f,
                (float) pos.getWidth() / 1000f,
                (float) pos.getHeight() / 1000f,
                xobj);
    }

    /**
     * One image's deflated streams, and an opaque image of its size and encoded colour model (no
     * pixels are read from it: it gives FOP's adapter the colour space and the dimensions).
     */
    private record Encoded(byte[] colour, byte[] alpha, BufferedImage opaque) {
        static Encoded of(RenderedImage ri) throws IOException {
            ImageEncodingHelper helper = new ImageEncodingHelper(ri);
            helper.setBWInvert(true);
            ColorModel cm = helper.getEncodedColorModel();
            ByteArrayOutputStream colour = new ByteArrayOutputStream();
            try (OutputStream out = new DeflaterOutputStream(colour)) {
                helper.encode(out);
            }
            byte[] alpha = null;
            ColorModel orig = ri.getColorModel();
            if (orig.hasAlpha() && orig.getTransparency() == ColorModel.TRANSLUCENT) {
                ByteArrayOutputStream a = new ByteArrayOutputStream();
                try (OutputStream out = new DeflaterOutputStream(a)) {
                    new AlphaRasterImage("alpha", ri).outputContents(out);
                }
                alpha = a.toByteArray();
            }
            BufferedImage opaque =
                    new BufferedImage(
                            cm,
                            cm.createCompatibleWritableRaster(ri.getWidth(), ri.getHeight()),
                            false,
                            null);
            return new Encoded(colour.toByteArray(), alpha, opaque);
        }
    }

    private static PDFFilter appliedFlate() {
        FlateFilter flate = new FlateFilter();
        flate.setApplied(true);
        return flate;
    }

    /**
     * FOP's adapter for the opaque stand-in, writing the kept bytes, with the kept alpha as soft
     * mask.
     */
    private static final class Adapter extends ImageRenderedAdapter {
        private final Encoded encoded;
        private final RenderedImage original;
        private PDFReference softMask;

        Adapter(ImageRendered opaque, String key, Encoded encoded, RenderedImage original) {
            super(opaque, key);
            this.encoded = encoded;
            this.original = original;
            disallowMultipleFilters();
        }

        @Override
        public void setup(PDFDocument doc) {
            super.setup(doc); // colour profile; the stand-in has no alpha, so no mask made here
            if (encoded.alpha() != null) {
                doc.getProfile().verifyTransparencyAllowed(image.getInfo().getOriginalURI());
                softMask =
                        doc.addImage(null, new Alpha("Mask:" + getKey(), original, encoded.alpha()))
                                .makeReference();
            }
        }

        @Override
        public PDFReference getSoftMaskReference() {
            return softMask;
        }

        @Override
        public PDFFilter getPDFFilter() {
            return appliedFlate();
        }

        @Override
        public String getFilterHint() {
            return PDFFilterList.PRECOMPRESSED_FILTER;
        }

        @Override
        public void outputContents(OutputStream out) throws IOException {
            out.write(encoded.colour());
        }
    }

    /** FOP's soft mask image, writing the kept deflated alpha channel. */
    private static final class Alpha extends AlphaRasterImage {
        private final byte[] deflated;

        Alpha(String key, RenderedImage original, byte[] deflated) {
            super(key, original);
            this.deflated = deflated;
        }

        @Override
        public PDFFilter getPDFFilter() {
            return appliedFlate();
        }

        @Override
        public boolean multipleFiltersAllowed() {
            return false;
        }

        @Override
        public String getFilterHint() {
            return PDFFilterList.PRECOMPRESSED_FILTER;
        }

        @Override
        public void outputContents(OutputStream out) throws IOException {
            out.write(deflated);
        }
    }
}
