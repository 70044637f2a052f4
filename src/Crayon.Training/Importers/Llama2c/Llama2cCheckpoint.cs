using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Crayon.Formats;
using Crayon.Models;

namespace Crayon.Importers.Llama2c;

/// <summary>
/// A legacy (version-0, no magic) llama2.c checkpoint: the header, then float32 arrays each holding all
/// layers. Matrices are row-major (out_features, in_features) like nn.Linear.weight, which is exactly a
/// GGUF tensor of dims [in, out], so every weight maps to its llama.cpp tensor byte for byte. Nothing is
/// permuted: llama2.c rotates consecutive pairs (i, i+1) in RoPE, which is llama.cpp's "normal" RoPE for
/// the llama architecture (HF checkpoints are the ones that need q/k permuted).
/// </summary>
public sealed class Llama2cCheckpoint
{
    private const int VersionedMagic = 0x616b3432; // "ak42": the newer llama2.c export formats (version 1 and 2)

    // Sanity bounds on header fields; the exact file-size check below is what really validates them.
    private const int MaxDim = 1 << 16, MaxHidden = 1 << 18, MaxLayers = 1 << 10, MaxVocab = 1 << 22, MaxSeqLen = 1 << 20;

    private readonly Llama2cArrays _arrays;

    private Llama2cCheckpoint(string path, Llama2cConfig config)
    {
        Path = path;
        Config = config;
        _arrays = config.Arrays();
    }

    public string Path { get; }
    public Llama2cConfig Config { get; }

    public static Llama2cCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"llama2.c checkpoint '{path}' does not exist", path);
        var length = new FileInfo(path).Length;
        if (length < Llama2cConfig.HeaderBytes)
            throw new FileFormatException(path, "header", $"the file is {length} bytes; a llama2.c header alone is {Llama2cConfig.HeaderBytes}", 0);
        var header = new byte[Llama2cConfig.HeaderBytes];
        using (var stream = File.OpenRead(path)) stream.ReadExactly(header);
        int Int(int i) => BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4 * i));
        if (Int(0) == VersionedMagic)
            throw new FileFormatException(path, "header", $"starts with llama2.c's version-{Int(1)} magic 'ak42'; only the legacy version-0 format (export.py --version 0) is supported", 0);

        var dim = Check(path, "dim", 0, Int(0), 2, MaxDim);
        var hidden = Check(path, "hidden_dim", 4, Int(1), 1, MaxHidden);
        var layers = Check(path, "n_layers", 8, Int(2), 1, MaxLayers);
        var heads = Check(path, "n_heads", 12, Int(3), 1, dim);
        var kvHeads = Check(path, "n_kv_heads", 16, Int(4), 1, heads);
        var rawVocab = Int(5);
        var vocab = Check(path, "vocab_size", 20, rawVocab == int.MinValue ? 0 : Math.Abs(rawVocab), 1, MaxVocab);
        var seqLen = Check(path, "seq_len", 24, Int(6), 1, MaxSeqLen);
        if (dim % heads != 0 || (dim / heads) % 2 != 0)
            throw new FileFormatException(path, "header: n_heads", $"dim {dim} must split into {heads} heads of an even size", 12);
        if (heads % kvHeads != 0)
            throw new FileFormatException(path, "header: n_kv_heads", $"n_heads {heads} is not a multiple of n_kv_heads {kvHeads}", 16);

        var config = new Llama2cConfig(dim, hidden, layers, heads, kvHeads, vocab, seqLen, SharedClassifier: rawVocab > 0);
        if (config.ExpectedFileSize != length)
            throw new FileFormatException(path, "weights",
                $"the header ({dim}, {hidden}, {layers}, {heads}, {kvHeads}, {rawVocab}, {seqLen}) predicts {config.ExpectedFileSize} bytes " +
                $"but the file has {length} (truncated, or not a version-0 llama2.c checkpoint)");
        return new Llama2cCheckpoint(path, config);
    }

    private static int Check(string path, string field, int offset, int value, int min, int max) =>
        value >= min && value <= max ? value
            : throw new FileFormatException(path, $"header: {field}", $"is {value}; expected a value in [{min}, {max}]", offset);

    /// <summary>Byte offset and float count of a llama.cpp tensor's data inside the checkpoint.</summary>
    public (long Offset, long Count) Locate(LlamaTensorSpec spec)
    {
        var c = Config;
        long e = c.Dim, f = c.HiddenDim, kv = c.KvDim, l = spec.Layer;
        var (start, count) = spec.Weight switch
        {
            LlamaWeight.TokenEmbedding => (_arrays.TokenEmbedding, (long)c.VocabSize * e),
            LlamaWeight.AttentionNorm => (_arrays.RmsAttention + l * e, e),
            LlamaWeight.Query => (_arrays.Wq + l * e * e, e * e),
            LlamaWeight.Key => (_arrays.Wk + l * kv * e, kv * e),
            LlamaWeight.Value => (_arrays.Wv + l * kv * e, kv * e),
            LlamaWeight.AttentionOutput => (_arrays.Wo + l * e * e, e * e),
            LlamaWeight.FeedForwardNorm => (_arrays.RmsFeedForward + l * e, e),
            LlamaWeight.Gate => (_arrays.W1 + l * f * e, f * e),
            LlamaWeight.Down => (_arrays.W2 + l * e * f, e * f),
            LlamaWeight.Up => (_arrays.W3 + l * f * e, f * e),
            LlamaWeight.OutputNorm => (_arrays.RmsFinal, e),
            LlamaWeight.Output => (_arrays.Classifier, (long)c.VocabSize * e),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Weight, "unknown llama weight"),
        };
        if (count != spec.ElementCount)
            throw new ArgumentException($"tensor '{spec.Name}' has {spec.ElementCount} elements but the checkpoint holds {count} for it");
        return (Llama2cConfig.HeaderBytes + start * sizeof(float), count);
    }

    /// <summary>Copies a tensor's float32 bytes straight from the checkpoint into <paramref name="destination"/>.</summary>
    public void CopyTo(LlamaTensorSpec spec, Stream destination)
    {
        var (offset, count) = Locate(spec);
        using var source = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        source.Position = offset;
        var buffer = new byte[1 << 16];
        for (var left = count * sizeof(float); left > 0;)
        {
            var n = (int)Math.Min(buffer.Length, left);
            source.ReadExactly(buffer, 0, n);
            destination.Write(buffer, 0, n);
            left -= n;
        }
    }

    /// <summary>A tensor's values as stored in the checkpoint (row-major (out, in) for matrices).</summary>
    public float[] Read(LlamaTensorSpec spec)
    {
        var (offset, count) = Locate(spec);
        var values = new float[count];
        using var source = File.OpenRead(Path);
        source.Position = offset;
        source.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
