package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.Model;
import dev.densify.model.ModelConfig;
import dev.densify.model.ModelKind;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code densify init-model}: writes a freshly initialised checkpoint. */
@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Write a checkpoint of a new model with GPT-2's initialisation.")
final class InitModelCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--kind", required = true, paramLabel = "policy|reward", converter = KindConverter.class,
            description = "policy or reward.")
    ModelKind kind;

    @Option(names = "--config", required = true, paramLabel = "C.json",
            description = "Hugging Face GPT-2 config.json.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "F.safetensors", description = "Checkpoint to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Initialisation seed (default: 0).")
    long seed;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    static final class KindConverter implements ITypeConverter<ModelKind> {
        @Override
        public ModelKind convert(String value) {
            try {
                return ModelKind.fromId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        ModelConfig modelConfig = ModelConfig.read(config);
        main.configureEngine();
        long parameters;
        try (Model model = kind == ModelKind.POLICY
                ? Policy.create(modelConfig, main.device(), seed)
                : RewardModel.create(modelConfig, main.device(), seed)) {
            model.save(out);
            parameters = model.parameterCount();
        }
        if (json) {
            ObjectNode node = Json.object();
            node.put("path", out.toString());
            node.put("kind", kind.id());
            node.put("parameters", parameters);
            Json.print(main.out(), node);
        } else {
            main.out().printf("wrote %s model to %s: %,d parameters%n", kind.id(), out, parameters);
        }
        return 0;
    }
}
