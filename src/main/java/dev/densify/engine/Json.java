package dev.densify.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.stream.Collectors;

/**
 * The one Jackson mapper of densify: every JSON file, configuration and message goes through it
 * (the determinism of the files written depends on there being one). It writes in Jackson's
 * default form; it binds strictly: unknown keys, {@code null} for a number or flag, a fraction for
 * an integer, a string for a number and a key given twice in one object are errors. Thread-safe; never reconfigure it.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /** Jackson's default pretty printer (two-space indent, {@code " : "} separators). */
    public static ObjectWriter pretty() {
        return PRETTY;
    }

    /**
     * Binds a JSON object to a configuration record, whose constructor validates it.
     *
     * @param source names the input in messages (a file, "overrides")
     * @param what   names the kind of setting in messages ("PPO")
     * @throws IllegalArgumentException {@code "<source>: <key> ..."} for an unknown key, a value of
     *                                  the wrong type or one the record refuses
     */
    public static <T> T bind(JsonNode node, Class<T> type, String source, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + ": a " + what + " configuration must be a JSON object");
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown " + what + " setting '" + e.getPropertyName() + "'", e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String key = key(e);
            throw new IllegalArgumentException(source + ": " + (key.isEmpty() ? "" : key + ": ")
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        } catch (MismatchedInputException e) {
            String key = key(e);
            JsonNode given = key.isEmpty() ? node : node.at("/" + key.replace(".", "/"));
            throw new IllegalArgumentException(source + ": " + key + " must be " + expected(e.getTargetType())
                    + ", got " + given, e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": " + excerpt(e.getOriginalMessage()), e);
        }
    }

    /**
     * A parser's message fit for one line of an error: control and non-ASCII characters escaped
     * (a binary file's bytes quoted by the parser stay readable), at most 160 characters.
     */
    public static String excerpt(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < message.length() && sb.length() < 160; i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.length() >= 160 ? sb.substring(0, 160) + "…" : sb.toString();
    }

    /**
     * A JSON value that a creator ({@code @JsonCreator}) receives, required to be a string.
     *
     * @param forms the accepted forms, for the message
     */
    public static String text(Object value, String forms) {
        if (value instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("must be " + forms + ", got " + value);
    }

    private static String key(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("."));
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer (" + type.getSimpleName() + ")";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number (" + type.getSimpleName() + ")";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return type == null ? "of another type" : "a " + type.getSimpleName();
    }
}
