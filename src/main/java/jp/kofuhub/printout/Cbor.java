package jp.kofuhub.printout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of CBOR (RFC 8949) the printout code uses, written by hand so its bytes are exact
 * and documented (docs/interfaces/printout-code.md §3): unsigned and negative integers, byte and
 * text strings, arrays, maps and one tag. Encoding is deterministic (RFC 8949 §4.2.1): shortest
 * lengths, definite lengths only, map keys sorted by their encoded bytes. The decoder takes only
 * that subset, so a code with anything else (floats, indefinite lengths, duplicate keys, trailing
 * bytes, nesting deeper than 8) is malformed.
 *
 * <p>Values map to Java as: {@code Long}, {@code String}, {@code byte[]}, {@code List<Object>},
 * {@code Map<Object, Object>} (keys {@code Long} or {@code String}) and {@link Tagged}.
 */
public final class Cbor {

    private Cbor() {}

    /** A tagged item (major type 6). */
    public record Tagged(long tag, Object value) {}

    /** A CBOR input that is not in the subset this format uses. */
    public static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message);
        }
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof Integer i) {
            v = i.longValue();
        }
        if (v instanceof Long n) {
            if (n >= 0) {
                head(out, 0, n);
            } else {
                head(out, 1, -1 - n);
            }
        } else if (v instanceof byte[] b) {
            head(out, 2, b.length);
            out.writeBytes(b);
        } else if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, b.length);
            out.writeBytes(b);
        } else if (v instanceof List<?> list) {
            head(out, 4, list.size());
            for (Object e : list) {
                write(out, e);
            }
        } else if (v instanceof Map<?, ?> map) {
            List<byte[][]> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                entries.add(new byte[][] {encode(e.getKey()), encode(e.getValue())});
            }
            entries.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
            head(out, 5, entries.size());
            for (byte[][] e : entries) {
                out.writeBytes(e[0]);
                out.writeBytes(e[1]);
            }
        } else if (v instanceof Tagged t) {
            head(out, 6, t.tag());
            write(out, t.value());
        } else {
            throw new IllegalArgumentException(
                    "no CBOR encoding for " + (v == null ? "null" : v.getClass().getName()));
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int m = major << 5;
        if (n < 24) {
            out.write(m | (int) n);
        } else if (n < 0x100) {
            out.write(m | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(m | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else if (n < 0x100000000L) {
            out.write(m | 26);
            for (int s = 24; s >= 0; s -= 8) {
                out.write((int) (n >> s));
            }
        } else {
            out.write(m | 27);
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (n >> s));
            }
        }
    }

    /** Decodes exactly one item filling all of {@code bytes}. */
    public static Object decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        Object v = r.item(0);
        if (r.pos != bytes.length) {
            throw new MalformedException("trailing bytes after the CBOR item");
        }
        return v;
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        private int u8() {
            if (pos >= b.length) {
                throw new MalformedException("CBOR item cut short");
            }
            return b[pos++] & 0xff;
        }

        private long arg(int info) {
            if (info < 24) {
                return info;
            }
            int len =
                    switch (info) {
                        case 24 -> 1;
                        case 25 -> 2;
                        case 26 -> 4;
                        case 27 -> 8;
                        default -> throw new MalformedException("indefinite or reserved length");
                    };
            long n = 0;
            for (int i = 0; i < len; i++) {
                n = (n << 8) | u8();
            }
            if (n < 0) {
                throw new MalformedException("CBOR integer too large");
            }
            long min = len == 1 ? 24 : 1L << (4 * len);
            if (n < min) {
                throw new MalformedException("CBOR length not in its shortest form");
            }
            return n;
        }

        private byte[] bytes(long n) {
            if (n > b.length - pos) {
                throw new MalformedException("CBOR string longer than its input");
            }
            byte[] out = Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        Object item(int depth) {
            if (depth > 8) {
                throw new MalformedException("CBOR nested too deep");
            }
            int initial = u8();
            int major = initial >> 5;
            long n = arg(initial & 0x1f);
            switch (major) {
                case 0:
                    return n;
                case 1:
                    return -1 - n;
                case 2:
                    return bytes(n);
                case 3:
                    try {
                        return StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(java.nio.ByteBuffer.wrap(bytes(n)))
                                .toString();
                    } catch (CharacterCodingException e) {
                        throw new MalformedException("CBOR text is not UTF-8");
                    }
                case 4:
                    {
                        if (n > b.length - pos) {
                            throw new MalformedException("CBOR array longer than its input");
                        }
                        List<Object> list = new ArrayList<>((int) n);
                        for (long i = 0; i < n; i++) {
                            list.add(item(depth + 1));
                        }
                        return list;
                    }
                case 5:
                    {
                        if (n > b.length - pos) {
                            throw new MalformedException("CBOR map longer than its input");
                        }
                        Map<Object, Object> map = new LinkedHashMap<>();
                        for (long i = 0; i < n; i++) {
                            Object k = item(depth + 1);
                            if (!(k instanceof Long || k instanceof String)) {
                                throw new MalformedException("CBOR map key not an integer or text");
                            }
                            if (map.put(k, item(depth + 1)) != null) {
                                throw new MalformedException("duplicate CBOR map key");
                            }
                        }
                        return map;
                    }
                case 6:
                    return new Tagged(n, item(depth + 1));
                default:
                    throw new MalformedException("CBOR simple values and floats are not used");
            }
        }
    }
}
