using Crayon.Tests.Support;

namespace Crayon.Tests.Importers.Llama2c;

/// <summary>The shared llama2.c test model and what the data README says about its bytes.</summary>
internal static class Stories260K
{
    public static string Model => TestData.Require("models/stories260K.bin");
    public static string Tokenizer => TestData.Require("models/tok512.bin");

    public const int Dim = 64, Hidden = 172, Layers = 5, Heads = 8, KvHeads = 4, Vocab = 512, SeqLen = 512, KvDim = 32;

    /// <summary>Byte offsets of each all-layers array, from the data README (an oracle independent of our code).</summary>
    public static readonly Dictionary<string, long> ArrayOffsets = new()
    {
        ["token_embedding_table"] = 28, ["rms_att_weight"] = 131_100, ["wq"] = 132_380, ["wk"] = 214_300, ["wv"] = 255_260,
        ["wo"] = 296_220, ["rms_ffn_weight"] = 378_140, ["w1"] = 379_420, ["w2"] = 599_580, ["w3"] = 819_740,
        ["rms_final_weight"] = 1_039_900,
    };

    /// <summary>Floats of one layer's slice of an array, read straight from the file.</summary>
    public static float[] Slice(string array, int layer, int count)
    {
        var bytes = File.ReadAllBytes(Model);
        var start = ArrayOffsets[array] + (long)layer * count * 4;
        var values = new float[count];
        Buffer.BlockCopy(bytes, (int)start, values, 0, count * 4);
        return values;
    }
}
