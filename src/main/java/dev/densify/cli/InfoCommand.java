package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Densify;
import dev.densify.engine.DeviceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;
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
        int threads = Densify.threads();
        List<DeviceInfo> devices = Densify.devices();
        String java = System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
        PrintStream out = main.out();
        if (json) {
            ObjectNode node = Json.object();
            node.put("version", VersionProvider.javaVersion());
            node.put("nativeVersion", Densify.version());
            node.put("libraryPath", library);
            node.put("torchVersion", torch);
            node.put("cudaCompiled", cuda);
            node.put("threads", threads);
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
        out.printf("threads        %d%n", threads);
        out.printf("java           %s%n", java);
        out.printf("devices%n");
        for (DeviceInfo d : devices) {
            out.printf("  %-7s %s (%s total, %s free)%n", d.id(), d.name(), bytes(d.totalBytes()), bytes(d.freeBytes()));
        }
        return 0;
    }

    private static String bytes(long n) {
        return n < 0 ? "unknown" : String.format("%.1f GiB", n / (double) (1L << 30));
    }
}
