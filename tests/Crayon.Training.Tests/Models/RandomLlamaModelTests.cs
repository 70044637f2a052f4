using Crayon.Formats.Gguf;
using Crayon.Models;
using NUnit.Framework;

namespace Crayon.Tests.Models;

public class RandomLlamaModelTests
{
    private static readonly LlamaHyperparameters Small = new(VocabSize: 300, EmbeddingLength: 32, BlockCount: 2, FeedForwardLength: 48,
        HeadCount: 4, HeadCountKv: 2, ContextLength: 128);

    [Test]
    public void SmolLM135MLayoutHasTheModelsPublishedParameterCount()
    {
        var specs = LlamaTensorLayout.For(LlamaHyperparameters.SmolLM135M);
        Assert.That(specs, Has.Count.EqualTo(1 + 30 * 9 + 1));
        Assert.That(specs.Sum(s => s.ElementCount), Is.EqualTo(134_515_008L), "SmolLM-135M: 134.5M parameters with tied embeddings");
        var byName = specs.ToDictionary(s => s.Name);
        Assert.That(byName["token_embd.weight"].Dimensions, Is.EqualTo(new long[] { 576, 49_152 }));
        Assert.That(byName["blk.29.attn_q.weight"].Dimensions, Is.EqualTo(new long[] { 576, 576 }));
        Assert.That(byName["blk.29.attn_k.weight"].Dimensions, Is.EqualTo(new long[] { 576, 192 }), "3 KV heads of 64");
        Assert.That(byName["blk.0.ffn_down.weight"].Dimensions, Is.EqualTo(new long[] { 1_536, 576 }));
        Assert.That(byName.ContainsKey("output.weight"), Is.False, "SmolLM ties its output to the embedding");
    }

    [Test]
    public void WritesALoadableLayoutWithSeededValues()
    {
        var options = new RandomLlamaModelOptions(Seed: 42, Storage: GgmlType.F16, Name: "tiny");
        using var image = new MemoryStream();
        RandomLlamaModel.Write(image, Small with { TiedOutput = false }, options);
        var file = GgufReader.Read(image.ToArray(), "tiny.gguf");

        Assert.That(LlamaHyperparameters.ReadFrom(file.Metadata), Is.EqualTo(Small));
        Assert.That(file.Metadata.GetString("general.name"), Is.EqualTo("tiny"));
        Assert.That(file.Metadata.GetUInt32("general.file_type"), Is.EqualTo(1u), "MOSTLY_F16");
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(LlamaTensorLayout.For(Small with { TiedOutput = false }).Select(s => s.Name)));
        Assert.That(file["blk.1.ffn_norm.weight"].Type, Is.EqualTo(GgmlType.F32));
        Assert.That(file["blk.1.ffn_norm.weight"].ToFloat32(), Is.All.EqualTo(1f));
        Assert.That(file["output.weight"].Type, Is.EqualTo(GgmlType.F16));

        var q = file["blk.1.attn_q.weight"].ToFloat32();
        var expected = RandomLlamaModel.Values(Small with { TiedOutput = false }, "blk.1.attn_q.weight", options);
        Assert.That(q, Is.EqualTo(expected.Select(v => (float)(Half)v)));
        var bound = 0.02f * MathF.Sqrt(3f);
        Assert.That(q, Is.All.InRange(-bound, bound));
        var std = Math.Sqrt(q.Average(v => (double)v * v));
        Assert.That(std, Is.EqualTo(0.02).Within(0.002));
    }

    [Test]
    public void TheSameSeedGivesTheSameBytesAndAnotherSeedDoesNot()
    {
        byte[] Bytes(ulong seed)
        {
            using var s = new MemoryStream();
            RandomLlamaModel.Write(s, Small, new RandomLlamaModelOptions(Seed: seed));
            return s.ToArray();
        }
        Assert.That(Bytes(1), Is.EqualTo(Bytes(1)));
        Assert.That(Bytes(1), Is.Not.EqualTo(Bytes(2)));
        var f = GgufReader.Read(Bytes(1));
        Assert.That(f["blk.0.attn_q.weight"].Data.ToArray(), Is.Not.EqualTo(f["blk.1.attn_q.weight"].Data.ToArray()), "each tensor has its own stream");
    }

    [Test]
    public void WritingStreamsTheWeightsInsteadOfBufferingThem()
    {
        // SmolLM-135M's attention shape with a small vocabulary and FFN: about 60 MB of F16.
        var shape = LlamaHyperparameters.SmolLM135M with { VocabSize = 512, FeedForwardLength = 64 };
        var size = GgufWriter.MeasureSize(
            LlamaModelWriter.Metadata(shape, LlamaVocabulary.Synthetic(512), "x", GgmlType.F16),
            LlamaModelWriter.TensorInfos(LlamaTensorLayout.For(shape), GgmlType.F16));
        var counter = new Crayon.Formats.CountingStream(Stream.Null);
        var before = GC.GetAllocatedBytesForCurrentThread();
        RandomLlamaModel.Write(counter, shape, new RandomLlamaModelOptions(Storage: GgmlType.F16));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(counter.Written, Is.EqualTo(size));
        Assert.That(size, Is.GreaterThan(50_000_000));
        Assert.That(allocated, Is.LessThan(size / 10), $"{allocated} bytes allocated to write {size}");
    }

    [Test]
    public void SyntheticVocabularyIsValidForSentencePiece()
    {
        var v = LlamaVocabulary.Synthetic(49_152);
        var texts = v.Tokens.Select(t => System.Text.Encoding.UTF8.GetString(t)).ToArray();
        Assert.That(texts, Has.Length.EqualTo(49_152));
        Assert.That(texts, Is.Unique);
        Assert.That(texts[3 + 10], Is.EqualTo("<0x0A>"), "llama.cpp looks up the newline byte token");
        Assert.That(v.Types.Skip(3).Take(256), Is.All.EqualTo(LlamaTokenType.Byte));
        Assert.That(texts, Does.Contain("▁").And.Contain("a").And.Contain("▁ab"));
        Assert.That(() => LlamaVocabulary.Synthetic(100), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("259"));
    }

    [Test]
    public void InconsistentShapesAreRejectedByField()
    {
        Assert.That(() => LlamaTensorLayout.For(Small with { HeadCount = 5 }), Throws.ArgumentException.With.Message.Contains("not divisible by HeadCount 5"));
        Assert.That(() => LlamaTensorLayout.For(Small with { HeadCountKv = 3 }), Throws.ArgumentException.With.Message.Contains("HeadCountKv 3"));
        Assert.That(() => LlamaTensorLayout.For(Small with { BlockCount = 0 }), Throws.ArgumentException.With.Message.Contains("BlockCount"));
        Assert.That(() => RandomLlamaModel.Write(Stream.Null, Small, new RandomLlamaModelOptions(Storage: GgmlType.Q4_0)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
