package dev.densify.engine;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the loaded native library runs on: the shared objects that actually provide libtorch's
 * BLAS, LAPACK and OpenMP (as the dynamic loader resolved them, so a library forced by
 * {@code LD_LIBRARY_PATH} or an alternatives link shows as itself) and the thread settings.
 *
 * @param blas           the BLAS
 * @param lapack         the object that defines LAPACK's {@code dgesv_}
 * @param openmp         the OpenMP runtime
 * @param intraOpThreads libtorch's intra-op threads
 * @param interOpThreads libtorch's inter-op pool size
 */
public record RuntimeInfo(Blas blas, SharedObject lapack, OpenMp openmp, int intraOpThreads, int interOpThreads) {

    /** The one-line fix for a reference BLAS on Debian. */
    public static final String BLAS_FIX = "apt-get install libopenblas0-pthread "
            + "(or, if it is installed: update-alternatives --auto libblas.so.3-x86_64-linux-gnu)";

    private static final Pattern OPENBLAS_VERSION = Pattern.compile("^OpenBLAS ([0-9][0-9A-Za-z.]*)");
    private static final Pattern RELEASE_IN_NAME = Pattern.compile("-r([0-9]+(?:\\.[0-9]+)+)");
    private static final Pattern SO_VERSION = Pattern.compile("\\.so\\.([0-9]+(?:\\.[0-9]+)*)$");

    /**
     * A shared object that defines a library's symbols.
     *
     * @param path     its path with links resolved; "" when no loaded object defines them
     * @param loadedAs the path the loader used (e.g. an alternatives link)
     * @param version  the version in the file's name; "" when it carries none
     */
    public record SharedObject(String path, String loadedAs, String version) {
        static SharedObject of(String path, String loadedAs) {
            return new SharedObject(path, loadedAs, versionInName(path));
        }
    }

    /**
     * The BLAS.
     *
     * @param library  the object that defines {@code sgemm_}
     * @param vendor   who implements it
     * @param version  the vendor's version where known, else the file's
     * @param config   OpenBLAS's build configuration ({@code openblas_get_config()}), else ""
     * @param threads  OpenBLAS's own thread count, or -1 where the BLAS has no pool of its own
     */
    public record Blas(SharedObject library, BlasVendor vendor, String version, String config, int threads) {
        /** Whether this is the slow reference implementation. */
        public boolean isReference() {
            return vendor == BlasVendor.REFERENCE;
        }
    }

    /**
     * The OpenMP runtime.
     *
     * @param library    the object that defines {@code omp_get_max_threads}
     * @param builtWith  the OpenMP libtorch was built with, as libtorch names it; "" when none
     * @param maxThreads {@code omp_get_max_threads()} of the calling thread, or -1
     */
    public record OpenMp(SharedObject library, String builtWith, int maxThreads) {
    }

    /** The warning every long command prints on a reference BLAS; empty otherwise. */
    public Optional<String> blasWarning() {
        if (!blas.isReference()) {
            return Optional.empty();
        }
        return Optional.of("libtorch is using the reference BLAS (" + blas.library().path()
                + "), several times slower than an optimised one; fix: " + BLAS_FIX);
    }

    static String blasVersion(BlasVendor vendor, String config, String path) {
        if (vendor == BlasVendor.OPENBLAS) {
            Matcher m = OPENBLAS_VERSION.matcher(config);
            if (m.find()) {
                return m.group(1);
            }
            Matcher r = RELEASE_IN_NAME.matcher(path.isEmpty() ? "" : Path.of(path).getFileName().toString());
            if (r.find()) {
                return r.group(1);
            }
        }
        return versionInName(path);
    }

    static String versionInName(String path) {
        if (path.isEmpty()) {
            return "";
        }
        Matcher m = SO_VERSION.matcher(Path.of(path).getFileName().toString());
        return m.find() ? m.group(1) : "";
    }
}
