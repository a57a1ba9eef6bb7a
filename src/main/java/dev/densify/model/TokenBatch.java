package dev.densify.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rectangular batch of token ids with an attention mask (1 = real token, 0 = padding).
 * Validated and deep-copied on construction, so it is immutable; the accessors return copies.
 * Token ids are not range-checked here: the native engine checks them against the model.
 *
 * @param ids  [batch][seqLen] token ids
 * @param mask [batch][seqLen] 0/1; every row has at least one 1
 */
public record TokenBatch(int[][] ids, int[][] mask) {

    public TokenBatch {
        ids = copy("ids", ids, -1);
        mask = copy("mask", mask, ids.length);
        int seqLen = ids[0].length;
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != seqLen) {
                throw new IllegalArgumentException("ids is ragged: row " + b + " has " + ids[b].length
                        + " tokens, row 0 has " + seqLen);
            }
            if (mask[b].length != seqLen) {
                throw new IllegalArgumentException("mask row " + b + " has " + mask[b].length
                        + " entries, ids rows have " + seqLen);
            }
            boolean any = false;
            for (int t = 0; t < seqLen; t++) {
                int m = mask[b][t];
                if (m != 0 && m != 1) {
                    throw new IllegalArgumentException("mask[" + b + "][" + t + "] must be 0 or 1, got " + m);
                }
                any |= m == 1;
            }
            if (!any) {
                throw new IllegalArgumentException("mask row " + b + " has no 1: every row needs a real token");
            }
        }
    }

    /** A batch without padding: every mask entry is 1. */
    public static TokenBatch of(int[][] ids) {
        requireRows("ids", ids);
        int[][] mask = new int[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            mask[b] = new int[ids[b] == null ? 0 : ids[b].length];
            Arrays.fill(mask[b], 1);
        }
        return new TokenBatch(ids, mask);
    }

    /** Pads each sequence on the right with {@code padId} (mask 0) to the longest length. */
    public static TokenBatch rightPadded(int[][] sequences, int padId) {
        return padded(sequences, padId, false);
    }

    /** Pads each sequence on the left with {@code padId} (mask 0) to the longest length. */
    public static TokenBatch leftPadded(int[][] sequences, int padId) {
        return padded(sequences, padId, true);
    }

    private static TokenBatch padded(int[][] sequences, int padId, boolean left) {
        requireRows("sequences", sequences);
        int seqLen = 0;
        for (int b = 0; b < sequences.length; b++) {
            if (sequences[b] == null) {
                throw new IllegalArgumentException("sequences[" + b + "] is null");
            }
            if (sequences[b].length == 0) {
                throw new IllegalArgumentException("sequences[" + b + "] is empty");
            }
            seqLen = Math.max(seqLen, sequences[b].length);
        }
        int[][] ids = new int[sequences.length][seqLen];
        int[][] mask = new int[sequences.length][seqLen];
        for (int b = 0; b < sequences.length; b++) {
            int n = sequences[b].length;
            int start = left ? seqLen - n : 0;
            Arrays.fill(ids[b], padId);
            System.arraycopy(sequences[b], 0, ids[b], start, n);
            Arrays.fill(mask[b], start, start + n, 1);
        }
        return new TokenBatch(ids, mask);
    }

    private static void requireRows(String name, int[][] rows) {
        Objects.requireNonNull(rows, name);
        if (rows.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static int[][] copy(String name, int[][] rows, int expectedRows) {
        requireRows(name, rows);
        if (expectedRows >= 0 && rows.length != expectedRows) {
            throw new IllegalArgumentException(name + " has " + rows.length + " rows, ids has " + expectedRows);
        }
        int[][] copy = new int[rows.length][];
        for (int b = 0; b < rows.length; b++) {
            if (rows[b] == null) {
                throw new IllegalArgumentException(name + "[" + b + "] is null");
            }
            if (rows[b].length == 0) {
                throw new IllegalArgumentException(name + "[" + b + "] is empty");
            }
            copy[b] = rows[b].clone();
        }
        return copy;
    }

    /** Number of rows. */
    public int batchSize() {
        return ids.length;
    }

    /** Length of every row. */
    public int seqLen() {
        return ids[0].length;
    }

    /** A copy of the ids. */
    @Override
    public int[][] ids() {
        return deepCopy(ids);
    }

    /** A copy of the mask. */
    @Override
    public int[][] mask() {
        return deepCopy(mask);
    }

    private static int[][] deepCopy(int[][] rows) {
        int[][] copy = new int[rows.length][];
        for (int b = 0; b < rows.length; b++) {
            copy[b] = rows[b].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenBatch other && Arrays.deepEquals(ids, other.ids) && Arrays.deepEquals(mask, other.mask);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(ids) + Arrays.deepHashCode(mask);
    }

    @Override
    public String toString() {
        return "TokenBatch[batch=" + batchSize() + ", seqLen=" + seqLen() + "]";
    }

    /** The ids without a copy, for the native calls of this package's models. */
    int[][] rawIds() {
        return ids;
    }

    /** The mask without a copy, for the native calls of this package's models. */
    int[][] rawMask() {
        return mask;
    }
}
