package jp.kofuhub.certificate;

import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.render.FieldBoxes;
import jp.kofuhub.render.FieldOverflowException;
import jp.kofuhub.render.FontChain;
import jp.kofuhub.render.GlyphUnavailableException;

/**
 * Writes the data document an XSLT template turns into XSL-FO. Every printed string passes through
 * {@link #text}, which checks it against the font chain first: a character no font can draw stops
 * the document with the name of its field, before anything is rendered. A value printed in a box of
 * the layout passes through {@link #boxed} instead, which also fits it (shrinks it, or refuses it).
 */
final class CertificateXml {

    /**
     * One factory for every document: {@code XMLOutputFactory.newFactory()} looks the
     * implementation up with a ServiceLoader scan of the class path (the fat jar) each time, a
     * hotspot of issuance. A configured factory is thread-safe for creating writers.
     */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private final XMLStreamWriter w;
    private final StringWriter out = new StringWriter(8192);
    private final FontChain fonts;

    CertificateXml(FontChain fonts) {
        this.fonts = fonts;
        try {
            this.w = OUTPUT.createXMLStreamWriter(out);
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
     * Opens the root {@code <certificate>} with what the layout needs besides the data: the kind,
     * the font chain, and the municipality's print settings (the anti-forgery band, when it asks
     * for one; the printout code's position and size, when it has the code on).
     */
    CertificateXml root(String kind, jp.kofuhub.municipality.MunicipalityProfile city) {
        return start("certificate")
                .attr("kind", kind)
                .attr("font-family", fonts.foFamilyList())
                .attr("anti-forgery-band", city.antiForgeryBand())
                .attr("printout-code", city.printoutCodePosition())
                .attr(
                        "printout-code-size",
                        city.printoutCodePosition() == null ? null : city.printoutCode().size());
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
        checkGlyphs(field, value);
        return element(name, value, null, null);
    }

    /**
     * A printed element that must fit a box of the layout (STD §5.8), omitted when the value is
     * null or empty: {@code <name box="box" pt="10.5">value</name>}.
     *
     * <ul>
     *   <li>{@code field}: the field as refusals name it ({@code member[2].name});
     *   <li>{@code box}: a {@code <box field=…>} of settings.xsl's {@code boxes} ({@code
     *       member.name}), written as attribute {@code box} so a saved data document can be fitted
     *       again (preview);
     *   <li>attribute {@code pt}: only when the value had to be shrunk, the font size to print it
     *       at (common.xsl, mode {@code fit}).
     * </ul>
     *
     * The glyph check comes first. The boxes are the font chain's ({@link FontChain#fit}): a chain
     * built without them reads the default xslt-templates/settings.xsl once, so the check is never
     * skipped.
     *
     * @throws GlyphUnavailableException a character of the value cannot be printed
     * @throws FieldOverflowException the value does not fit even at the smallest allowed size
     * @throws IllegalArgumentException settings.xsl declares no box {@code box}
     */
    CertificateXml boxed(String name, String field, String box, String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        checkGlyphs(field, value);
        FieldBoxes.Fit fit = fonts.fit(box, value);
        if (!fit.fits()) {
            throw new FieldOverflowException(field);
        }
        return element(name, value, box, fit.ptAttribute());
    }

    private void checkGlyphs(String field, String value) {
        int bad = fonts.firstUndrawable(value);
        if (bad >= 0) {
            throw new GlyphUnavailableException(field, bad);
        }
    }

    private CertificateXml element(String name, String value, String box, String pt) {
        try {
            w.writeStartElement(name);
            if (box != null) {
                w.writeAttribute("box", box);
            }
            if (pt != null) {
                w.writeAttribute("pt", pt);
            }
            w.writeCharacters(value);
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    CertificateXml date(String name, String field, LocalDate date, boolean western) {
        return text(
                name,
                field,
                date == null ? null : western ? EraDate.seireki(date) : EraDate.wareki(date));
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
