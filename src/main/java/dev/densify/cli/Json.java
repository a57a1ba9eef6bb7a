package dev.densify.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;

/** Machine output: one JSON document on stdout. */
final class Json {


    private Json() {
    }

    static ObjectNode object() {
        return dev.densify.engine.Json.MAPPER.createObjectNode();
    }

    static void print(PrintStream out, Object value) {
        try {
            out.println(dev.densify.engine.Json.pretty().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise output", e);
        }
    }
}
