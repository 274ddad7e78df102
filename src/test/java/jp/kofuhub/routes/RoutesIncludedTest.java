package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every route file under {@code routes/}, in any folder, is loaded at start: the configured {@code
 * camel.main.routes-include-pattern} (its default in config/application.yaml) resolved by Camel's
 * own collector finds each of them, so a flow in a new {@code routes/<area>/} folder is not
 * silently left out.
 */
class RoutesIncludedTest {

    @Test
    void theHubAloneLoadsEveryRouteFileButTheDemos() throws Exception {
        assertFound(configured("routes-exclude-pattern"), f -> !f.startsWith("routes/demo/"));
    }

    @Test
    void withTheToolsEveryRouteFileIsLoaded() throws Exception {
        assertFound("", f -> true); // kofu-tools' kofu-demo.properties: kofu.demo.routes-exclude=
    }

    private static void assertFound(String exclude, java.util.function.Predicate<String> expected)
            throws Exception {
        String pattern = configured("routes-include-pattern");
        List<String> onDisk;
        try (Stream<Path> s = Files.walk(Path.of("routes"))) {
            onDisk =
                    s.filter(p -> p.toString().endsWith(".camel.yaml"))
                            .map(p -> p.toString().replace('\\', '/'))
                            .filter(expected)
                            .sorted()
                            .toList();
        }
        assertThat(onDisk).isNotEmpty();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            var found =
                    new DefaultRoutesCollector()
                            .findRouteResourcesFromDirectory(camel, exclude, pattern).stream()
                                    .map(Resource::getLocation)
                                    .map(l -> l.replaceFirst("^file:", "").replace('\\', '/'))
                                    .map(l -> l.startsWith("./") ? l.substring(2) : l)
                                    .sorted()
                                    .toList();
            assertThat(found)
                    .as("route files found by %s", pattern)
                    .containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    @Test
    void aRouteFileInANewFolderIsFound() throws Exception {
        Path folder = Path.of("routes", "zz-new-area-" + ProcessHandle.current().pid());
        Path file = folder.resolve("probe.camel.yaml");
        Files.createDirectories(folder);
        try {
            Files.writeString(
                    file,
                    "- route:\n    id: probe\n    from:\n      uri: direct:probe\n      steps:\n        - log: probe\n");
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                var found =
                        new DefaultRoutesCollector()
                                        .findRouteResourcesFromDirectory(
                                                camel,
                                                configured("routes-exclude-pattern"),
                                                configured("routes-include-pattern"))
                                        .stream()
                                        .map(Resource::getLocation)
                                        .toList();
                assertThat(found)
                        .anyMatch(
                                l ->
                                        l.replace('\\', '/')
                                                .endsWith(
                                                        folder.getFileName()
                                                                + "/probe.camel.yaml"));
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    /** The default of camel.main.{key} in config/application.yaml (${KOFU_ROUTES:…}). */
    @SuppressWarnings("unchecked")
    static String configured(String key) throws IOException {
        try (Reader r =
                Files.newBufferedReader(
                        Path.of("config/application.yaml"), StandardCharsets.UTF_8)) {
            Map<String, Object> root = null;
            for (Object doc : new Yaml().loadAll(r)) {
                root = (Map<String, Object>) doc;
                break;
            }
            Map<String, Object> main =
                    (Map<String, Object>) ((Map<String, Object>) root.get("camel")).get("main");
            String value = String.valueOf(main.get(key));
            Matcher m = Pattern.compile("^\\$\\{[A-Za-z_.-]+:(.*)}$").matcher(value);
            return m.matches() ? m.group(1) : value;
        }
    }
}
