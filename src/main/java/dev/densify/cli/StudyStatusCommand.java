package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.study.PostgresStudyStore;
import dev.densify.study.SharedStudyStorage;
import dev.densify.study.StorageUrl;
import dev.densify.study.StudyStorage;
import dev.densify.study.StudyStore;
import dev.densify.study.TrialRecord;
import dev.densify.study.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code densify study status}: a study's workers and trials, read-only, beside running workers.
 * A shared study's worker shows as lost as soon as its silence exceeds its grace period, even
 * before a claim gives its trial up.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show a study's workers and its running, pending, complete and failed trials.")
final class StudyStatusCommand implements Callable<Integer> {

    @ParentCommand
    StudyCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--storage", paramLabel = "URL", description = "sqlite:PATH or postgresql://user@host:port/db.")
    String storage;

    @Option(names = "--study-name", paramLabel = "NAME", description = "The study in a PostgreSQL storage "
            + "(default: the name of --out).")
    String studyName;

    @Option(names = "--out", paramLabel = "RUN", description = "A run directory (its study.db, or the default study name).")
    Path out;

    @Option(names = "--json", description = "Print the status as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        StorageUrl url = StudyCommand.storage(spec, storage, out);
        if (url == null) {
            throw new ParameterException(spec.commandLine(), "give --storage URL (or --out RUN for its study.db)");
        }
        String name = studyName != null ? studyName : out != null ? out.toAbsolutePath().normalize().getFileName().toString() : null;
        if (url.shared() && name == null) {
            throw new ParameterException(spec.commandLine(), "give --study-name NAME for a PostgreSQL storage");
        }
        try (StudyStorage store = url.shared() ? PostgresStudyStore.open(url, name, null, false)
                : StudyStore.openReadOnly(url.sqlite())) {
            List<TrialRecord> trials = store.trials();
            if (json) {
                Json.print(parent.main.out(), toJson(store, trials));
            } else {
                print(parent.main.out(), store, trials);
            }
        }
        return 0;
    }

    private static long count(List<TrialRecord> trials, TrialState state) {
        return trials.stream().filter(t -> t.state() == state).count();
    }

    private static void print(PrintStream o, StudyStorage store, List<TrialRecord> trials) {
        o.printf(Locale.ROOT, "study %s: budget %d trials; %d complete, %d failed, %d running, %d pending%n",
                store.location(), store.config().trials(), count(trials, TrialState.COMPLETE),
                count(trials, TrialState.FAILED), count(trials, TrialState.RUNNING), count(trials, TrialState.PENDING));
        Map<Integer, String> ranBy = Map.of();
        Map<Integer, Integer> retries = Map.of();
        if (store instanceof SharedStudyStorage shared) {
            ranBy = shared.trialWorkers();
            retries = shared.retries();
            List<SharedStudyStorage.Worker> workers = shared.workers();
            o.printf(Locale.ROOT, "workers (%d):%n", workers.size());
            for (SharedStudyStorage.Worker w : workers) {
                Map<Integer, String> by = ranBy;
                String running = trials.stream().filter(t -> t.state() == TrialState.RUNNING)
                        .filter(t -> w.id().equals(by.get(t.number())))
                        .map(t -> Integer.toString(t.number())).reduce((a, b) -> a + "," + b).orElse("-");
                o.printf(Locale.ROOT, "  %-28s %-8s last heartbeat %.1fs ago (grace %.1fs)  host %s pid %d  running %s%n",
                        w.id(), w.state(), w.sinceHeartbeat().toMillis() / 1000.0, w.grace().toMillis() / 1000.0,
                        w.host(), w.pid(), running);
            }
        }
        o.println("trials:");
        for (TrialRecord t : trials) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %4d  %-8s  %-14s", t.number(), t.state(),
                    t.origin()));
            if (t.state() == TrialState.COMPLETE) {
                line.append(String.format(Locale.ROOT, "  objective %.6g", t.objective()));
            }
            if (ranBy.containsKey(t.number())) {
                line.append("  worker ").append(ranBy.get(t.number()));
            }
            if (retries.containsKey(t.number())) {
                line.append("  retried as ").append(retries.get(t.number()));
            }
            if (t.error() != null) {
                String e = t.error();
                line.append("  ").append(e.length() > 160 ? e.substring(0, 160) + "…" : e);
            }
            o.println(line);
        }
    }

    private static ObjectNode toJson(StudyStorage store, List<TrialRecord> trials) {
        ObjectNode n = dev.densify.engine.Json.MAPPER.createObjectNode();
        n.put("study", store.location());
        n.put("budget", store.config().trials());
        for (TrialState s : TrialState.values()) {
            n.put(s.name().toLowerCase(Locale.ROOT), count(trials, s));
        }
        Map<Integer, String> ranBy = Map.of();
        if (store instanceof SharedStudyStorage shared) {
            ranBy = shared.trialWorkers();
            ArrayNode workers = n.putArray("workers");
            for (SharedStudyStorage.Worker w : shared.workers()) {
                ObjectNode x = workers.addObject();
                x.put("id", w.id());
                x.put("host", w.host());
                x.put("pid", w.pid());
                x.put("state", w.state());
                x.put("seconds_since_heartbeat", w.sinceHeartbeat().toMillis() / 1000.0);
                x.put("grace_seconds", w.grace().toMillis() / 1000.0);
            }
            ObjectNode r = n.putObject("retries");
            shared.retries().forEach((lost, retry) -> r.put(Integer.toString(lost), retry));
        }
        ArrayNode list = n.putArray("trials");
        for (TrialRecord t : trials) {
            ObjectNode x = list.addObject();
            x.put("number", t.number());
            x.put("state", t.state().name());
            x.put("origin", t.origin());
            if (t.state() == TrialState.COMPLETE) {
                x.put("objective", t.objective());
            }
            if (ranBy.containsKey(t.number())) {
                x.put("worker", ranBy.get(t.number()));
            }
            if (t.error() != null) {
                x.put("error", t.error());
            }
        }
        return n;
    }
}
