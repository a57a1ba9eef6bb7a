package dev.densify.cli;

import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskSize;
import dev.densify.task.TaskJson;
import dev.densify.task.reviews.ReviewsTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code densify prepare}: builds a task directory (data, SFT policy, reward model, summary), or
 * reuses a complete one with the same parameters. Progress and the human summary go to stderr;
 * {@code --json} prints summary.json to stdout.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Prepare a built-in task: data splits and prompts, an SFT policy and a reward model, "
                + "with a quality summary.",
                "Same seed and size give the same files byte for byte (timings.json aside). A complete directory "
                        + "with the same parameters is reused; an incomplete one is rebuilt; one with other parameters "
                        + "is an error unless --force.",
                "--threads 2 or more (the default on a multi-core machine) trains the policy and the reward model "
                        + "concurrently, one core each; --threads 1 one after the other. The files are the same."})
final class PrepareCommand implements Callable<Integer> {

    /** The built-in tasks. */
    static final List<String> TASKS = List.of("reviews");

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "The task: reviews.")
    String task;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The task directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of every random choice (default: 0).")
    long seed;

    @Option(names = "--size", defaultValue = "default", paramLabel = "small|default",
            description = "small (fast, for tests) or default (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--force", description = "Rebuild even if DIR holds a complete task (same or other parameters).")
    boolean force;

    @Option(names = "--json", description = "Print summary.json on stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (!TASKS.contains(task)) {
            throw new ParameterException(spec.commandLine(), "--task: unknown task '" + task + "'; available: "
                    + String.join(", ", TASKS));
        }
        TaskSize taskSize;
        try {
            taskSize = TaskSize.fromId(size);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--size: " + e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out: " + out + " exists and is not a directory");
        }
        main.configureEngineForLongWork();
        PrepareOptions options = new PrepareOptions(seed, taskSize, main.threadsOption(), main.device(), force,
                main.err());
        ReviewsTask.Prepared prepared = ReviewsTask.prepare(out, options);
        if (json) {
            main.out().print(new String(TaskJson.bytes(prepared.summary().toJson()), StandardCharsets.UTF_8));
            main.out().flush();
        }
        return 0;
    }
}
