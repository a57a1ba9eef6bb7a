package dev.densify.attribution;

import dev.densify.model.ModelConfig;

import java.util.Map;

/**
 * GPT-2 reward model in plain Java (double arithmetic), written from the architecture (token +
 * learned position embeddings, pre-LayerNorm blocks with causal multi-head attention and a
 * tanh-GELU MLP, Conv1D weights stored [in, out], final LayerNorm, score head without bias at the
 * last token), for checking the attention attribution: it records the last layer's attention
 * probabilities. One unpadded sequence at positions 0..T-1.
 */
final class ReferenceGpt2 {

    private final ModelConfig c;
    private final Map<String, float[]> w;

    /** After {@link #score}: the last layer's attention probabilities [head][query][key]. */
    private double[][][] lastAttention;

    ReferenceGpt2(ModelConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    private float[] get(String name) {
        float[] t = w.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no weight " + name);
        }
        return t;
    }

    /** The score of one sequence; records the last layer's attention. */
    double score(int[] ids) {
        int n = ids.length;
        int e = c.nEmbd();
        int heads = c.nHead();
        int d = e / heads;
        float[] wte = get("transformer.wte.weight");
        float[] wpe = get("transformer.wpe.weight");
        double[][] x = new double[n][e];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < e; i++) {
                x[t][i] = (double) wte[ids[t] * e + i] + wpe[t * e + i];
            }
        }
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "transformer.h." + l + ".";
            double[][] a = layerNorm(x, get(h + "ln_1.weight"), get(h + "ln_1.bias"));
            double[][] qkv = conv1d(a, get(h + "attn.c_attn.weight"), get(h + "attn.c_attn.bias"), e, 3 * e);
            double[][] context = new double[n][e];
            double[][][] probabilities = new double[heads][n][n];
            for (int hd = 0; hd < heads; hd++) {
                for (int t = 0; t < n; t++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double[] s = new double[t + 1];
                    for (int k = 0; k <= t; k++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += qkv[t][hd * d + i] * qkv[k][e + hd * d + i];
                        }
                        s[k] = dot / Math.sqrt(d);
                        max = Math.max(max, s[k]);
                    }
                    double sum = 0;
                    for (int k = 0; k <= t; k++) {
                        s[k] = Math.exp(s[k] - max);
                        sum += s[k];
                    }
                    for (int k = 0; k <= t; k++) {
                        double p = s[k] / sum;
                        probabilities[hd][t][k] = p;
                        for (int i = 0; i < d; i++) {
                            context[t][hd * d + i] += p * qkv[k][2 * e + hd * d + i];
                        }
                    }
                }
            }
            lastAttention = probabilities;
            add(x, conv1d(context, get(h + "attn.c_proj.weight"), get(h + "attn.c_proj.bias"), e, e));
            double[][] f = conv1d(layerNorm(x, get(h + "ln_2.weight"), get(h + "ln_2.bias")),
                    get(h + "mlp.c_fc.weight"), get(h + "mlp.c_fc.bias"), e, 4 * e);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    double v = row[i];
                    row[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
            }
            add(x, conv1d(f, get(h + "mlp.c_proj.weight"), get(h + "mlp.c_proj.bias"), 4 * e, e));
        }
        double[][] hidden = layerNorm(x, get("transformer.ln_f.weight"), get("transformer.ln_f.bias"));
        float[] sw = get("score.weight");
        double score = 0;
        for (int i = 0; i < e; i++) {
            score += hidden[n - 1][i] * sw[i];
        }
        return score;
    }

    /** After {@link #score}: the last layer's attention from the last position to each position, mean over heads. */
    double[] lastRowMeanOverHeads() {
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
            var /= e;
            double inv = 1 / Math.sqrt(var + c.layerNormEpsilon());
            for (int i = 0; i < e; i++) {
                out[t][i] = (x[t][i] - mean) * inv * gain[i] + bias[i];
            }
        }
        return out;
    }

    private static double[][] conv1d(double[][] x, float[] weight, float[] bias, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                y[t][o] = bias[o];
            }
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    y[t][o] += x[t][i] * weight[i * out + o];
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
}
