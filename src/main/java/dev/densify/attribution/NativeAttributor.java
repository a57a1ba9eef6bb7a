package dev.densify.attribution;

import java.util.List;
import java.util.Objects;

/** The one {@link Attributor}: the native engine, parameterised by {@link AttributionOptions}. */
final class NativeAttributor implements Attributor {

    private final NativeAttribution.Target target;
    private final AttributionOptions options;

    NativeAttributor(NativeAttribution.Target target, AttributionOptions options) {
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        NativeAttribution.requireModelFor(options.method(), target);
    }

    @Override
    public AttributionOptions options() {
        return options;
    }

    @Override
    public List<Attribution> attribute(List<ScoredSequence> sequences) {
        return NativeAttribution.run(target, options, sequences);
    }

    @Override
    public String toString() {
        return "Attributor[" + options + "]";
    }
}
