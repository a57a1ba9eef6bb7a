package dev.densify.cli;

import dev.densify.study.PostgresStudyStore;
import dev.densify.study.StorageUrl;
import dev.densify.study.StudyReport;
import dev.densify.study.StudyStorage;
import dev.densify.study.StudyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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

    @Option(names = "--storage", paramLabel = "URL", description = "The study's storage when it is not RUN/study.db: "
            + "sqlite:PATH or postgresql://user@host:port/db (read-only; the trials' files are those under RUN).")
    String storage;

    @Option(names = "--study-name", paramLabel = "NAME", description = "The study in a PostgreSQL storage (default: "
            + "the name of RUN).")
    String studyName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StudyReport.Summary summary;
        if (storage == null) {
            if (studyName != null) {
                throw new ParameterException(spec.commandLine(), "--study-name needs --storage postgresql://…");
            }
            summary = StudyReport.write(run);
        } else {
            StorageUrl url = StudyCommand.storage(spec, storage, run);
            String name = studyName != null ? studyName : run.toAbsolutePath().normalize().getFileName().toString();
            try (StudyStorage store = url.shared() ? PostgresStudyStore.open(url, name, null, false)
                    : StudyStore.openReadOnly(url.sqlite())) {
                java.nio.file.Files.createDirectories(run);
                summary = StudyReport.write(run, store);
            }
        }
        main.err().print(summary.text());
        if (json) {
            Json.print(main.out(), summary.toJson());
        }
        return 0;
    }
}
