package dev.densify.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a comma-separated list of token ids ("1,2,3") strictly: non-negative ints, nothing else. */
final class TokenIds implements ITypeConverter<int[]> {

    @Override
    public int[] convert(String value) {
        if (value.isEmpty()) {
            throw new TypeConversionException("empty token id list");
        }
        String[] parts = value.split(",", -1);
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (!part.matches("[0-9]+")) {
                throw new TypeConversionException("'" + part + "' in '" + value
                        + "' is not a token id (expected comma-separated non-negative integers)");
            }
            try {
                ids[i] = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("token id " + part + " in '" + value + "' is too large");
            }
        }
        return ids;
    }
}
