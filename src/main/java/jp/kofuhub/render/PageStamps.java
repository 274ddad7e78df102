package jp.kofuhub.render;

import java.util.Set;

/**
 * What a page's code slot is filled with once the layout is known ({@link
 * PdfRenderer#render(String, PageStamps)}): the modules of a 2D code, row by row ({@code true} =
 * dark). The layout marks the slot with an {@code fo:external-graphic} whose source is {@link
 * #SLOT_URI} (settings.xsl, {@code printout-code-slot}); the renderer tells each page's number, the
 * page count and the FO ids laid out on that page.
 */
public interface PageStamps {

    /** The slot's placeholder image: a 1×1 white PNG (never printed: the slot is replaced). */
    String SLOT_URI =
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==";

    /**
     * The modules of page {@code page}'s code (1-based, of {@code pages}), a square matrix without
     * quiet zone; the renderer adds a quiet zone of 4 modules inside the slot.
     */
    boolean[][] stamp(int page, int pages, Set<String> ids);
}
