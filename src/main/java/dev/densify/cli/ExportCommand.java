package dev.densify.cli;

import dev.densify.task.reviews.ReviewsExport;
import dev.densify.task.reviews.ReviewsTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code densify export}: a prepared built-in task as Hugging Face model directories and JSONL prompts. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a prepared built-in task as the files you would bring yourself: OUT/" + ReviewsExport.POLICY_DIR
                + " and OUT/" + ReviewsExport.REWARD_DIR + " (Hugging Face GPT-2 directories with a WordLevel tokenizer.json), "
                + "OUT/" + ReviewsExport.PROMPTS_FILE + " and OUT/" + ReviewsExport.EVAL_PROMPTS_FILE + ".",
                "train --policy OUT/policy --prompts OUT/prompts.jsonl --eval-prompts OUT/eval-prompts.jsonl "
                        + "--reward-model OUT/reward then runs as train --task-dir DIR."})
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--task-dir", required = true, paramLabel = "DIR", description = "A prepared task (densify prepare).")
    Path taskDir;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Where to write; must not exist.")
    Path out;

    @Override
    public Integer call() {
        if (Files.exists(out)) {
            throw new ParameterException(spec.commandLine(), "--out: " + out + " exists; choose a new directory");
        }
        main.configureEngine();
        try (ReviewsTask task = ReviewsTask.open(taskDir, main.device())) {
            ReviewsExport.write(task, out);
        }
        main.err().println("densify: wrote " + out.resolve(ReviewsExport.POLICY_DIR) + ", "
                + out.resolve(ReviewsExport.REWARD_DIR) + ", " + out.resolve(ReviewsExport.PROMPTS_FILE) + " and "
                + out.resolve(ReviewsExport.EVAL_PROMPTS_FILE));
        return 0;
    }
}
