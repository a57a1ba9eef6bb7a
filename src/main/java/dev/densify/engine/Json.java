package dev.densify.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one Jackson mapper of densify, in Jackson's default configuration: every JSON file,
 * configuration and message goes through it (the determinism of the files written depends on
 * there being one). Thread-safe; never reconfigure it.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /** Jackson's default pretty printer (two-space indent, {@code " : "} separators). */
    public static ObjectWriter pretty() {
        return PRETTY;
    }
}
