using Crayon.Formats.Gguf;

namespace Crayon.Models;

/// <summary>
/// Writes a llama-architecture GGUF model (hyperparameters, SentencePiece vocabulary, every tensor
/// llama.cpp's llama loader wants) with tensor data streamed from a callback, so converters never hold
/// the model twice in memory. Norm weights are stored F32; matrices in the requested storage type.
/// </summary>
public static class LlamaModelWriter
{
    /// <summary>Writes the bytes of one tensor in the type its GGUF info says (see <see cref="GgufTensor.WriteFloats"/>).</summary>
    public delegate void WeightWriter(LlamaTensorSpec spec, GgufTensorInfo info, Stream destination);

    public static GgufMetadata Metadata(LlamaHyperparameters h, LlamaVocabulary vocabulary, string name, GgmlType matrixStorage)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != h.VocabSize)
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model's vocab_size is {h.VocabSize}");
        var m = new GgufMetadata();
        m.Set(GgufKeys.Architecture, GgufValue.Str(LlamaHyperparameters.Architecture));
        m.Set(GgufKeys.Name, GgufValue.Str(name));
        m.Set(GgufKeys.FileType, GgufValue.U32(FileType(matrixStorage)));
        h.WriteTo(m);
        vocabulary.WriteTo(m);
        return m;
    }

    public static GgufTensorInfo[] TensorInfos(IReadOnlyList<LlamaTensorSpec> specs, GgmlType matrixStorage) =>
        specs.Select(s => new GgufTensorInfo(s.Name, s.Dimensions, s.IsNorm ? GgmlType.F32 : matrixStorage)).ToArray();

    public static void Write(Stream destination, LlamaHyperparameters h, LlamaVocabulary vocabulary, string name, GgmlType matrixStorage, WeightWriter writeWeight)
    {
        var (metadata, specs, infos) = Prepare(h, vocabulary, name, matrixStorage);
        GgufWriter.Write(destination, metadata, infos, (i, info, s) => writeWeight(specs[i], info, s));
    }

    public static void WriteFile(string path, LlamaHyperparameters h, LlamaVocabulary vocabulary, string name, GgmlType matrixStorage, WeightWriter writeWeight)
    {
        var (metadata, specs, infos) = Prepare(h, vocabulary, name, matrixStorage);
        GgufWriter.WriteFile(path, metadata, infos, (i, info, s) => writeWeight(specs[i], info, s));
    }

    private static (GgufMetadata, IReadOnlyList<LlamaTensorSpec>, GgufTensorInfo[]) Prepare(
        LlamaHyperparameters h, LlamaVocabulary vocabulary, string name, GgmlType matrixStorage)
    {
        if (!GgufTensor.IsFloatType(matrixStorage))
            throw new ArgumentOutOfRangeException(nameof(matrixStorage), matrixStorage, "model weights are written as F32, F16 or BF16");
        var specs = LlamaTensorLayout.For(h);
        return (Metadata(h, vocabulary, name, matrixStorage), specs, TensorInfos(specs, matrixStorage));
    }

    /// <summary>general.file_type: llama_ftype ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_BF16 = 32.</summary>
    private static uint FileType(GgmlType storage) => storage switch
    {
        GgmlType.F16 => 1,
        GgmlType.BF16 => 32,
        _ => 0,
    };
}
