package jp.kofuhub.render;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.sax.SAXTransformerFactory;
import javax.xml.transform.sax.TransformerHandler;
import javax.xml.transform.stream.StreamResult;
import org.apache.fop.pdf.PDFDocument;
import org.apache.fop.pdf.PDFMetadata;
import org.apache.fop.render.pdf.PDFDocumentHandler;
import org.apache.xmlgraphics.xmp.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.SAXException;

/**
 * The document's XMP metadata packet written with one transformer factory looked up once (issue #20
 * item 3). FOP writes every PDF's XMP packet through xmlgraphics-commons' {@code XMPSerializer},
 * which calls {@code SAXTransformerFactory.newInstance()} for each document: a ServiceLoader scan
 * of every jar on the class path and a new Saxon configuration, 40–70 ms and 8 MB allocated per
 * document on this class path (a quarter of the render threads' CPU, a fifth of their allocation).
 * Here the packet FOP would write at the end of the document header — the same metadata ({@code
 * PDFMetadata.createXMPFromPDFDocument}), read-only, the same serializer (the factory that lookup
 * finds: Saxon's) and the same output properties and processing instructions as {@code
 * XMPSerializer.writeXMPPacket} — is installed on the document before FOP's own step, which then
 * finds one present and leaves it. PdfRendererConcurrencyTest compares the PDFs with FOP's stock
 * output byte for byte.
 *
 * <p>FOP keeps the document in a private field of its handler (fop-core 2.11, {@code pdfDoc}); if a
 * later FOP renames it, FOP's own path is taken again (logged once).
 */
final class SharedXmp {

    private static final Logger LOG = LoggerFactory.getLogger(SharedXmp.class);
    private static final Field PDF_DOC = pdfDocField();
    private static volatile boolean warned;

    private SharedXmp() {}

    private static Field pdfDocField() {
        try {
            Field f = PDFDocumentHandler.class.getDeclaredField("pdfDoc");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Installs the document's XMP packet written by {@code factory}, unless the document already
     * has one (XMP given in the FO) or the document cannot be reached: then FOP writes its own.
     */
    static void install(PDFDocumentHandler handler, SAXTransformerFactory factory) {
        PDFDocument doc = null;
        try {
            doc = PDF_DOC == null ? null : (PDFDocument) PDF_DOC.get(handler);
        } catch (IllegalAccessException | RuntimeException e) {
            doc = null;
        }
        if (doc == null) {
            if (!warned) {
                warned = true;
                LOG.warn("FOP's PDF document is not reachable: FOP writes the XMP packet itself");
            }
            return;
        }
        if (doc.getRoot().getMetadata() == null) {
            Packet packet = new Packet(PDFMetadata.createXMPFromPDFDocument(doc), factory);
            doc.registerObject(packet);
            doc.getRoot().setMetadata(packet);
        }
    }

    /** FOP's read-only XMP metadata stream, serialized with the shared factory. */
    static final class Packet extends PDFMetadata {
        private final SAXTransformerFactory factory;

        Packet(Metadata xmp, SAXTransformerFactory factory) {
            super(xmp, true);
            this.factory = factory;
        }

        @Override
        protected void outputRawStreamData(OutputStream out) throws IOException {
            try {
                TransformerHandler handler = factory.newTransformerHandler();
                Transformer transformer = handler.getTransformer();
                transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
                transformer.setOutputProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
                try {
                    transformer.setOutputProperty(OutputKeys.INDENT, "yes");
                } catch (IllegalArgumentException e) {
                    // not supported by the serializer: as XMPSerializer, go on without
                }
                handler.setResult(new StreamResult(out));
                handler.startDocument();
                handler.processingInstruction(
                        "xpacket", "begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"");
                getMetadata().toSAX(handler);
                handler.processingInstruction("xpacket", "end=\"r\"");
                handler.endDocument();
            } catch (TransformerConfigurationException | SAXException e) {
                throw new IOException("cannot write the XMP packet: " + e.getMessage(), e);
            }
        }
    }
}
