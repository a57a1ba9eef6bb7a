package dev.densify.cli;

import dev.densify.model.RewardModel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --reward-label}: which logit of a classifier is the score, a label {@code >= 0} or
 * {@code diff} (logit 1 minus logit 0 of two, the log-odds of label 1).
 */
final class RewardLabel implements ITypeConverter<Integer> {

    static final String DESCRIPTION = "Which logit of a classifier is the score (a row of a GPT-2 score head "
            + "[labels, n_embd], a column of a TorchScript module's logits [B, labels]): a label, or diff (logit 1 "
            + "minus logit 0 of two). Default: one score per row (a head of one row).";

    @Override
    public Integer convert(String value) {
        String v = value.strip();
        if (v.equals("diff")) {
            return RewardModel.LOGIT_DIFFERENCE;
        }
        try {
            int label = Integer.parseInt(v);
            if (label >= 0) {
                return label;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("must be a label >= 0 or diff, got '" + value + "'");
    }

    /** {@code --reward-label} of the commands that load a reward model. */
    static final class Option {
        @picocli.CommandLine.Option(names = "--reward-label", paramLabel = "L", converter = RewardLabel.class,
                description = DESCRIPTION)
        Integer label;

        /** The label given, or {@link RewardModel#ONLY_ROW} when none was. */
        int label() {
            return label == null ? RewardModel.ONLY_ROW : label;
        }
    }
}
