package dev.densify.testing;

import dev.densify.model.ModelConfig;

import java.util.Map;

/**
 * GPT-2 in plain Java (double arithmetic) from Hugging Face-named weights: token + learned
 * position embeddings, pre-LayerNorm blocks (causal multi-head attention, tanh-GELU MLP, Conv1D
 * weights stored [in, out]), final LayerNorm, LM head tied to wte, the policy's value head
 * (v_head.summary) and the reward model's score head (score.weight, no bias) at the last token.
 * Runs one unpadded sequence at positions 0..T-1. Shared by the model and attribution tests as
 * their independent reference.
 */
public final class ReferenceGpt2 {
    private final ModelConfig c;
    private final Map<String, float[]> w;

    /** After {@link #hidden}: the last layer's attention probabilities [head][query][key]. */
    private double[][][] lastAttention;

    public ReferenceGpt2(ModelConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    private float[] get(String name) {
        float[] t = w.get(name);
        if (t == null) {
            t = w.get(name.replaceFirst("^transformer\\.", ""));
        }
        if (t == null) {
            throw new IllegalArgumentException("reference: no weight " + name);
        }
        return t;
    }

    /** Final hidden states [T][E] (after ln_f). */
    public double[][] hidden(int[] ids) {
        int n = ids.length;
        int e = c.nEmbd();
        int heads = c.nHead();
        int d = e / heads;
        float[] wte = get("transformer.wte.weight");
        float[] wpe = get("transformer.wpe.weight");
        double[][] x = new double[n][e];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < e; i++) {
                x[t][i] = wte[ids[t] * e + i] + (double) wpe[t * e + i];
            }
        }
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "transformer.h." + l + ".";
            double[][] a = layerNorm(x, get(h + "ln_1.weight"), get(h + "ln_1.bias"));
            double[][] qkv = conv1d(a, get(h + "attn.c_attn.weight"), get(h + "attn.c_attn.bias"), e, 3 * e);
            double[][] context = new double[n][e];
            double scale = 1.0 / Math.sqrt(d);
            double[][][] probabilities = new double[heads][n][n];
            for (int hd = 0; hd < heads; hd++) {
                for (int t = 0; t < n; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += qkv[t][hd * d + i] * qkv[s][e + hd * d + i];
                        }
                        scores[s] = dot * scale;
                        max = Math.max(max, scores[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s <= t; s++) {
                        scores[s] = Math.exp(scores[s] - max);
                        sum += scores[s];
                    }
                    for (int s = 0; s <= t; s++) {
                        double p = scores[s] / sum;
                        probabilities[hd][t][s] = p;
                        for (int i = 0; i < d; i++) {
                            context[t][hd * d + i] += p * qkv[s][2 * e + hd * d + i];
                        }
                    }
                }
            }
            lastAttention = probabilities;
            add(x, conv1d(context, get(h + "attn.c_proj.weight"), get(h + "attn.c_proj.bias"), e, e));
            double[][] m = layerNorm(x, get(h + "ln_2.weight"), get(h + "ln_2.bias"));
            double[][] f = conv1d(m, get(h + "mlp.c_fc.weight"), get(h + "mlp.c_fc.bias"), e, 4 * e);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = gelu(row[i]);
                }
            }
            add(x, conv1d(f, get(h + "mlp.c_proj.weight"), get(h + "mlp.c_proj.bias"), 4 * e, e));
        }
        return layerNorm(x, get("transformer.ln_f.weight"), get("transformer.ln_f.bias"));
    }

    /** LM logits [T][V] through the tied head. */
    public double[][] logits(double[][] hidden) {
        int v = c.vocabSize();
        int e = c.nEmbd();
        float[] wte = get("transformer.wte.weight");
        double[][] out = new double[hidden.length][v];
        for (int t = 0; t < hidden.length; t++) {
            for (int k = 0; k < v; k++) {
                double s = 0;
                for (int i = 0; i < e; i++) {
                    s += hidden[t][i] * wte[k * e + i];
                }
                out[t][k] = s;
            }
        }
        return out;
    }

    /** The policy's value head per position (zero head when the weights have none). */
    public double[] values(double[][] hidden) {
        float[] vw = w.get("v_head.summary.weight");
        float[] vb = w.get("v_head.summary.bias");
        double[] out = new double[hidden.length];
        for (int t = 0; t < hidden.length; t++) {
            double s = vb == null ? 0 : vb[0];
            for (int i = 0; vw != null && i < c.nEmbd(); i++) {
                s += hidden[t][i] * vw[i];
            }
            out[t] = s;
        }
        return out;
    }

    /** The reward model's score of one sequence (records the last layer's attention). */
    public double score(int[] ids) {
        return score(hidden(ids));
    }

    /** After {@link #hidden}: the last layer's attention from the last position to each position, mean over heads. */
    public double[] lastRowMeanOverHeads() {
        if (lastAttention == null) {
            throw new IllegalStateException("no forward pass yet");
        }
        int heads = lastAttention.length;
        int n = lastAttention[0].length;
        double[] out = new double[n];
        for (double[][] head : lastAttention) {
            for (int k = 0; k < n; k++) {
                out[k] += head[n - 1][k] / heads;
            }
        }
        return out;
    }

    /** The reward model's score: score.weight (no bias) at the last token. */
    public double score(double[][] hidden) {
        float[] sw = get("score.weight");
        double s = 0;
        for (int i = 0; i < c.nEmbd(); i++) {
            s += hidden[hidden.length - 1][i] * sw[i];
        }
        return s;
    }

    private double[][] layerNorm(double[][] x, float[] gain, float[] bias) {
        int e = c.nEmbd();
        double[][] out = new double[x.length][e];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= e;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= e; // biased, as torch.nn.LayerNorm
            double inv = 1.0 / Math.sqrt(var + c.layerNormEpsilon());
            for (int i = 0; i < e; i++) {
                out[t][i] = (x[t][i] - mean) * inv * gain[i] + bias[i];
            }
        }
        return out;
    }

    /** Hugging Face Conv1D: y = x W + b with W stored [in, out]. */
    private static double[][] conv1d(double[][] x, float[] weight, float[] bias, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                y[t][o] = bias[o];
            }
            for (int i = 0; i < in; i++) {
                double xi = x[t][i];
                for (int o = 0; o < out; o++) {
                    y[t][o] += xi * weight[i * out + o];
                }
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += y[t][i];
            }
        }
    }

    /** GPT-2's tanh approximation ("gelu_new"). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
}
