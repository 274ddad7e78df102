package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route file validates against the YAML DSL schema of the Camel version on the classpath
 * ({@code schema/camelYamlDsl.json} in camel-yaml-dsl, the schema Kaoto, Karavan and VS Code YAML
 * use), so an editor shows no false errors. The one exception allowed: a {@code {{placeholder}}} in
 * a field the schema types as boolean or number (Camel resolves it before the type matters).
 */
class RouteSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in =
                YamlRoutesBuilderLoader.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            assertThat(in).as("camelYamlDsl.json in camel-yaml-dsl").isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            schema =
                    SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                            .getSchema(json, InputFormat.JSON);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("routes"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(files).isNotEmpty();
            return files.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void validatesAgainstTheYamlDslSchema(Path file) throws IOException {
        JsonNode routes = YAML.readTree(file.toFile());
        List<String> errors = new ArrayList<>();
        for (Error e : schema.validate(routes)) {
            if (placeholderInTypedField(e)) {
                continue;
            }
            errors.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        assertThat(errors).as(file.toString()).isEmpty();
    }

    /** A {{placeholder}} where the schema wants a boolean or a number. */
    private static boolean placeholderInTypedField(Error e) {
        JsonNode value = e.getInstanceNode();
        return "type".equals(e.getKeyword())
                && value != null
                && value.isTextual()
                && value.asText().matches("\\{\\{[^}]+}}");
    }
}
