package jp.kofuhub.municipality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The municipalities this hub serves: every {@code *.yaml} file of the profiles folder, read once
 * at start-up. A profile that does not parse stops the start: a half-configured city must not
 * issue. That includes its {@code fees} ({@link FeeSchedule}) and {@code calendar} ({@link
 * ServiceCalendar}), which are built here once so that a bad period or hour stops the start with
 * the file's name.
 *
 * <p>YAML dates and date-times ({@code 2016-12-12}, {@code 2026-12-06T00:00:00+09:00}) are read as
 * their text, not as {@code java.util.Date}, and converted by Jackson's java.time support, so a
 * date means the same day whatever the JVM's time zone.
 */
public class MunicipalityRegistry {

    private final Map<String, MunicipalityProfile> byCode;
    private final Path dir;

    public MunicipalityRegistry(Path dir) {
        this.dir = dir;
        Map<String, MunicipalityProfile> map = new TreeMap<>();
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                            .sorted()
                            .toList()) {
                Object raw;
                try (Reader r = Files.newBufferedReader(f)) {
                    raw = new Yaml(new TimestampsAsText(new LoaderOptions())).load(r);
                } catch (org.yaml.snakeyaml.error.YAMLException e) {
                    // SnakeYAML names "reader", line and column, never the file (issue #24)
                    throw new IllegalStateException(
                            "municipality profile " + f + " is not valid YAML: " + e.getMessage(),
                            e);
                }
                MunicipalityProfile p;
                try {
                    p = mapper.convertValue(raw, MunicipalityProfile.class);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "municipality profile " + f + " is invalid: " + e.getMessage(), e);
                }
                if (p.code() == null || !p.code().matches("\\d{6}")) {
                    throw new IllegalStateException(
                            "municipality profile " + f + " needs a 6-digit code");
                }
                if (p.juminhyoLayout() != null && !p.layout().equals(p.juminhyoLayout())) {
                    throw new IllegalStateException(
                            "municipality profile "
                                    + f
                                    + ": juminhyoLayout must be "
                                    + MunicipalityProfile.RENKI
                                    + " or "
                                    + MunicipalityProfile.KOJIN);
                }
                if (p.antiForgeryBand() != null
                        && !p.antiForgeryBand().matches("\\d{1,3}(\\.\\d)?mm")) {
                    throw new IllegalStateException(
                            "municipality profile "
                                    + f
                                    + ": antiForgeryBand must be a length in mm, e.g. 20mm");
                }
                if (p.printoutCode() != null
                        && ((p.printoutCode().position() != null
                                        && !MunicipalityProfile.PrintoutCode.POSITIONS.contains(
                                                p.printoutCode().position()))
                                || (p.printoutCode().size() != null
                                        && !p.printoutCode().size().matches("([234]\\d|50)mm")))) {
                    throw new IllegalStateException(
                            "municipality profile "
                                    + f
                                    + ": printoutCode.position must be bottom-left or bottom-right,"
                                    + " printoutCode.size a length from 20mm to 50mm");
                }
                try {
                    p.feeSchedule();
                    p.serviceCalendar();
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(
                            "municipality profile " + f + " is invalid: " + e.getMessage(), e);
                }
                if (map.put(p.code(), p) != null) {
                    throw new IllegalStateException(
                            "municipality " + p.code() + " is configured twice");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read municipality profiles from " + dir, e);
        }
        this.byCode = Map.copyOf(map);
    }

    /**
     * SnakeYAML's safe constructor, except that timestamps stay text (Jackson parses them as
     * java.time).
     */
    private static final class TimestampsAsText extends SafeConstructor {
        TimestampsAsText(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }
    }

    public Optional<MunicipalityProfile> find(String code) {
        return Optional.ofNullable(code == null ? null : byCode.get(code));
    }

    public Collection<MunicipalityProfile> all() {
        return byCode.values();
    }

    /** The seal image of a municipality, resolved against the profiles folder. */
    public Path sealImage(MunicipalityProfile p) {
        return dir.resolve(p.sealImage()).toAbsolutePath().normalize();
    }
}
