package dev.densify.cli;

import dev.densify.rl.DistributedEnvironment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --nproc N}: runs the same command in N child JVMs with torchrun's environment (rank 0
 * hosting the rendezvous on 127.0.0.1 at a free port), forwards their output (rank 0's stdout as
 * is, everything else on stderr prefixed with the rank), and when one fails stops the others and
 * exits with its status.
 */
final class LocalLauncher {

    /** Set in a child's environment: the child ends when this process does. */
    static final String PARENT_PID = "DENSIFY_LAUNCHER_PID";

    private LocalLauncher() {
    }

    /** The arguments without {@code --nproc N} (or {@code --nproc=N}). */
    static List<String> withoutNproc(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--nproc")) {
                i++;
            } else if (!args[i].startsWith("--nproc=")) {
                out.add(args[i]);
            }
        }
        return out;
    }

    static int run(int nproc, List<String> args, Map<String, String> env, boolean threadsGiven, PrintStream out,
                   PrintStream err) throws InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        boolean nativeAccess = false;
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A debugger agent would clash on its port; everything else (heap, properties) carries over.
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp")) {
                continue;
            }
            nativeAccess |= a.startsWith("--enable-native-access");
            command.add(a);
        }
        if (!nativeAccess) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        List<Process> children = new ArrayList<>();
        List<Thread> forwarders = new ArrayList<>();
        Thread hook = new Thread(() -> children.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int rank = 0; rank < nproc; rank++) {
                ProcessBuilder pb = new ProcessBuilder(command);
                pb.environment().putAll(env);
                pb.environment().putAll(new DistributedEnvironment(rank, nproc, rank, "127.0.0.1", port).variables());
                pb.environment().put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
                if (!threadsGiven && !env.containsKey("DENSIFY_THREADS")) {
                    // The processes share the machine's cores.
                    int each = Math.max(1, Runtime.getRuntime().availableProcessors() / nproc);
                    pb.environment().put("DENSIFY_THREADS", Integer.toString(each));
                }
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start rank " + rank + " (" + command.get(0) + "): "
                            + e.getMessage(), e);
                }
                children.add(p);
                String prefix = "[rank " + rank + "] ";
                forwarders.add(forward(p.getInputStream(), rank == 0 ? out : err, rank == 0 ? "" : prefix));
                forwarders.add(forward(p.getErrorStream(), err, prefix));
            }
            int status = waitForAll(children, err);
            for (Thread t : forwarders) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            return status;
        } finally {
            children.forEach(Process::destroyForcibly);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** 0 when every child exits with 0; else the first failure's status, the others stopped. */
    private static int waitForAll(List<Process> children, PrintStream err) throws InterruptedException {
        List<Process> running = new ArrayList<>(children);
        while (!running.isEmpty()) {
            for (Process p : List.copyOf(running)) {
                if (p.isAlive()) {
                    continue;
                }
                running.remove(p);
                int status = p.exitValue();
                if (status != 0) {
                    int rank = children.indexOf(p);
                    for (Process other : running) {
                        other.destroy();
                    }
                    for (Process other : running) {
                        if (!other.waitFor(5, TimeUnit.SECONDS)) {
                            other.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                        }
                    }
                    synchronized (err) {
                        err.printf(Locale.ROOT, "densify: rank %d exited with status %d; stopped the other %d rank(s)%n",
                                rank, status, running.size());
                    }
                    return status;
                }
            }
            Thread.sleep(50);
        }
        return 0;
    }

    private static Thread forward(InputStream in, PrintStream to, String prefix) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (to) {
                        to.println(prefix + line);
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "densify-rank-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** In a child: end when the launcher does (so killing it stops every rank). */
    static void watchParent(Map<String, String> env) {
        String pid = env.get(PARENT_PID);
        if (pid == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresentOrElse(
                    h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(143)),
                    () -> Runtime.getRuntime().halt(143));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PARENT_PID + " must be a process id, got '" + pid + "'");
        }
    }
}
