package jp.kofuhub.issuance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OpenAPI document of the issuance-centre interface, read once at start-up from
 * docs/interfaces/.
 */
public class OpenApiDocument {

    private final String text;

    public OpenApiDocument(Path file) {
        try {
            this.text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document " + file, e);
        }
    }

    public String text() {
        return text;
    }
}
