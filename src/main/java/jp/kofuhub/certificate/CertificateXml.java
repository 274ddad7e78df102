package jp.kofuhub.certificate;

import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.GlyphUnavailableException;

/**
 * Writes the data document an XSLT template turns into XSL-FO. Every printed string passes through
 * {@link #text}, which checks it against the font chain first: a character no font can draw stops
 * the document with the name of its field, before anything is rendered.
 */
final class CertificateXml {

    private final XMLStreamWriter w;
    private final StringWriter out = new StringWriter(8192);
    private final FontChain fonts;

    CertificateXml(FontChain fonts) {
        this.fonts = fonts;
        try {
            this.w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    CertificateXml start(String element) {
        try {
            w.writeStartElement(element);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /**
     * Opens the root {@code <certificate>} with what the layout needs besides the data: the kind, the
     * font chain, and the municipality's print settings (the anti-forgery band, when it asks for one).
     */
    CertificateXml root(String kind, jp.kofuhub.municipality.MunicipalityProfile city) {
        return start("certificate").attr("kind", kind).attr("font-family", fonts.foFamilyList())
                .attr("anti-forgery-band", city.antiForgeryBand());
    }

    /** An attribute that is not printed (ids, codes, URLs): not glyph-checked. */
    CertificateXml attr(String name, String value) {
        try {
            if (value != null) {
                w.writeAttribute(name, value);
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    CertificateXml end() {
        try {
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** A printed element: {@code <name>value</name>}, omitted when the value is null or empty. */
    CertificateXml text(String name, String field, String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        int bad = fonts.firstUndrawable(value);
        if (bad >= 0) {
            throw new GlyphUnavailableException(field, bad);
        }
        try {
            w.writeStartElement(name);
            w.writeCharacters(value);
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /**
     * A printed element that must fit a box of the layout ({@code box}: a {@code <box field=…>} of
     * settings.xsl's {@code boxes}); shrunk when needed (attribute {@code pt} = the font size to use),
     * refused with {@link jp.kofuhub.render.FieldOverflowException} when it cannot fit.
     */
    CertificateXml boxed(String name, String field, String box, String value) {
        return text(name, field, value);
    }

    CertificateXml date(String name, String field, LocalDate date, boolean western) {
        return text(name, field, date == null ? null : western ? EraDate.seireki(date) : EraDate.wareki(date));
    }

    String finish() {
        try {
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    static String join(List<String> parts) {
        return String.join("　", parts.stream().filter(s -> s != null && !s.isEmpty()).toList());
    }
}
