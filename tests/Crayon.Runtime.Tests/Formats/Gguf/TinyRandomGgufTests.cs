using Crayon.Formats.Gguf;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>llama-2-tiny-random.gguf was written by llama.cpp's own tooling; the data README documents its bytes.</summary>
public class TinyRandomGgufTests
{
    private static string TinyPath => TestData.Require("models/llama-2-tiny-random.gguf");

    [Test]
    public void ReadsWhatTheDataReadmeDocuments()
    {
        var layout = GgufReader.ReadLayout(TinyPath);
        Assert.Multiple(() =>
        {
            Assert.That(layout.Version, Is.EqualTo(3u));
            Assert.That(layout.Metadata.Count, Is.EqualTo(18));
            Assert.That(layout.Tensors, Has.Count.EqualTo(12));
            Assert.That(layout.Alignment, Is.EqualTo(32), "general.alignment is absent, so the default applies");
            Assert.That(layout.DataOffset, Is.EqualTo(724_416));
            Assert.That(layout.Length, Is.EqualTo(1_750_560));
            Assert.That(layout.Metadata.GetString("general.architecture"), Is.EqualTo("llama"));
            Assert.That(layout.Metadata.GetString("general.name"), Is.EqualTo("LLaMA v2"));
            Assert.That(layout.Metadata.GetUInt32("llama.context_length"), Is.EqualTo(4096u));
            Assert.That(layout.Metadata.GetFloat32("llama.attention.layer_norm_rms_epsilon"), Is.EqualTo(1e-5f));
            Assert.That(layout.Metadata[GgufKeys.Tokens].AsStringArray(), Has.Length.EqualTo(32_000));
            Assert.That(layout.Metadata[GgufKeys.Scores].AsArray<float>().Length, Is.EqualTo(32_000));
            Assert.That(layout.Metadata[GgufKeys.TokenType].AsArray<int>().Length, Is.EqualTo(32_000));
            Assert.That(layout.Metadata.GetUInt32(GgufKeys.BosTokenId), Is.EqualTo(1u));
        });
        var embd = layout.Tensors[0];
        Assert.That(embd.Info.Name, Is.EqualTo("token_embd.weight"));
        Assert.That(embd.Info.Dimensions, Is.EqualTo(new long[] { 8, 32_000 }));
        Assert.That(embd.Info.Type, Is.EqualTo(GgmlType.F16));
        var ffnDown = layout.Tensors.Single(t => t.Info.Name == "blk.0.ffn_down.weight");
        Assert.That(ffnDown.Info.Dimensions, Is.EqualTo(new long[] { 32, 8 }));
        Assert.That(layout.Tensors.Single(t => t.Info.Name == "output_norm.weight").Info.Type, Is.EqualTo(GgmlType.F32));
        Assert.That(layout.Tensors[^1].Offset, Is.EqualTo(514_144));
    }

    [Test]
    public void WritingBackAnUnchangedFileIsByteIdenticalAndRereadsEqual()
    {
        var original = File.ReadAllBytes(TinyPath);
        var file = GgufReader.Read(TinyPath);

        var written = GgufWriter.ToBytes(file);
        Assert.That(written, Is.EqualTo(original), "llama.cpp's tooling writes the canonical layout, so our output must match it byte for byte");

        var reread = GgufReader.Read(written, "rewritten");
        GgufAssert.Equal(reread, file);
    }

    [Test]
    public void HalfPrecisionTensorsConvertToTheFloatsTheirBitsEncode()
    {
        var file = GgufReader.Read(TinyPath);
        var q = file["blk.0.attn_q.weight"];
        var floats = q.ToFloat32();
        var raw = q.Data.Span;
        for (var i = 0; i < floats.Length; i++)
            Assert.That(floats[i], Is.EqualTo((float)BitConverter.UInt16BitsToHalf((ushort)(raw[2 * i] | raw[2 * i + 1] << 8))));
        Assert.That(floats.Any(f => f != 0), Is.True, "random weights are not all zero");
        Assert.That(file["output_norm.weight"].AsFloat32Span().Length, Is.EqualTo(8));
    }
}
