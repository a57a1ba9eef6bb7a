package dev.densify.engine;

import java.nio.file.Path;

/** Who implements the BLAS that libtorch calls. */
public enum BlasVendor {
    OPENBLAS("OpenBLAS"),
    MKL("Intel MKL"),
    BLIS("BLIS"),
    ATLAS("ATLAS"),
    /** Netlib's reference implementation (Debian's libblas3): correct, several times slower. */
    REFERENCE("reference BLAS (Netlib)"),
    /** No shared object defines the BLAS symbols (libtorch has its BLAS linked in, or none). */
    NONE("none found"),
    UNKNOWN("unknown");

    private final String displayName;

    BlasVendor(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Classifies the shared object that defines {@code sgemm_}. The vendors' own entry points,
     * when the process has them, decide; otherwise the resolved file name does (Debian installs
     * the reference library as {@code blas/libblas.so.3.*}, OpenBLAS as
     * {@code openblas-pthread/libopenblasp-r*.so}).
     *
     * @param path           the object's path with links resolved; "" when none was found
     * @param openblasConfig {@code openblas_get_config()}, or "" when the process has no OpenBLAS
     * @param mkl            whether MKL's entry points are present
     * @param blis           whether BLIS's entry points are present
     */
    public static BlasVendor classify(String path, String openblasConfig, boolean mkl, boolean blis) {
        if (!openblasConfig.isEmpty()) {
            return OPENBLAS;
        }
        if (mkl) {
            return MKL;
        }
        if (blis) {
            return BLIS;
        }
        if (path.isEmpty()) {
            return NONE;
        }
        Path file = Path.of(path);
        String name = file.getFileName().toString();
        String folder = file.getParent() == null ? "" : file.getParent().getFileName().toString();
        if (name.startsWith("libopenblas") || folder.startsWith("openblas")) {
            return OPENBLAS;
        }
        if (name.startsWith("libmkl")) {
            return MKL;
        }
        if (name.startsWith("libblis") || folder.startsWith("blis")) {
            return BLIS;
        }
        if (name.contains("atlas") || folder.equals("atlas")) {
            return ATLAS;
        }
        if (name.startsWith("libblas.so") || name.startsWith("librefblas") || name.startsWith("libblas64.so")) {
            return REFERENCE;
        }
        return UNKNOWN;
    }
}
