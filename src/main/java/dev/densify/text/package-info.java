/**
 * Tokenisers and vocabularies: {@link dev.densify.text.WordTokenizer} (word level, fixed
 * special ids) and {@link dev.densify.text.AtomicFiles} (temp-then-rename writes of the files
 * they and the data sets produce).
 */
package dev.densify.text;
