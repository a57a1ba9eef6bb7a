package dev.densify.cli;

import dev.densify.engine.Densify;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the Java engine's version, and the native library's when it loads. */
final class VersionProvider implements IVersionProvider {

    static String javaVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @Override
    public String[] getVersion() {
        String nativeLine;
        try {
            nativeLine = "native " + Densify.version() + ", libtorch " + Densify.torchVersion()
                    + (Densify.cudaCompiled() ? ", CUDA" : ", CPU only");
        } catch (RuntimeException | LinkageError e) {
            String message = String.valueOf(e.getMessage());
            nativeLine = "native library not available: " + message.lines().findFirst().orElse(message);
        }
        return new String[]{"densify " + javaVersion(), nativeLine};
    }
}
