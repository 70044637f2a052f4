using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

public class AdapterTests
{
    private static readonly LlamaContextOptions Small = LlamaTestRuntime.Context(256);

    private static string WriteTemp(byte[] bytes, string name)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{TestContext.CurrentContext.Test.ID}-{name}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void AnAdapterChangesTheLogitsAndScaleZeroRestoresTheBaseExactly()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var baseLogits = context.EvaluateLogits("Hello world");
        using var adapter = LlamaAdapter.Load(model, TinyModel.RandomAdapterBytes(seed: 1), "random-1");
        context.ApplyAdapters(AdapterSet.Single(adapter, 1f));
        var adapted = context.EvaluateLogits("Hello world");
        Assert.That(adapted.Zip(baseLogits).Max(p => Math.Abs(p.First - p.Second)), Is.GreaterThan(1e-3));
        context.ApplyAdapters(AdapterSet.Single(adapter, 0f));
        Assert.That(context.EvaluateLogits("Hello world"), Is.EqualTo(baseLogits));
        context.ApplyAdapters(AdapterSet.None);
        Assert.That(context.EvaluateLogits("Hello world"), Is.EqualTo(baseLogits));
    }

    [Test]
    public void AnAdapterFromMemoryComputesWhatTheSameFileComputes()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var bytes = TinyModel.RandomAdapterBytes(seed: 2);
        using var fromFile = LlamaAdapter.Load(model, WriteTemp(bytes, "adapter.gguf"));
        using var fromMemory = LlamaAdapter.Load(model, bytes, "in-memory");
        context.ApplyAdapters(AdapterSet.Single(fromFile, 0.7f));
        var expected = context.EvaluateLogits("Once upon a time");
        context.ApplyAdapters(AdapterSet.Single(fromMemory, 0.7f));
        Assert.That(context.EvaluateLogits("Once upon a time"), Is.EqualTo(expected));
    }

    [Test]
    public void RuntimeMixOfTwoAdaptersEqualsOneAdapterWithBothPairs()
    {
        // A (q, ffn_down) at 1.0 plus B at 1.0 equals the concatenation of A's and B's ranks in one adapter (exact sum).
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var a = TinyModel.RandomAdapter(seed: 3, rank: 2);
        var b = TinyModel.RandomAdapter(seed: 4, rank: 2);
        var concat = new LoraAdapter("llama", alpha: 4, a.Pairs.Zip(b.Pairs).Select(p => new LoraPair(p.First.Target,
            new LoraMatrix(4, p.First.InFeatures, [.. p.First.A.Data, .. p.Second.A.Data]),
            new LoraMatrix(p.First.OutFeatures, 4, Enumerable.Range(0, p.First.OutFeatures)
                .SelectMany(r => p.First.B.Data.Skip(r * 2).Take(2).Concat(p.Second.B.Data.Skip(r * 2).Take(2))).ToArray()))).ToList());
        using var la = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(a), "a");
        using var lb = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(b), "b");
        using var lc = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(concat), "a|b");
        context.ApplyAdapters(AdapterSet.Mix((la, 1f), (lb, 1f)));
        var mixed = context.EvaluateLogits("The cat sat");
        context.ApplyAdapters(AdapterSet.Single(lc));
        Assert.That(context.EvaluateLogits("The cat sat"), Is.EqualTo(mixed).Within(1e-3));
        context.ApplyAdapters(AdapterSet.Single(la));
        Assert.That(context.EvaluateLogits("The cat sat"), Is.Not.EqualTo(mixed).Within(1e-3));
    }

    [Test]
    public void AnAdapterIsFreedOnlyWhenNothingUsesIt()
    {
        using var model = TinyModel.LoadCpu();
        var context = model.CreateContext(Small);
        var adapter = LlamaAdapter.Load(model, TinyModel.RandomAdapterBytes(seed: 5), "shared");
        context.ApplyAdapters(AdapterSet.Single(adapter));
        adapter.Dispose();
        Assert.That(adapter.IsFreed, Is.False, "the context still applies it");
        Assert.That(context.EvaluateLogits("Hi"), Has.Length.EqualTo(model.VocabularySize));
        context.ApplyAdapters(AdapterSet.None);
        Assert.That(adapter.IsFreed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => context.ApplyAdapters(AdapterSet.Single(adapter)));
        context.Dispose();
    }

    private static IEnumerable<TestCaseData> MismatchedAdapters()
    {
        LoraMatrix M(int r, int c) => new(r, c, Enumerable.Repeat(0.1f, r * c).ToArray());
        yield return new TestCaseData(new LoraAdapter("llama", 2, [new LoraPair("blk.0.attn_q", M(2, 16), M(8, 2))]), "do not fit")
            .SetName("wrong input width");
        yield return new TestCaseData(new LoraAdapter("llama", 2, [new LoraPair("blk.0.attn_q", M(2, 8), M(64, 2))]), "do not fit")
            .SetName("wrong output width");
        yield return new TestCaseData(new LoraAdapter("llama", 2, [new LoraPair("blk.7.attn_q", M(2, 8), M(8, 2))]), "does not exist in model")
            .SetName("missing target tensor");
        yield return new TestCaseData(new LoraAdapter("gpt2", 2, [new LoraPair("blk.0.attn_q", M(2, 8), M(8, 2))]), "architecture 'gpt2'")
            .SetName("another architecture");
    }

    [TestCaseSource(nameof(MismatchedAdapters))]
    public void AMismatchedAdapterIsAClearErrorFromMemoryAndFromFile(LoraAdapter adapter, string expected)
    {
        using var model = TinyModel.LoadCpu();
        var bytes = LoraAdapterGguf.ToBytes(adapter);
        var error = Assert.Throws<InvalidDataException>(() => LlamaAdapter.Load(model, bytes, "bad-adapter"))!;
        Assert.That(error.Message, Does.Contain("bad-adapter").And.Contain(expected));
        var path = WriteTemp(bytes, "bad.gguf");
        Assert.That(Assert.Throws<InvalidDataException>(() => LlamaAdapter.Load(model, path))!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void HalfAPairOrAnUnusableTypeIsAClearError()
    {
        using var model = TinyModel.LoadCpu();
        var meta = LoraAdapterGguf.MetadataOf(TinyModel.RandomAdapter(1));
        byte[] Image(params GgufTensorInfo[] infos) => WriteImage(meta, infos);

        var onlyA = Image(new GgufTensorInfo("blk.0.attn_q.weight.lora_a", [8, 2], GgmlType.F32));
        Assert.That(Assert.Throws<InvalidDataException>(() => LlamaAdapter.Load(model, onlyA, "half"))!.Message,
            Does.Contain("lora_a without its lora_b"));
        var quantized = Image(new GgufTensorInfo("blk.0.attn_q.weight.lora_a", [32, 2], GgmlType.Q8_0),
            new GgufTensorInfo("blk.0.attn_q.weight.lora_b", [2, 8], GgmlType.F32));
        Assert.That(Assert.Throws<InvalidDataException>(() => LlamaAdapter.Load(model, quantized, "q8"))!.Message,
            Does.Contain("must be F32, F16 or BF16"));
        var stray = Image(new GgufTensorInfo("blk.0.attn_q.weight", [8, 8], GgmlType.F32));
        Assert.That(Assert.Throws<InvalidDataException>(() => LlamaAdapter.Load(model, stray, "stray"))!.Message,
            Does.Contain("neither a .lora_a nor a .lora_b"));
    }

    [Test]
    public void ATruncatedAdapterIsAClearError()
    {
        using var model = TinyModel.LoadCpu();
        var bytes = TinyModel.RandomAdapterBytes(seed: 6);
        foreach (var length in new[] { 30, bytes.Length / 2, bytes.Length - 4 })
            Assert.That(Assert.Catch<InvalidDataException>(() => LlamaAdapter.Load(model, bytes.AsMemory(0, length), "cut"))!.Message, Does.Contain("cut"), $"cut at {length}");
    }

    private static byte[] WriteImage(GgufMetadata metadata, GgufTensorInfo[] infos)
    {
        using var stream = new MemoryStream();
        GgufWriter.Write(stream, metadata, infos, (_, info, destination) => destination.Write(new byte[info.ByteSize]));
        return stream.ToArray();
    }
}
