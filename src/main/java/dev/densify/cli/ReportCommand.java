package dev.densify.cli;

import dev.densify.study.StudyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code densify report RUN}: writes {@code RUN/report.html} for a study ({@link StudyReport}),
 * prints a short summary on stderr and, with {@code --json}, the summary as JSON on stdout. Reads
 * the study database read-only: it may run while the study does.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write RUN/report.html for a study: best weights, trials, GP posterior, learning curves.")
final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN", description = "The study's run directory.")
    Path run;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StudyReport.Summary summary = StudyReport.write(run);
        main.err().print(summary.text());
        if (json) {
            Json.print(main.out(), summary.toJson());
        }
        return 0;
    }
}
