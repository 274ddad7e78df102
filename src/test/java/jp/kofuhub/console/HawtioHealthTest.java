package jp.kofuhub.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #19: the health answer in the shape Hawtio's Health page reads — every detail text or a map
 * of text (Hawtio 5 failed with "e.map is not a function" on anything deeper, on lists and on
 * numbers one level down).
 */
class HawtioHealthTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void detailsAreTextOrMapsOfText() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> raw =
                json.readValue(
                        """
                        {"status":"DOWN","components":{
                          "replica":{"status":"UP","details":{"maxAge":"PT30M","sources":{
                              "012343/JUKI":{"lastSequence":7,"stale":false}},"gaps":[]}},
                          "koseki":{"status":"UNKNOWN","details":{"municipalities":["012343","990002"]}},
                          "diskSpace":{"status":"UP","details":{"total":100,"free":60,"exists":true}},
                          "db":{"status":"UP","components":{"a":{"status":"UP"},"b":{"status":"DOWN"}}},
                          "ping":{"status":"UP"}}}
                        """,
                        Map.class);
        Map<String, Object> h = HawtioHealth.flatten(raw, json);
        assertThat(h.get("status")).isEqualTo("DOWN");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> c = (Map<String, Map<String, Object>>) h.get("components");
        for (Map<String, Object> component : c.values()) {
            assertThat(component.get("status")).isInstanceOf(String.class);
            if (component.get("details") instanceof Map<?, ?> details) {
                details.values()
                        .forEach(
                                v -> {
                                    if (v instanceof Map<?, ?> m) {
                                        assertThat(m.values())
                                                .allSatisfy(
                                                        x ->
                                                                assertThat(x)
                                                                        .isInstanceOf(
                                                                                String.class));
                                    } else {
                                        assertThat(v).isInstanceOf(String.class);
                                    }
                                });
            }
        }
        assertThat(c.get("replica").get("details"))
                .isEqualTo(
                        Map.of(
                                "maxAge",
                                "PT30M",
                                "sources",
                                Map.of("012343/JUKI", "{\"lastSequence\":7,\"stale\":false}"),
                                "gaps",
                                Map.of()));
        assertThat(c.get("koseki").get("details"))
                .isEqualTo(Map.of("municipalities", Map.of("1", "012343", "2", "990002")));
        assertThat(c.get("diskSpace").get("details"))
                .isEqualTo(Map.of("total", "100", "free", "60", "exists", "true"));
        assertThat(c.get("db").get("details")).isEqualTo(Map.of("a", "UP", "b", "DOWN"));
        assertThat(c.get("ping")).doesNotContainKey("details");
    }
}
