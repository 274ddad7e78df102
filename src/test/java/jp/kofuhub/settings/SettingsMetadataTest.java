package jp.kofuhub.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every {@code kofu.*} setting is described once, in {@code
 * src/main/resources/META-INF/additional-spring-configuration-metadata.json} (merged into the jar's
 * spring-configuration-metadata.json by spring-boot-configuration-processor: IDE completion, and a
 * warning on an unknown key), with one default; and the code, routes, config files and docs agree
 * with it:
 *
 * <ul>
 *   <li>every key read in code ({@code @Value}, {@code Environment}, {@code Binder}, system
 *       properties), in a route ({@code {{…}}}) or set in a config file is in the metadata;
 *   <li>a default written in code ({@code ${kofu.x:default}}) or in config/application.yaml ({@code
 *       ${ENV:default}}) is the metadata's default;
 *   <li>no doc names a {@code kofu.*} key that does not exist (meter names, which the code spells
 *       as string literals, excepted);
 *   <li>docs/settings.md's table is the metadata's: after adding a setting run this class with
 *       {@code -Dkofu.settings.write=true} to regenerate it.
 * </ul>
 *
 * Adding a setting is one entry in the metadata file (and the regenerated table).
 */
class SettingsMetadataTest {

    static final Path METADATA =
            Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");
    static final Path SETTINGS_DOC = Path.of("docs/settings.md");
    static final String BEGIN = "<!-- settings:begin (generated from the metadata) -->";
    static final String END = "<!-- settings:end -->";

    /** kofu.* tokens in docs that are no setting and no code literal: file and Maven names. */
    // not settings: a file name, the image's Maven properties, the build's switch to skip the hub's
    // tests, the JMX domain of the kofu.* meters, and the hub-wide breaker family
    // (kofu.koseki.breaker-*) as a comment names it
    static final Set<String> NOT_SETTINGS =
            Set.of(
                    "kofu.mv.db",
                    "kofu.image",
                    "kofu.image.base",
                    "kofu.hub.skipTests",
                    "kofu.metrics",
                    "kofu.koseki.breaker");

    private static final Pattern KEY =
            Pattern.compile("kofu\\.[a-z][a-z0-9-]*(?:\\.[a-zA-Z0-9-]+)*");

    record Setting(String name, String type, String description, String defaultValue) {
        boolean isMap() {
            return type.startsWith("java.util.Map");
        }
    }

    static Map<String, Setting> metadata() throws IOException {
        JsonNode root = new ObjectMapper().readTree(METADATA.toFile());
        Map<String, Setting> settings = new TreeMap<>();
        for (JsonNode p : root.get("properties")) {
            JsonNode d = p.get("defaultValue");
            Setting s =
                    new Setting(
                            p.get("name").asText(),
                            p.get("type").asText(),
                            p.path("description").asText(""),
                            d == null ? null : d.isTextual() ? d.asText() : d.toString());
            assertThat(settings.put(s.name(), s)).as("described twice: " + s.name()).isNull();
        }
        return settings;
    }

    @Test
    void everySettingHasADescriptionAndOneDefault() throws IOException {
        for (Setting s : metadata().values()) {
            assertThat(s.name()).startsWith("kofu.");
            assertThat(s.description()).as(s.name()).isNotBlank();
            if (!s.isMap()) {
                assertThat(s.defaultValue()).as("default of " + s.name()).isNotNull();
            }
        }
    }

    @Test
    void everyKeyUsedInCodeRoutesAndConfigIsDescribed() throws IOException {
        Map<String, Setting> settings = metadata();
        Map<String, String> used = usedKeys();
        assertThat(used).isNotEmpty();
        List<String> unknown = new ArrayList<>();
        used.forEach(
                (key, where) -> {
                    if (!described(settings, key)) {
                        unknown.add(key + " (" + where + ")");
                    }
                });
        assertThat(unknown).as("kofu.* keys not in " + METADATA).isEmpty();
    }

    @Test
    void defaultsInCodeAndConfigAreTheMetadatasDefault() throws IOException {
        Map<String, Setting> settings = metadata();
        List<String> differ = new ArrayList<>();
        defaultsInCode()
                .forEach(
                        (where, kv) -> {
                            Setting s = settings.get(kv[0]);
                            if (s != null
                                    && !s.isMap()
                                    && !normal(kv[1]).equals(normal(s.defaultValue()))) {
                                differ.add(
                                        where
                                                + ": "
                                                + kv[0]
                                                + " defaults to '"
                                                + kv[1]
                                                + "', the metadata to '"
                                                + s.defaultValue()
                                                + "'");
                            }
                        });
        assertThat(differ).isEmpty();
    }

    @Test
    void noDocNamesAKeyThatDoesNotExist() throws IOException {
        Map<String, Setting> settings = metadata();
        Set<String> literals = codeLiterals();
        List<Path> docs = new ArrayList<>(files(Path.of("docs"), ".md"));
        docs.add(Path.of("README.md"));
        docs.add(Path.of("config/application.yaml"));
        docs.addAll(files(Path.of("routes"), ".yaml"));
        List<String> wrong = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = KEY.matcher(Files.readString(doc));
            while (m.find()) {
                String key = m.group().replaceAll("[.-]+$", "");
                if (!NOT_SETTINGS.contains(key)
                        && !literals.contains(key)
                        && !described(settings, key)
                        && settings.keySet().stream().noneMatch(n -> n.startsWith(key + "."))) {
                    wrong.add(doc + ": " + key);
                }
            }
        }
        assertThat(wrong).as("docs naming kofu.* keys that do not exist").isEmpty();
    }

    @Test
    void theSettingsReferenceIsTheMetadata() throws IOException {
        String table = table(metadata());
        String doc = Files.readString(SETTINGS_DOC);
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertThat(b).as(SETTINGS_DOC + " has " + BEGIN).isNotNegative();
        assertThat(e).isGreaterThan(b);
        String expected = doc.substring(0, b + BEGIN.length()) + "\n" + table + doc.substring(e);
        if (Boolean.getBoolean("kofu.settings.write")) {
            Files.writeString(SETTINGS_DOC, expected);
            return;
        }
        assertThat(doc)
                .as(
                        "docs/settings.md is generated from the metadata: run SettingsMetadataTest"
                                + " with -Dkofu.settings.write=true")
                .isEqualTo(expected);
    }

    static String table(Map<String, Setting> settings) {
        StringBuilder t =
                new StringBuilder("| setting | type | default | what |\n|---|---|---|---|\n");
        for (Setting s : settings.values()) {
            String type = s.type().replace("java.lang.", "").replace("java.time.", "");
            type = type.replace("java.util.Map<String,String>", "map");
            String dflt = s.defaultValue() == null ? "" : "`" + s.defaultValue() + "`";
            if ("``".equals(dflt)) {
                dflt = "(empty)";
            }
            t.append("| `")
                    .append(s.isMap() ? s.name() + ".<key>" : s.name())
                    .append("` | ")
                    .append(type)
                    .append(" | ")
                    .append(dflt.replace("|", "\\|"))
                    .append(" | ")
                    .append(s.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return t.toString();
    }

    static boolean described(Map<String, Setting> settings, String key) {
        if (settings.containsKey(key)) {
            return true;
        }
        return settings.values().stream()
                .anyMatch(s -> s.isMap() && key.startsWith(s.name() + "."));
    }

    /** A default with nested placeholders compared by their keys: ${a:x}/b is ${a}/b. */
    static String normal(String value) {
        return value == null
                ? ""
                : value.replaceAll("\\$\\{([a-z0-9.-]+):[^}]*}", "\\${$1}").replace("\\\\", "\\");
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(kofu\\.[a-z0-9.-]+)");
    private static final Pattern ROUTE_PLACEHOLDER = Pattern.compile("\\{\\{(kofu\\.[a-z0-9.-]+)");
    private static final Pattern LOOKUP =
            Pattern.compile(
                    "(?:getProperty|getLong|getBoolean|getInteger|bind|containsProperty)\\(\\s*\"(kofu\\.[a-z0-9.-]+)\"");

    static Map<String, String> usedKeys() throws IOException {
        Map<String, String> used = new TreeMap<>();
        for (Path src : javaSources()) {
            String text = Files.readString(src);
            collect(PLACEHOLDER, text, src, used);
            collect(LOOKUP, text, src, used);
        }
        for (Path route : files(Path.of("routes"), ".yaml")) {
            String text = Files.readString(route);
            collect(ROUTE_PLACEHOLDER, text, route, used);
            collect(PLACEHOLDER, text, route, used);
        }
        Path config = Path.of("config/application.yaml");
        for (String key : yamlKeys(config).keySet()) {
            if (key.startsWith("kofu.")) {
                used.putIfAbsent(key, config.toString());
            }
        }
        collect(PLACEHOLDER, Files.readString(config), config, used);
        for (Path props : files(Path.of("kofu-tools/src/main/resources"), ".properties")) {
            for (String line : Files.readAllLines(props)) {
                Matcher m = Pattern.compile("^(kofu\\.[a-z0-9.-]+)\\s*[=:]").matcher(line);
                if (m.find()) {
                    used.putIfAbsent(m.group(1), props.toString());
                }
            }
        }
        return used;
    }

    private static void collect(Pattern p, String text, Path where, Map<String, String> used) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            used.putIfAbsent(m.group(1).replaceAll("\\.+$", ""), where.toString());
        }
    }

    /** where → {key, default} for every ${kofu.x:default} in code and every YAML default. */
    static Map<String, String[]> defaultsInCode() throws IOException {
        Map<String, String[]> defaults = new LinkedHashMap<>();
        Pattern withDefault =
                Pattern.compile("\"\\$\\{(kofu\\.[a-z0-9.-]+):((?:\\$\\{[^}]*}|[^}\"])*)}\"");
        for (Path src : javaSources()) {
            Matcher m = withDefault.matcher(Files.readString(src));
            int i = 0;
            while (m.find()) {
                defaults.put(src + "#" + i++, new String[] {m.group(1), m.group(2)});
            }
        }
        Path config = Path.of("config/application.yaml");
        Pattern env = Pattern.compile("^\\$\\{[A-Z0-9_]+:(.*)}$");
        yamlKeys(config)
                .forEach(
                        (key, value) -> {
                            if (key.startsWith("kofu.") && value != null) {
                                Matcher m = env.matcher(value);
                                defaults.put(
                                        config + " " + key,
                                        new String[] {key, m.matches() ? m.group(1) : value});
                            }
                        });
        return defaults;
    }

    /**
     * String literals "kofu.…" in code that are no setting: meter and tag names, and the test
     * suites' own system properties.
     */
    static Set<String> codeLiterals() throws IOException {
        Set<String> literals = new TreeSet<>();
        Pattern literal = Pattern.compile("\"(kofu\\.[a-z0-9.-]+)\"");
        List<Path> sources = new ArrayList<>(javaSources());
        sources.addAll(files(Path.of("src/test/java"), ".java"));
        sources.addAll(files(Path.of("kofu-tools/src/test/java"), ".java"));
        for (Path src : sources) {
            Matcher m = literal.matcher(Files.readString(src));
            while (m.find()) {
                literals.add(m.group(1));
            }
        }
        return literals;
    }

    /** The first (default-profile) document of a YAML file, flattened to dotted keys. */
    @SuppressWarnings("unchecked")
    static Map<String, String> yamlKeys(Path yaml) throws IOException {
        Map<String, String> flat = new TreeMap<>();
        try (Reader r = Files.newBufferedReader(yaml, StandardCharsets.UTF_8)) {
            for (Object doc : new Yaml().loadAll(r)) {
                flatten("", (Map<String, Object>) doc, flat);
                break;
            }
        }
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, String> flat) {
        map.forEach(
                (k, v) -> {
                    String key = prefix.isEmpty() ? k : prefix + "." + k;
                    if (v instanceof Map<?, ?> m) {
                        flatten(key, (Map<String, Object>) m, flat);
                    } else {
                        flat.put(key, v == null ? "" : String.valueOf(v));
                    }
                });
    }

    static List<Path> javaSources() throws IOException {
        List<Path> all = new ArrayList<>(files(Path.of("src/main/java"), ".java"));
        all.addAll(files(Path.of("kofu-tools/src/main/java"), ".java"));
        return all;
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
