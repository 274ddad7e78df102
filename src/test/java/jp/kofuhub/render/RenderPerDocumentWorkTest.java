package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the renderer no longer does for every document (issue #20 item 3), proven by what a render
 * asks of the class path and allocates, not by time: no class path scan for a transformer factory
 * (FOP's XMP packet looked one up per document), and no copy of the whole font file (FOP cut each
 * subset from a copy of the 7.8 MB IPAex file, about three times over).
 */
class RenderPerDocumentWorkTest {

    static PdfRenderer renderer;
    static String fo;

    @BeforeAll
    static void setUp() throws Exception {
        FontChain fonts =
                FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho"));
        renderer = new PdfRenderer(fonts, Path.of("."), 1);
        fo = PdfRendererConcurrencyTest.golden("shotoku-kazei", "tax");
        renderer.render(fo); // warm: fonts parsed, 公印 decoded
        renderer.render(fo);
    }

    @Test
    void aDocumentLooksUpNoTransformerFactoryOnTheClassPath() {
        AtomicInteger lookups = new AtomicInteger();
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(
                new ClassLoader(original) {
                    @Override
                    public Enumeration<URL> getResources(String name) throws IOException {
                        if (name.startsWith("META-INF/services/javax.xml.")) {
                            lookups.incrementAndGet();
                        }
                        return super.getResources(name);
                    }
                });
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(renderer.render(fo).getPages()).isEqualTo(1);
            }
        } finally {
            thread.setContextClassLoader(original);
        }
        assertThat(lookups).hasValue(0);
    }

    @Test
    void aDocumentAllocatesLessThanOneCopyOfTheFontFile() throws Exception {
        long fontFile = Files.size(Path.of("fonts/ipaexm.ttf"));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            renderer.render(fo);
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        System.out.printf("allocated per document: %d kB%n", least / 1024);
        assertThat(least).isLessThan(fontFile);
    }
}
