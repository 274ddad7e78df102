package jp.kofuhub.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import jp.kofuhub.registry.ExportFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a rejected export file, whole, in the quarantine folder with a machine-readable reason
 * file ({@code <name>.reason.json}: file, reason code, detail, time). Nothing of the file was applied.
 */
public class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public Quarantine(Path dir) {
        this.dir = dir;
    }

    public void store(InputStream body, String fileName, Exception cause) throws IOException {
        Files.createDirectories(dir);
        String reason = cause instanceof ExportFileException e ? e.reason() : "UNREADABLE";
        String detail = cause instanceof ExportFileException e ? e.detail() : "the file could not be read";
        String stamp = Instant.now().toString().replace(":", "");
        Path target = dir.resolve(fileName + "." + stamp);
        Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
        ObjectNode r = json.createObjectNode();
        r.put("file", fileName);
        r.put("storedAs", target.getFileName().toString());
        r.put("reason", reason);
        r.put("detail", detail);
        r.put("quarantinedAt", Instant.now().toString());
        Files.writeString(dir.resolve(target.getFileName() + ".reason.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        LOG.warn("sync quarantined {}: {} ({})", fileName, reason, detail);
    }
}
