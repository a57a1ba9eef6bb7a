package dev.densify.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.testing.TestTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which BLAS, LAPACK and OpenMP the loaded libtorch uses, and the warning on the reference BLAS. */
class RuntimeInfoTest {

    /** Debian's reference BLAS and LAPACK (libblas3, liblapack3), installed by {@code ./densify test}. */
    static final Path REFERENCE_BLAS = Path.of("/usr/lib/x86_64-linux-gnu/blas");
    static final Path REFERENCE_LAPACK = Path.of("/usr/lib/x86_64-linux-gnu/lapack");
    static final String WARNING = "densify: warning: libtorch is using the reference BLAS";

    @TempDir
    Path tmp;

    @Test
    void classifiesTheSharedObjectsOfEachVendor() {
        String[][] cases = {
                {"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "REFERENCE"},
                {"/usr/lib/x86_64-linux-gnu/libblas.so.3", "REFERENCE"},
                {"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "OPENBLAS"},
                {"/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3", "OPENBLAS"},
                {"/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", "OPENBLAS"},
                {"/opt/conda/lib/libopenblas.so.0", "OPENBLAS"},
                {"/opt/intel/oneapi/mkl/latest/lib/libmkl_rt.so.2", "MKL"},
                {"/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3", "BLIS"},
                {"/usr/lib/x86_64-linux-gnu/libblis.so.4", "BLIS"},
                {"/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3", "ATLAS"},
                {"/usr/lib/python3/dist-packages/torch/lib/libtorch_cpu.so", "UNKNOWN"},
                {"", "NONE"},
        };
        for (String[] c : cases) {
            assertEquals(BlasVendor.valueOf(c[1]), BlasVendor.classify(c[0], "", false, false), c[0]);
        }
        // the vendors' own entry points decide over the file's name
        assertEquals(BlasVendor.OPENBLAS, BlasVendor.classify("/usr/lib/x86_64-linux-gnu/libblas.so.3",
                "OpenBLAS 0.3.21 NO_AFFINITY ZEN MAX_THREADS=64", false, false));
        assertEquals(BlasVendor.MKL, BlasVendor.classify("/x/libtorch_cpu.so", "", true, false));
        assertEquals(BlasVendor.BLIS, BlasVendor.classify("/x/libblas.so.3", "", false, true));
    }

    @Test
    void versionsComeFromTheVendorOrTheFileName() {
        assertEquals("0.3.21", RuntimeInfo.blasVersion(BlasVendor.OPENBLAS,
                "OpenBLAS 0.3.21 NO_AFFINITY ZEN MAX_THREADS=64", "/x/openblas-pthread/libblas.so.3"));
        assertEquals("0.3.21", RuntimeInfo.blasVersion(BlasVendor.OPENBLAS, "", "/x/libopenblasp-r0.3.21.so"));
        assertEquals("3.11.0", RuntimeInfo.blasVersion(BlasVendor.REFERENCE, "", "/x/blas/libblas.so.3.11.0"));
        assertEquals("", RuntimeInfo.versionInName(""));
        assertEquals("1.0.0", RuntimeInfo.versionInName("/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0"));
    }

    @Test
    void warningNamesTheLibraryAndTheFix() {
        RuntimeInfo.SharedObject ref = RuntimeInfo.SharedObject.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
                "/usr/lib/x86_64-linux-gnu/libblas.so.3");
        RuntimeInfo reference = new RuntimeInfo(new RuntimeInfo.Blas(ref, BlasVendor.REFERENCE, "3.11.0", "", -1),
                ref, new RuntimeInfo.OpenMp(ref, "", 1), 1, 1);
        String w = reference.blasWarning().orElseThrow();
        assertTrue(w.contains(ref.path()) && w.contains("apt-get install libopenblas0-pthread"), w);
        RuntimeInfo open = new RuntimeInfo(new RuntimeInfo.Blas(ref, BlasVendor.OPENBLAS, "0.3.21", "OpenBLAS", 2),
                ref, new RuntimeInfo.OpenMp(ref, "", 1), 1, 1);
        assertTrue(open.blasWarning().isEmpty());
    }

    /** In this process: the objects the loader resolved exist, and the thread counts are the engine's. */
    @Test
    void reportsTheLoadedLibraries() {
        RuntimeInfo info = Densify.runtime();
        assertNotEquals(BlasVendor.NONE, info.blas().vendor(), "Debian's libtorch calls a shared BLAS");
        assertTrue(Files.isRegularFile(Path.of(info.blas().library().path())), info.toString());
        assertTrue(Files.isRegularFile(Path.of(info.lapack().path())), info.toString());
        assertTrue(Files.isRegularFile(Path.of(info.openmp().library().path())), info.toString());
        assertTrue(info.openmp().builtWith().startsWith("OpenMP"), info.openmp().builtWith());
        assertEquals(Densify.threads(), info.intraOpThreads());
        assertTrue(info.interOpThreads() >= 1, info.toString());
        if (info.blas().vendor() == BlasVendor.OPENBLAS) {
            assertFalse(info.blas().config().isEmpty(), "openblas_get_config() is read");
            assertTrue(info.blas().version().matches("[0-9]+\\.[0-9]+.*"), info.blas().version());
        }
        assertEquals(info.blas().isReference(), info.blasWarning().isPresent());
    }

    /**
     * The reference BLAS forced on a child process with {@code LD_LIBRARY_PATH}: {@code info --json}
     * says so, and a long command ({@code prepare}, here reusing the small test task) prints the
     * warning once, with the fix.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void referenceBlasIsReportedAndWarnedAbout() throws Exception {
        assumeTrue(Files.isRegularFile(REFERENCE_BLAS.resolve("libblas.so.3"))
                        && Files.isRegularFile(REFERENCE_LAPACK.resolve("liblapack.so.3")),
                "Debian's libblas3 and liblapack3 are not installed (./densify test installs them)");
        Result info = cli(List.of("info", "--json"));
        assertEquals(0, info.exit(), info.stderr());
        JsonNode node = new ObjectMapper().readTree(info.stdout());
        assertEquals("reference", node.path("blas").path("vendor").asText(), info.stdout());
        assertTrue(node.path("blas").path("reference").asBoolean(), info.stdout());
        assertTrue(node.path("blas").path("path").asText().startsWith(REFERENCE_BLAS.toString()), info.stdout());
        assertTrue(node.path("lapack").path("path").asText().startsWith(REFERENCE_LAPACK.toString()), info.stdout());
        assertEquals(1, count(info.stderr(), WARNING), info.stderr());

        Path task = TestTasks.reviewsSmall(); // prepared in this process: the child only reuses it
        Result prepare = cli(List.of("prepare", "--task", "reviews", "--size", "small", "--seed", "0",
                "--out", task.toString()));
        assertEquals(0, prepare.exit(), prepare.stderr());
        assertEquals(1, count(prepare.stderr(), WARNING), prepare.stderr());
        assertTrue(prepare.stderr().contains("apt-get install libopenblas0-pthread"), prepare.stderr());
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private Result cli(List<String> args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), "dev.densify.cli.Main"));
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("LD_LIBRARY_PATH", REFERENCE_BLAS + ":" + REFERENCE_LAPACK);
        Process p = pb.start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("densify " + args + " did not finish:\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
