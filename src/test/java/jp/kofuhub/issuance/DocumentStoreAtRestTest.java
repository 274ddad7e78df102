package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import jp.kofuhub.keys.AtRestCipher;
import jp.kofuhub.render.PdfRenderer;
import org.junit.jupiter.api.Test;

/**
 * Held certificate documents are ciphertext in memory; {@code get} gives the original, every time.
 */
class DocumentStoreAtRestTest {

    @Test
    void holdsCiphertextAndGivesTheSameDocumentToEveryGet() throws Exception {
        DocumentStore store =
                new DocumentStore(
                        Clock.systemUTC(), Duration.ofMinutes(5), AtRestCipher.ephemeral());
        byte[] pdf = "%PDF-1.7 住民票の写し 山田太郎 %%EOF".getBytes(StandardCharsets.UTF_8);
        store.put("tx-1", new PdfRenderer.RenderedPdf(pdf, 2));

        byte[] held = store.sealed("tx-1").orElseThrow();
        assertThat(held).isNotEqualTo(pdf);
        assertThat(new String(held, StandardCharsets.UTF_8))
                .doesNotContain("%PDF")
                .doesNotContain("山田");

        for (int i = 0; i < 2; i++) { // a retry of the same transaction gets the same document
            PdfRenderer.RenderedPdf got = store.get("tx-1").orElseThrow();
            assertThat(got.getBytes()).isEqualTo(pdf);
            assertThat(got.getPages()).isEqualTo(2);
        }
        assertThat(store.get("tx-2")).isEmpty();
        store.remove("tx-1");
        assertThat(store.get("tx-1")).isEmpty();
    }
}
