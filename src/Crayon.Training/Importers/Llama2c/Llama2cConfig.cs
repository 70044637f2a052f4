using Crayon.Models;

namespace Crayon.Importers.Llama2c;

/// <summary>
/// The 7-int32 header of a legacy (version-0) llama2.c checkpoint. A negative vocab_size in the file
/// means the classifier is not shared with the token embedding and is stored after the RoPE tables.
/// </summary>
public sealed record Llama2cConfig(int Dim, int HiddenDim, int Layers, int Heads, int KvHeads, int VocabSize, int SeqLen, bool SharedClassifier)
{
    public const int HeaderBytes = 7 * sizeof(int);

    public int HeadSize => Dim / Heads;

    /// <summary>Rows of wk and wv (run.c: dim * n_kv_heads / n_heads).</summary>
    public int KvDim => Dim * KvHeads / Heads;

    /// <summary>llama2.c runs RMSNorm with eps 1e-5 and RoPE with base 10000 over the whole head.</summary>
    public LlamaHyperparameters ToHyperparameters(bool tiedOutput) =>
        new(VocabSize, Dim, Layers, HiddenDim, Heads, KvHeads, SeqLen, RmsNormEpsilon: 1e-5f, RopeFreqBase: 10_000f, TiedOutput: tiedOutput);

    /// <summary>Float offsets (in elements, after the header) of each array, in file order.</summary>
    internal Llama2cArrays Arrays()
    {
        long e = Dim, f = HiddenDim, l = Layers, v = VocabSize, kv = KvDim;
        var a = new Llama2cArrays();
        long at = 0;
        long Next(long count) { var start = at; at += count; return start; }
        a.TokenEmbedding = Next(v * e);
        a.RmsAttention = Next(l * e);
        a.Wq = Next(l * e * e);
        a.Wk = Next(l * e * kv);
        a.Wv = Next(l * e * kv);
        a.Wo = Next(l * e * e);
        a.RmsFeedForward = Next(l * e);
        a.W1 = Next(l * e * f);
        a.W2 = Next(l * f * e);
        a.W3 = Next(l * e * f);
        a.RmsFinal = Next(e);
        Next((long)SeqLen * HeadSize / 2); // freq_cis_real: legacy RoPE table, unused by run.c
        Next((long)SeqLen * HeadSize / 2); // freq_cis_imag
        a.Classifier = SharedClassifier ? a.TokenEmbedding : Next(v * e);
        a.TotalFloats = at;
        return a;
    }

    public long ExpectedFileSize => HeaderBytes + Arrays().TotalFloats * sizeof(float);
}

/// <summary>Where each weight array starts, in floats after the header.</summary>
internal sealed class Llama2cArrays
{
    public long TokenEmbedding, RmsAttention, Wq, Wk, Wv, Wo, RmsFeedForward, W1, W2, W3, RmsFinal, Classifier, TotalFloats;
}
