package jp.kofuhub.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;

/** Reads a produced PDF the way a checker would: its text layer and its fonts. */
public final class Pdfs {

    private Pdfs() {}

    /**
     * The text layer, as pdftotext would give it. Fails the test (AssertionError) if it contains
     * {@code #}: FOP draws {@code #} for a character its font lacks, and no template prints one, so
     * every test document read as text is also checked for it. The message gives the position only,
     * not the text around it.
     */
    public static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            if (text.indexOf('#') >= 0) {
                throw new AssertionError(
                        "the PDF's text layer has '#' (FOP's mark for a glyph its font lacks) on page "
                                + firstPageWithHash(doc)
                                + " of "
                                + doc.getNumberOfPages());
            }
            return text;
        }
    }

    private static int firstPageWithHash(PDDocument doc) throws IOException {
        for (int page = 1; page <= doc.getNumberOfPages(); page++) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(page);
            stripper.setEndPage(page);
            if (stripper.getText(doc).indexOf('#') >= 0) {
                return page;
            }
        }
        return 0;
    }

    public static int pages(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return doc.getNumberOfPages();
        }
    }

    /** "name embedded?" for every font of every page. */
    public static List<String> fonts(byte[] pdf) throws IOException {
        List<String> out = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (PDPage page : doc.getPages()) {
                for (COSName n : page.getResources().getFontNames()) {
                    PDFont f = page.getResources().getFont(n);
                    out.add(f.getName() + (f.isEmbedded() ? " embedded" : " NOT-EMBEDDED"));
                }
            }
        }
        return out;
    }

    /** The text with all white space removed, for order checks across line breaks. */
    public static String compact(String text) {
        return text.replaceAll("[\\s\u3000]+", "");
    }
}
