package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The three statements of the interface agree: the OpenAPI document the hub serves, the REST routes
 * it runs, the request fields the code accepts, and the codes of
 * docs/interfaces/issuance-centre.md.
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class OpenApiContractTest extends HubTestBase {

    @Autowired CamelContext camel;

    @SuppressWarnings("unchecked")
    Map<String, Object> served() throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(baseUrl() + "/api/v1/openapi.yaml"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        return (Map<String, Object>)
                new Yaml(new SafeConstructor(new LoaderOptions())).load(r.body());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServedDocumentDescribesExactlyTheRunningRoutes() throws Exception {
        Map<String, Object> paths = (Map<String, Object>) served().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach(
                (path, ops) ->
                        ((Map<String, Object>) ops)
                                .keySet()
                                .forEach(m -> documented.add(m.toUpperCase() + " " + path)));
        Set<String> running = new TreeSet<>();
        for (RestDefinition rest :
                camel.getCamelContextExtension()
                        .getContextPlugin(Model.class)
                        .getRestDefinitions()) {
            String path = camel.resolvePropertyPlaceholders(rest.getPath());
            if (!"/api/v1".equals(path)) {
                // the one other REST API: the printout key sets and page, documented in
                // docs/interfaces/printout-code.md (issue #21), not part of the centre's API
                assertThat(rest.getId()).as(path).isEqualTo("printout-api");
                continue;
            }
            for (VerbDefinition v : rest.getVerbs()) {
                running.add(v.asVerb().toUpperCase() + " " + v.getPath());
            }
        }
        assertThat(running).isEqualTo(documented);
    }

    @Test
    @SuppressWarnings("unchecked")
    void requestFieldsAreTheOnesTheCodeAccepts() throws Exception {
        Map<String, Object> schemas =
                (Map<String, Object>)
                        ((Map<String, Object>) served().get("components")).get("schemas");
        assertThat(properties(schemas, "IssueRequest")).isEqualTo(IssuanceRequest.FIELDS);
        assertThat(properties(schemas, "AvailabilityRequest")).isEqualTo(IssuanceRequest.FIELDS);
        assertThat(properties(schemas, "CompletionRequest"))
                .isEqualTo(IssuanceRequest.COMPLETION_FIELDS);
        assertThat(properties(schemas, "Options")).isEqualTo(IssuanceRequest.OPTIONS);
        assertThat((List<String>) ((Map<String, Object>) schemas.get("Kind")).get("enum"))
                .containsExactlyInAnyOrderElementsOf(IssuanceRules.KNOWN_KINDS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCodeIsInBothDocumentsAndEveryRefusalHasOne() throws Exception {
        Map<String, Object> schemas =
                (Map<String, Object>)
                        ((Map<String, Object>) served().get("components")).get("schemas");
        Set<String> openapi =
                new TreeSet<>(
                        (List<String>) ((Map<String, Object>) schemas.get("Code")).get("enum"));
        Matcher m =
                Pattern.compile("(?m)^\\| (\\d{3}) \\| `([A-Z_0-9]+)` \\|")
                        .matcher(Files.readString(Path.of("docs/interfaces/issuance-centre.md")));
        Set<String> markdown = new TreeSet<>();
        while (m.find()) {
            markdown.add(m.group(2));
        }
        assertThat(openapi).isEqualTo(markdown);
        Set<String> refusals =
                java.util.Arrays.stream(RefusalCode.values())
                        .map(Enum::name)
                        .collect(Collectors.toSet());
        assertThat(openapi).containsAll(refusals);
        // every code the issuance package can answer with is documented
        Set<String> thrown = new TreeSet<>();
        try (var files = Files.list(Path.of("src/main/java/jp/kofuhub/issuance"))) {
            for (Path f : files.toList()) {
                Matcher c = Pattern.compile("\"([A-Z][A-Z_]{6,})\"").matcher(Files.readString(f));
                while (c.find()) {
                    thrown.add(c.group(1));
                }
            }
        }
        thrown.removeAll(
                Set.of(
                        "ISSUING",
                        "ISSUED",
                        "CHECKED",
                        "REFUSED",
                        "VOIDED",
                        "PRINTED",
                        "PRINT_FAILED",
                        "CANCELLED",
                        "ABANDONED",
                        "EXPIRED",
                        "JUMINHYO",
                        "JUMINHYO_KISAI",
                        "SHOTOKU",
                        "SHOTOKU_KAZEI",
                        "KOSEKI_ZENBU",
                        "KOSEKI_KOJIN",
                        "KOSEKI_FUHYO",
                        // the prefix of the 戸籍 kinds (IssuanceRules: known down), not a code
                        "KOSEKI_",
                        // the koseki server's own codes (docs/interfaces/koseki-server.md), mapped
                        // before they reach the centre
                        "KAISEI_GENKOSEKI",
                        "NOTIFICATION_PENDING",
                        "UNKNOWN_PERSON"));
        assertThat(openapi).containsAll(thrown);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> properties(Map<String, Object> schemas, String name) {
        return ((Map<String, Object>) ((Map<String, Object>) schemas.get(name)).get("properties"))
                .keySet();
    }
}
