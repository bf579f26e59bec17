package dev.uvgem.core.trace;

import java.util.Map;

/**
 * Builds one JSON object as text, field by field: the small writer the trace and the demo's summary use (no JSON
 * library in the main code).
 *
 * <pre>{@code
 * String s = new JsonText().field("name", "flip").field("ts", 12).raw("args", inner.toString()).toString();
 * }</pre>
 *
 * <p>Thread-safety: not thread-safe; one builder per object.
 */
public final class JsonText {
    private final StringBuilder out = new StringBuilder("{");

    /** Starts an empty object. */
    public JsonText() {}

    /** Adds a string field (null writes JSON null). */
    public JsonText field(String name, String value) {
        return raw(name, value == null ? "null" : quote(value));
    }

    /** Adds an integer field. */
    public JsonText field(String name, long value) {
        return raw(name, Long.toString(value));
    }

    /** Adds a boolean field. */
    public JsonText field(String name, boolean value) {
        return raw(name, Boolean.toString(value));
    }

    /** Adds an object of string fields. */
    public JsonText field(String name, Map<String, String> values) {
        JsonText inner = new JsonText();
        values.forEach(inner::field);
        return raw(name, inner.toString());
    }

    /** Adds a field whose value is already JSON text (a number, an object, an array). */
    public JsonText raw(String name, String json) {
        if (out.length() > 1) {
            out.append(',');
        }
        out.append(quote(name)).append(':').append(json);
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    /** Returns {@code s} as a JSON string literal, escaping quotes, backslashes and control characters. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
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

    /** Returns nanoseconds as the microseconds the trace format counts in, with three decimals. */
    public static String micros(long nanos) {
        long abs = Math.abs(nanos);
        String frac = Long.toString(1000 + abs % 1000).substring(1);
        return (nanos < 0 ? "-" : "") + abs / 1000 + "." + frac;
    }
}
