package jp.kofuhub.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.jmx.annotation.EndpointJmxExtension;
import org.springframework.boot.actuate.health.HealthEndpoint;

/**
 * The health endpoint's JMX operation in the shape Hawtio's Spring Boot → Health page reads (issue
 * #19): {@code {"status", "components": {name: {"status", "details": {key: value}}}}} where a
 * detail is text, or a map whose values are text. Hawtio 5 renders nothing deeper: a list, a number
 * or a map one level further down made the page blank ({@code TypeError: e.map is not a function});
 * the hub's components (replica sources, keys, inbox) nest deeper. Deeper values are given as JSON
 * text; a composite component (several datasources) lists its parts' statuses. The same health the
 * web endpoint answers, nothing more: the console's policy ({@link JolokiaAccess}) lets viewers and
 * operators run this one read-only operation of Spring Boot's MBeans.
 */
@EndpointJmxExtension(endpoint = HealthEndpoint.class)
public class HawtioHealth {

    private final HealthEndpoint health;
    private final ObjectMapper json;

    public HawtioHealth(HealthEndpoint health, ObjectMapper json) {
        this.health = health;
        this.json = json;
    }

    @ReadOperation
    public Map<String, Object> health() {
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = json.convertValue(health.health(), Map.class);
        return flatten(raw, json);
    }

    /** {@code raw} (the web endpoint's JSON as maps) in Hawtio's shape. */
    static Map<String, Object> flatten(Map<String, Object> raw, ObjectMapper json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", String.valueOf(raw.get("status")));
        Map<String, Object> components = new LinkedHashMap<>();
        if (raw.get("components") instanceof Map<?, ?> cs) {
            cs.forEach((name, c) -> components.put(String.valueOf(name), component(c, json)));
        }
        out.put("components", components);
        return out;
    }

    private static Map<String, Object> component(Object c, ObjectMapper json) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!(c instanceof Map<?, ?> m)) {
            out.put("status", String.valueOf(c));
            return out;
        }
        out.put("status", String.valueOf(m.get("status")));
        Map<String, Object> details = new LinkedHashMap<>();
        if (m.get("details") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> details.put(String.valueOf(k), detail(v, json)));
        }
        if (m.get("components") instanceof Map<?, ?> parts) {
            parts.forEach(
                    (k, v) ->
                            details.put(
                                    String.valueOf(k),
                                    v instanceof Map<?, ?> p
                                            ? String.valueOf(p.get("status"))
                                            : String.valueOf(v)));
        }
        if (!details.isEmpty()) {
            out.put("details", details);
        }
        return out;
    }

    /** Text, or a map of text. */
    private static Object detail(Object v, ObjectMapper json) {
        if (v instanceof Map<?, ?> m) {
            Map<String, String> one = new LinkedHashMap<>();
            m.forEach((k, x) -> one.put(String.valueOf(k), text(x, json)));
            return one;
        }
        if (v instanceof List<?> l) {
            Map<String, String> one = new LinkedHashMap<>();
            for (int i = 0; i < l.size(); i++) {
                one.put(Integer.toString(i + 1), text(l.get(i), json));
            }
            return one;
        }
        return text(v, json);
    }

    private static String text(Object v, ObjectMapper json) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        try {
            return json.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
