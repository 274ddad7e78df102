package jp.kofuhub.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the operators' small commands without a JSON library: {@link #parse} reads an answer of
 * the hub into {@code Map} (objects, in order), {@code List}, {@code String}, {@code Double} or
 * {@code Long}, {@code Boolean} and {@code null}; {@link #quote} writes a string. The commands use
 * only the JDK so that they start in a fraction of a second (issue #19: the emergency stop).
 */
public final class JsonText {

    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    /**
     * The value of {@code text}.
     *
     * @throws IllegalArgumentException when it is not JSON
     */
    public static Object parse(String text) {
        JsonText p = new JsonText(text == null ? "" : text);
        Object v = p.value();
        p.space();
        if (p.i != p.s.length()) {
            throw p.bad("text after the value");
        }
        return v;
    }

    /** {@code text} as a JSON string, with quotes. */
    public static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The member {@code name} of {@code object} when it is a JSON object, else null. */
    public static Object get(Object object, String name) {
        return object instanceof Map<?, ?> m ? m.get(name) : null;
    }

    /** The member as text, or null when absent or not a string. */
    public static String text(Object object, String name) {
        return get(object, name) instanceof String t ? t : null;
    }

    private Object value() {
        space();
        if (i >= s.length()) {
            throw bad("unexpected end");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        space();
        if (peek('}')) {
            i++;
            return m;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw bad("a member name");
            }
            String name = string();
            space();
            expect(':');
            m.put(name, value());
            space();
            if (peek(',')) {
                i++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        i++;
        space();
        if (peek(']')) {
            i++;
            return l;
        }
        while (true) {
            l.add(value());
            space();
            if (peek(',')) {
                i++;
            } else {
                expect(']');
                return l;
            }
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        i++;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw bad("a \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        throw bad("an unterminated string");
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String n = s.substring(start, i);
        if (n.isEmpty()) {
            throw bad("a value");
        }
        try {
            return n.matches("-?\\d+")
                    ? (Object) Long.parseLong(n)
                    : (Object) Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw bad("a number");
        }
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, i)) {
            throw bad(word);
        }
        i += word.length();
        return value;
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw bad("'" + c + "'");
        }
        i++;
    }

    private IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("not JSON: expected " + what + " at " + i);
    }
}
