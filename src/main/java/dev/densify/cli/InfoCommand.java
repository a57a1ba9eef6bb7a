package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Densify;
import dev.densify.rl.ProcessGroup;
import dev.densify.engine.DeviceInfo;
import dev.densify.engine.RuntimeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code densify info}: versions, library, threads and devices. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show versions, the native library, threads and devices.")
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        main.configureEngine();
        String library = Densify.libraryPath().toString();
        String torch = Densify.torchVersion();
        boolean cuda = Densify.cudaCompiled();
        boolean distributed = ProcessGroup.available();
        int threads = Densify.threads();
        List<DeviceInfo> devices = Densify.devices();
        RuntimeInfo runtime = Densify.runtime();
        main.warnOnReferenceBlas(runtime);
        String java = System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
        PrintStream out = main.out();
        if (json) {
            ObjectNode node = Json.object();
            node.put("version", VersionProvider.javaVersion());
            node.put("nativeVersion", Densify.version());
            node.put("libraryPath", library);
            node.put("torchVersion", torch);
            node.put("cudaCompiled", cuda);
            node.put("distributedCompiled", distributed);
            node.put("threads", threads);
            node.put("interOpThreads", runtime.interOpThreads());
            node.put("attention", Densify.attentionKernel().name().toLowerCase(Locale.ROOT));
            node.put("fusedAttentionCompiled", Densify.fusedAttentionCompiled());
            node.put("computeDtype", Densify.computeDtype().toString());
            ObjectNode blas = node.putObject("blas");
            blas.put("vendor", runtime.blas().vendor().name().toLowerCase(Locale.ROOT));
            blas.put("name", runtime.blas().vendor().displayName());
            blas.put("version", runtime.blas().version());
            blas.put("reference", runtime.blas().isReference());
            library(blas, runtime.blas().library());
            blas.put("config", runtime.blas().config());
            blas.put("threads", runtime.blas().threads());
            library(node.putObject("lapack"), runtime.lapack());
            ObjectNode omp = node.putObject("openmp");
            library(omp, runtime.openmp().library());
            omp.put("builtWith", runtime.openmp().builtWith());
            omp.put("maxThreads", runtime.openmp().maxThreads());
            node.put("javaVersion", System.getProperty("java.version"));
            node.put("javaVendor", System.getProperty("java.vendor"));
            ArrayNode list = node.putArray("devices");
            for (DeviceInfo d : devices) {
                list.addObject().put("id", d.id()).put("name", d.name())
                        .put("totalBytes", d.totalBytes()).put("freeBytes", d.freeBytes());
            }
            Json.print(out, node);
            return 0;
        }
        out.printf("densify        %s%n", VersionProvider.javaVersion());
        out.printf("native         %s (%s)%n", Densify.version(), library);
        out.printf("libtorch       %s%n", torch);
        out.printf("cuda compiled  %s%n", cuda ? "yes" : "no");
        out.printf("data-parallel  %s%n", distributed ? "c10d/Gloo (train --nproc, torchrun's environment)"
                : "unavailable (built without c10d's Gloo headers: libgloo-dev)");
        out.printf("threads        %d intra-op, %d inter-op%n", threads, runtime.interOpThreads());
        out.printf("attention      %s%s%n", Densify.attentionKernel().name().toLowerCase(Locale.ROOT),
                Densify.fusedAttentionCompiled() ? " (fused kernel compiled)" : " (fused kernel needs libtorch 2.x)");
        out.printf("compute dtype  %s%n", Densify.computeDtype());
        RuntimeInfo.Blas blas = runtime.blas();
        out.printf("blas           %s%s%s%n", blas.vendor().displayName(),
                blas.version().isEmpty() ? "" : " " + blas.version(), where(blas.library()));
        if (!blas.config().isEmpty()) {
            out.printf("               %s; %s%n", blas.config(),
                    blas.threads() < 0 ? "no pool of its own" : blas.threads() + " thread(s)");
        }
        out.printf("lapack         %s%n", runtime.lapack().path().isEmpty() ? "none found" : runtime.lapack().path());
        RuntimeInfo.OpenMp omp = runtime.openmp();
        out.printf("openmp         %s%s, %d thread(s)%n", omp.builtWith().isEmpty() ? "none" : omp.builtWith(),
                where(omp.library()), omp.maxThreads());
        out.printf("java           %s%n", java);
        out.printf("devices%n");
        for (DeviceInfo d : devices) {
            out.printf("  %-7s %s (%s total, %s free)%n", d.id(), d.name(), bytes(d.totalBytes()), bytes(d.freeBytes()));
        }
        return 0;
    }

    private static void library(ObjectNode node, RuntimeInfo.SharedObject library) {
        node.put("path", library.path());
        node.put("loadedAs", library.loadedAs());
        node.put("fileVersion", library.version());
    }

    private static String where(RuntimeInfo.SharedObject library) {
        return library.path().isEmpty() ? "" : " (" + library.path() + ")";
    }

    private static String bytes(long n) {
        return n < 0 ? "unknown" : String.format("%.1f GiB", n / (double) (1L << 30));
    }
}
