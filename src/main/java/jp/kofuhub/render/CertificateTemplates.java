package jp.kofuhub.render;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which XSLT shell lays out a municipality's certificate (issue #10: municipalities are tenants):
 * {@code <kofu.templates.dir>/<団体コード>/<template>.xsl} when the municipality has its own, else the
 * shared {@code <kofu.templates.dir>/<template>.xsl}. An override is a thin shell like the shared
 * ones: it imports {@code ../<template>.xsl} and redefines only what differs, so it keeps every
 * later fix of the shared layout. Route {@code issue-certificate} asks {@link #path} before its
 * {@code layout-fo} step; {@code xslt-saxon} compiles each file once and keeps it (one endpoint per
 * file), and the answer here is remembered too: a new or removed override takes effect at the next
 * start.
 */
public final class CertificateTemplates {

    private final Path dir;
    private final Map<String, String> chosen = new ConcurrentHashMap<>();

    public CertificateTemplates(Path dir) {
        this.dir = dir;
    }

    /**
     * The template's path relative to the templates folder, without {@code .xsl}: {@code
     * 012343/juminhyo} when that file exists, else {@code juminhyo}.
     */
    public String path(String municipality, String template) {
        if (municipality == null
                || !municipality.matches("\\d{6}")
                || !template.matches("[a-z][a-z0-9-]*")) {
            return template;
        }
        return chosen.computeIfAbsent(
                municipality + "/" + template,
                own -> Files.isRegularFile(dir.resolve(own + ".xsl")) ? own : template);
    }
}
