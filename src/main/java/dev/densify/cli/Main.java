package dev.densify.cli;

import dev.densify.engine.ComputeDtype;
import dev.densify.engine.Densify;
import dev.densify.engine.RuntimeInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code densify} command. Exit codes: 0 success, 1 runtime error (one line
 * {@code densify: error: <message>} on stderr; the stack trace too with {@code --debug} or
 * {@code DENSIFY_DEBUG=1}), 2 usage error. Machine output ({@code --json}) goes to stdout only.
 *
 * <p>Not thread-safe: one instance serves one invocation.
 */
@Command(name = "densify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "RLHF with explainable dense rewards.",
        subcommands = {InfoCommand.class, InitModelCommand.class, GenerateCommand.class, ScoreCommand.class,
                AttributeCommand.class, PrepareCommand.class, TrainCommand.class, StudyCommand.class, DemoCommand.class,
                ReportCommand.class, TokenizeCommand.class, ExportCommand.class})
public final class Main implements Runnable {

    private static final AtomicBoolean BLAS_WARNED = new AtomicBoolean();

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private String[] args = new String[0];

    @Spec
    CommandSpec spec;

    private Integer threads;
    private ComputeDtype dtype;
    private String device = "cpu";

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "libtorch intra-op threads (default: densify.threads, DENSIFY_THREADS, else all processors).")
    void threads(int n) {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + n);
        }
        threads = n;
    }

    @Option(names = "--dtype", paramLabel = "T", scope = ScopeType.INHERIT,
            description = "Element type of inference forwards' matrix products: float32 (default), bfloat16, "
                    + "float16 (CUDA only). LayerNorm, softmax, log-probs and the value and score heads stay float32; "
                    + "training and PPO steps run in float32.")
    void dtype(String t) {
        try {
            dtype = ComputeDtype.parse(t);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--dtype: " + e.getMessage());
        }
    }

    @Option(names = "--device", paramLabel = "D", scope = ScopeType.INHERIT, defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    void device(String d) {
        try {
            device = Densify.parseDevice(d);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one invocation; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        Main main = new Main(out, err, env);
        main.args = args.clone();
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> main.fail(e));
        try {
            return cl.execute(args);
        } catch (LinkageError e) {
            // e.g. a bindings holder that failed to initialise: still one line, not a JVM trace
            return main.fail(e);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int fail(Throwable e) {
        err.println("densify: error: " + message(e));
        if (debug || "1".equals(env.get("DENSIFY_DEBUG"))) {
            e.printStackTrace(err);
        }
        return 1;
    }

    private static String message(Throwable e) {
        Throwable shown = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        String message = shown.getMessage();
        if (shown instanceof UncheckedIOException && message == null && shown.getCause() != null) {
            message = shown.getCause().getMessage();
        }
        return message == null || message.isBlank() ? shown.getClass().getName() : message;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand");
    }

    // ---- what subcommands use ----------------------------------------------------------

    PrintStream out() {
        return out;
    }

    /** The environment of this invocation (the process's, or a test's). */
    Map<String, String> env() {
        return env;
    }

    /** This invocation's arguments, as given. */
    String[] args() {
        return args.clone();
    }

    PrintStream err() {
        return err;
    }

    /** The device, canonical (syntax checked; existence is checked when a model is made). */
    String device() {
        return device;
    }

    /** {@code --threads} if given, else 0. */
    int threadsOption() {
        return threads == null ? 0 : threads;
    }

    /** {@code --dtype} if given, else null. */
    ComputeDtype dtypeOption() {
        return dtype;
    }

    /** Applies {@code --threads} and {@code --dtype} if given; loads the native library. Call once inputs are validated. */
    void configureEngine() {
        if (dtype == ComputeDtype.FLOAT16 && device.equals("cpu")) {
            throw new ParameterException(spec.commandLine(), "--dtype float16 needs --device cuda; on the CPU use bfloat16");
        }
        if (threads != null) {
            Densify.setThreads(threads);
        }
        // Each command runs at the precision it names (float32 unless --dtype), whatever an earlier
        // command in this JVM set: the setting is process-wide.
        Densify.setComputeDtype(dtype != null ? dtype : ComputeDtype.FLOAT32);
    }

    /**
     * {@link #configureEngine()} for a command that runs long (training, studies, many
     * attributions): also warns, once, when libtorch runs on the reference BLAS.
     */
    void configureEngineForLongWork() {
        configureEngine();
        warnOnReferenceBlas(Densify.runtime());
    }

    /** Warns once per process (a demo runs prepare and study as inner invocations). */
    void warnOnReferenceBlas(RuntimeInfo runtime) {
        if (!BLAS_WARNED.getAndSet(true)) {
            runtime.blasWarning().ifPresent(w -> err.println("densify: warning: " + w));
        }
    }
}
