package dev.densify.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.internal.EngineCalls;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine as a whole: versions, threads and devices. Every method loads the native library on
 * first use. Thread-safe; the thread count is process-wide.
 */
public final class Densify {

    private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(0|[1-9][0-9]{0,8}))?");

    private Densify() {
    }

    /** The native library's version. */
    public static String version() {
        return EngineCalls.version();
    }

    /** The version of libtorch the native library was built against. */
    public static String torchVersion() {
        return EngineCalls.torchVersion();
    }

    /** The file the native library was loaded from. */
    public static Path libraryPath() {
        return EngineCalls.libraryPath();
    }

    /** Whether the native library was compiled with CUDA support. */
    public static boolean cudaCompiled() {
        return EngineCalls.cudaCompiled();
    }

    /** Whether the native library has the fused attention kernel (built against libtorch 2.0 or later). */
    public static boolean fusedAttentionCompiled() {
        return EngineCalls.fusedAttentionCompiled();
    }

    /** The attention kernel every forward runs (process-wide). */
    public static AttentionKernel attentionKernel() {
        return AttentionKernel.of(EngineCalls.attention());
    }

    /**
     * Selects the attention kernel of every forward (process-wide; set it between calls). The two
     * agree within float32 rounding; attention attribution always runs the plain kernel, which
     * exposes the probabilities.
     *
     * @throws InvalidArgumentException for {@link AttentionKernel#FUSED} in a build without it
     */
    public static void setAttentionKernel(AttentionKernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        EngineCalls.setAttention(kernel.code());
    }

    /** The element type of inference forwards' matrix products (process-wide). */
    public static ComputeDtype computeDtype() {
        return ComputeDtype.of(EngineCalls.computeDtype());
    }

    /**
     * Sets the element type of the matrix products of inference forwards (scoring, forwards,
     * generation, attribution; process-wide; set it between calls). LayerNorm, softmax, log-softmax
     * and the value and score heads stay float32, as do training and PPO steps. A forward on the
     * CPU in {@link ComputeDtype#FLOAT16} fails with {@link InvalidArgumentException}.
     */
    public static void setComputeDtype(ComputeDtype dtype) {
        Objects.requireNonNull(dtype, "dtype");
        EngineCalls.setComputeDtype(dtype.code());
    }

    /** libtorch's intra-op thread count (process-wide). */
    public static int threads() {
        return EngineCalls.threads();
    }

    /**
     * Sets the native thread count (process-wide): libtorch's intra-op threads, OpenBLAS's pool,
     * and on CPU the number of row pieces that scoring, generation, attribution and PPO steps run
     * side by side (see {@code dfy_set_num_threads}).
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        EngineCalls.setThreads(threads);
    }

    /**
     * The BLAS, LAPACK and OpenMP that the loaded libtorch uses, and the thread settings, as the
     * dynamic loader resolved them in this process.
     */
    public static RuntimeInfo runtime() {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(EngineCalls.runtimeInfoJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dfy_runtime_info returned invalid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode blas = node.path("blas");
        String blasPath = blas.path("path").asText("");
        String config = blas.path("openblas_config").asText("");
        BlasVendor vendor = BlasVendor.classify(blasPath, config, blas.path("mkl").asInt() == 1,
                blas.path("blis").asInt() == 1);
        RuntimeInfo.Blas blasInfo = new RuntimeInfo.Blas(
                RuntimeInfo.SharedObject.of(blasPath, blas.path("loaded_as").asText("")), vendor,
                RuntimeInfo.blasVersion(vendor, config, blasPath), config, blas.path("openblas_threads").asInt(-1));
        JsonNode lapack = node.path("lapack");
        JsonNode omp = node.path("openmp");
        return new RuntimeInfo(blasInfo,
                RuntimeInfo.SharedObject.of(lapack.path("path").asText(""), lapack.path("loaded_as").asText("")),
                new RuntimeInfo.OpenMp(
                        RuntimeInfo.SharedObject.of(omp.path("path").asText(""), omp.path("loaded_as").asText("")),
                        omp.path("built_with").asText(""), omp.path("max_threads").asInt(-1)),
                node.path("intra_op_threads").asInt(), node.path("inter_op_threads").asInt());
    }

    /** Number of usable CUDA devices (0 in a CPU build or without a GPU). */
    public static int cudaDeviceCount() {
        return EngineCalls.cudaDeviceCount();
    }

    /** The devices: {@code cpu} first, then {@code cuda:0}, {@code cuda:1}, ... */
    public static List<DeviceInfo> devices() {
        List<DeviceInfo> devices = new ArrayList<>();
        devices.add(cpu());
        int count = cudaDeviceCount();
        for (int i = 0; i < count; i++) {
            EngineCalls.Device device = EngineCalls.cudaDevice(i);
            devices.add(new DeviceInfo("cuda:" + i, device.name(), device.totalBytes(), device.freeBytes()));
        }
        return List.copyOf(devices);
    }

    /**
     * Checks the syntax of a device name without the native library: "cpu", "cuda" or "cuda:N".
     *
     * @return the canonical form ("cuda" becomes "cuda:0")
     * @throws IllegalArgumentException when the syntax is wrong
     */
    public static String parseDevice(String device) {
        Objects.requireNonNull(device, "device");
        Matcher m = DEVICE.matcher(device);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid device '" + device + "': expected cpu, cuda or cuda:N");
        }
        if (device.equals("cpu")) {
            return device;
        }
        return m.group(1) == null ? "cuda:0" : device;
    }

    /**
     * Checks that a device exists.
     *
     * @return the canonical form ("cuda" becomes "cuda:0")
     * @throws IllegalArgumentException when the syntax is wrong
     * @throws DeviceException          when the device does not exist on this machine or in this build
     */
    public static String checkDevice(String device) {
        String canonical = parseDevice(device);
        if (canonical.equals("cpu")) {
            return canonical;
        }
        int index = Integer.parseInt(canonical.substring("cuda:".length()));
        int count = cudaDeviceCount();
        if (index < count) {
            return canonical;
        }
        String why;
        if (!cudaCompiled()) {
            why = "this densify build has no CUDA support (a CPU build); use cpu or a CUDA build";
        } else if (count == 0) {
            why = "the build has CUDA support but no CUDA device is visible";
        } else {
            why = "this machine has " + count + " CUDA device" + (count == 1 ? "" : "s")
                    + " (cuda:0" + (count == 1 ? "" : "..cuda:" + (count - 1)) + ")";
        }
        throw new DeviceException("checkDevice", "device " + device + " is not available: " + why);
    }

    private static DeviceInfo cpu() {
        long total = -1;
        long free = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = os.getTotalMemorySize();
            free = os.getFreeMemorySize();
        }
        return new DeviceInfo("cpu", cpuName(), total, free);
    }

    private static String cpuName() {
        String fallback = System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors available";
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim() + ", "
                            + Runtime.getRuntime().availableProcessors() + " processors available")
                    .findFirst().orElse(fallback);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
