package jp.kofuhub.render;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.sax.SAXTransformerFactory;
import javax.xml.transform.sax.TransformerHandler;
import javax.xml.transform.stream.StreamResult;
import org.apache.fop.fo.extensions.xmp.XMPMetadata;
import org.apache.fop.pdf.PDFDocument;
import org.apache.fop.pdf.PDFMetadata;
import org.apache.fop.render.pdf.PDFDocumentHandler;
import org.apache.xmlgraphics.xmp.Metadata;
import org.apache.xmlgraphics.xmp.schemas.DublinCoreSchema;
import org.apache.xmlgraphics.xmp.schemas.XMPBasicSchema;
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
        PDFDocument doc = documentOf(handler);
        if (doc != null && doc.getRoot().getMetadata() == null) {
            Packet packet = new Packet(PDFMetadata.createXMPFromPDFDocument(doc), true, factory);
            doc.registerObject(packet);
            doc.getRoot().setMetadata(packet);
        }
    }

    /**
     * What FOP's {@code PDFRenderingUtil.renderXMPMetadata} (fop-core 2.11) does with the document
     * metadata FOP's IF renderer hands over before the first page (always: FOP makes a default one
     * when the FO has none) — merge FOP's own document information into it, date it, copy it back
     * into the document information — but with the packet written by {@code factory}. False (and
     * nothing done) when the document cannot be reached: then FOP does it.
     */
    static boolean render(
            PDFDocumentHandler handler, XMPMetadata metadata, SAXTransformerFactory factory) {
        PDFDocument doc = documentOf(handler);
        if (doc == null) {
            return false;
        }
        Metadata docXmp = metadata.getMetadata();
        Metadata fopXmp = PDFMetadata.createXMPFromPDFDocument(doc);
        List<Class> exclude = new ArrayList<>();
        if (doc.getProfile().getPDFAMode().isPart1()) {
            exclude.add(DublinCoreSchema.class);
        }
        fopXmp.mergeInto(docXmp, exclude);
        XMPBasicSchema.getAdapter(docXmp).setMetadataDate(new Date());
        PDFMetadata.updateInfoFromMetadata(docXmp, doc.getInfo());
        Packet packet = new Packet(docXmp, metadata.isReadOnly(), factory);
        doc.registerObject(packet);
        doc.getRoot().setMetadata(packet);
        return true;
    }

    private static PDFDocument documentOf(PDFDocumentHandler handler) {
        PDFDocument doc;
        try {
            doc = PDF_DOC == null ? null : (PDFDocument) PDF_DOC.get(handler);
        } catch (IllegalAccessException | RuntimeException e) {
            doc = null;
        }
        if (doc == null && !warned) {
            warned = true;
            LOG.warn("FOP's PDF document is not reachable: FOP writes the XMP packet itself");
        }
        return doc;
    }

    /** FOP's read-only XMP metadata stream, serialized with the shared factory. */
    static final class Packet extends PDFMetadata {
        private final SAXTransformerFactory factory;
        private final boolean readOnly;

        Packet(Metadata xmp, boolean readOnly, SAXTransformerFactory factory) {
            super(xmp, readOnly);
            this.readOnly = readOnly;
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
                if (readOnly) {
                    handler.processingInstruction("xpacket", "end=\"r\"");
                } else {
                    // XMPSerializer's padding: 40 lines of 100 spaces, for in-place edits
                    char[] line = ("\n" + " ".repeat(100)).toCharArray();
                    for (int i = 0; i < 40; i++) {
                        handler.characters(line, 0, line.length);
                    }
                    handler.characters(new char[] {'\n'}, 0, 1);
                    handler.processingInstruction("xpacket", "end=\"w\"");
                }
                handler.endDocument();
            } catch (TransformerConfigurationException | SAXException e) {
                throw new IOException("cannot write the XMP packet: " + e.getMessage(), e);
            }
        }
    }
}
