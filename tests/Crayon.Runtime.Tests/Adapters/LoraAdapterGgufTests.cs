using System.Runtime.InteropServices;
using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Tests.Formats.Gguf;
using NUnit.Framework;

namespace Crayon.Tests.Adapters;

public class LoraAdapterGgufTests
{
    internal static LoraAdapter RandomAdapter(int seed = 7, int layers = 2, int rank = 3, int hidden = 10, int kv = 4)
    {
        var random = new Random(seed);
        LoraMatrix M(int rows, int cols) => new(rows, cols, SampleGguf.RandomFloats(random, rows * cols));
        var pairs = new List<LoraPair>();
        for (var l = 0; l < layers; l++)
        {
            pairs.Add(new LoraPair($"blk.{l}.attn_q", M(rank, hidden), M(hidden, rank)));
            pairs.Add(new LoraPair($"blk.{l}.attn_v", M(rank, hidden), M(kv, rank)));
        }
        return new LoraAdapter("llama", 6f, pairs, new Dictionary<string, string> { ["general.name"] = "test adapter" });
    }

    [Test]
    public void WritesLlamaCppConventionMetadataAndShapes()
    {
        var adapter = RandomAdapter();
        var file = GgufReader.Read(LoraAdapterGguf.ToBytes(adapter));
        var m = file.Metadata;
        Assert.Multiple(() =>
        {
            Assert.That(m.GetString("general.type"), Is.EqualTo("adapter"));
            Assert.That(m.GetString("adapter.type"), Is.EqualTo("lora"));
            Assert.That(m.GetString("general.architecture"), Is.EqualTo("llama"));
            Assert.That(m.Typed("adapter.lora.alpha", GgufValueType.Float32).AsFloat32(), Is.EqualTo(6f), "llama.cpp reads alpha with gguf_get_val_f32");
            Assert.That(m.GetString("general.name"), Is.EqualTo("test adapter"));
            Assert.That(file.Tensors.Select(t => t.Name).Take(2), Is.EqualTo(new[] { "blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b" }));
        });
        // llama.cpp checks a.ne[0] == in, b.ne[1] == out and a.ne[1] == b.ne[0] == rank.
        var v = adapter.Pairs[1];
        Assert.That(file["blk.0.attn_v.weight.lora_a"].Dimensions, Is.EqualTo(new long[] { 10, 3 }));
        Assert.That(file["blk.0.attn_v.weight.lora_b"].Dimensions, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(file["blk.0.attn_v.weight.lora_a"].Data.ToArray(), Is.EqualTo(MemoryMarshal.AsBytes(v.A.Data.AsSpan()).ToArray()), "A's row-major bytes as they are");
        Assert.That(file["blk.0.attn_v.weight.lora_b"].Data.ToArray(), Is.EqualTo(MemoryMarshal.AsBytes(v.B.Data.AsSpan()).ToArray()));
    }

    [Test]
    public void F32AdaptersRoundTripExactlyAndRewriteByteIdentical()
    {
        var adapter = RandomAdapter();
        var bytes = LoraAdapterGguf.ToBytes(adapter);
        var back = LoraAdapterGguf.Read(bytes, "a.gguf");

        Assert.That(back.Architecture, Is.EqualTo("llama"));
        Assert.That(back.Alpha, Is.EqualTo(6f));
        Assert.That(back.Metadata["general.name"], Is.EqualTo("test adapter"));
        Assert.That(back.Pairs.Select(p => p.Target), Is.EqualTo(adapter.Pairs.Select(p => p.Target)));
        for (var i = 0; i < adapter.Pairs.Count; i++)
        {
            Assert.That(back.Pairs[i].A.Data, Is.EqualTo(adapter.Pairs[i].A.Data));
            Assert.That(back.Pairs[i].B.Data, Is.EqualTo(adapter.Pairs[i].B.Data));
            Assert.That((back.Pairs[i].B.Rows, back.Pairs[i].B.Cols), Is.EqualTo((adapter.Pairs[i].B.Rows, adapter.Pairs[i].B.Cols)));
        }
        Assert.That(LoraAdapterGguf.ToBytes(back), Is.EqualTo(bytes));
        GgufAssert.Equal(GgufReader.Read(bytes), LoraAdapterGguf.ToGguf(adapter));
    }

    [TestCase(GgmlType.F16)]
    [TestCase(GgmlType.BF16)]
    public void HalfStorageRoundTripsWithinItsPrecision(GgmlType storage)
    {
        var adapter = RandomAdapter();
        var bytes = LoraAdapterGguf.ToBytes(adapter, storage);
        Assert.That(GgufReader.Read(bytes).Tensors.Select(t => t.Type), Is.All.EqualTo(storage));
        var back = LoraAdapterGguf.Read(bytes);
        var tolerance = storage == GgmlType.F16 ? 1e-3 : 8e-3;
        for (var i = 0; i < adapter.Pairs.Count; i++)
            for (var j = 0; j < adapter.Pairs[i].A.Data.Length; j++)
                Assert.That(back.Pairs[i].A.Data[j], Is.EqualTo(adapter.Pairs[i].A.Data[j]).Within(tolerance * 2));
        Assert.That(LoraAdapterGguf.ToBytes(back, storage), Is.EqualTo(bytes), "re-encoding decoded half values is lossless");
    }

    [Test]
    public void WritingToAFileMatchesTheImage()
    {
        var adapter = RandomAdapter();
        var path = Path.Combine(Path.GetTempPath(), $"crayon-adapter-{Guid.NewGuid():N}.gguf");
        try
        {
            LoraAdapterGguf.WriteFile(adapter, path, GgmlType.F16);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(LoraAdapterGguf.ToBytes(adapter, GgmlType.F16)));
            Assert.That(LoraAdapterGguf.Read(path).Pairs, Has.Count.EqualTo(4));
        }
        finally { File.Delete(path); }
    }

    private static GgufFile Edit(Action<GgufMetadata, List<GgufTensor>> change)
    {
        var file = LoraAdapterGguf.ToGguf(RandomAdapter(layers: 1));
        var metadata = file.Metadata.Clone();
        var tensors = file.Tensors.ToList();
        change(metadata, tensors);
        metadata.SourceName = "edited.gguf";
        return GgufReader.Read(GgufWriter.ToBytes(new GgufFile(metadata, tensors)), "edited.gguf");
    }

    private static string Rejected(GgufFile file) =>
        Assert.Throws<GgufFormatException>(() => LoraAdapterGguf.FromGguf(file))!.Message;

    [Test]
    public void RejectsFilesThatAreNotLoraAdapters()
    {
        Assert.That(Rejected(Edit((m, _) => m.Set("general.type", GgufValue.Str("model")))),
            Does.Contain("edited.gguf").And.Contain("general.type").And.Contain("'model', expected 'adapter'"));
        Assert.That(Rejected(Edit((m, _) => m.Set("adapter.type", GgufValue.Str("control_vector")))), Does.Contain("adapter.type"));
        Assert.That(Rejected(Edit((m, _) => m.Remove("general.type"))), Does.Contain("general.type").And.Contain("missing"));
        Assert.That(Rejected(Edit((m, _) => m.Set("adapter.lora.alpha", GgufValue.U32(16)))), Does.Contain("adapter.lora.alpha").And.Contain("type u32, expected f32"));
        Assert.That(Rejected(GgufReader.Read(GgufWriter.ToBytes(new GgufFile(new GgufMetadata(), [])), "model.gguf")),
            Does.Contain("model.gguf").And.Contain("general.type").And.Contain("missing"));
    }

    [Test]
    public void RejectsBrokenPairs()
    {
        Assert.That(Rejected(Edit((_, t) => t.RemoveAll(x => x.Name == "blk.0.attn_v.weight.lora_b"))),
            Does.Contain("LoRA pair 'blk.0.attn_v'").And.Contain("missing its lora_b"));
        Assert.That(Rejected(Edit((_, t) => t[1] = GgufTensor.FromFloat32("blk.0.attn_q.weight.lora_b", [2, 10], new float[20]))),
            Does.Contain("lora_a [10, 3] has rank 3 but lora_b [2, 10] has rank 2"));
        Assert.That(Rejected(Edit((_, t) => t.Add(GgufTensor.FromFloat32("blk.0.attn_k.bias", [4], new float[4])))),
            Does.Contain("tensor 'blk.0.attn_k.bias'").And.Contain("neither a .lora_a nor a .lora_b"));
        Assert.That(Rejected(Edit((_, t) => t[0] = SampleGguf.Raw(new Random(1), "blk.0.attn_q.weight.lora_a", [32, 3], GgmlType.Q8_0))),
            Does.Contain("is q8_0; LoRA factors must be f32, f16 or bf16"));
        var nan = new float[30];
        nan[17] = float.NaN;
        Assert.That(Rejected(Edit((_, t) => t[0] = GgufTensor.FromFloat32("blk.0.attn_q.weight.lora_a", [10, 3], nan))),
            Does.Contain("element 17 is NaN"));
        Assert.That(Rejected(Edit((_, t) => t.Clear())), Does.Contain("no lora_a/lora_b pairs"));
    }

    [Test]
    public void SkipsNormTensorsAndTakesAMissingAlphaAsZeroLikeLlamaCpp()
    {
        var file = Edit((m, t) =>
        {
            m.Remove("adapter.lora.alpha");
            t.Add(GgufTensor.FromFloat32("blk.0.attn_norm.weight", [10], new float[10]));
        });
        var adapter = LoraAdapterGguf.FromGguf(file);
        Assert.That(adapter.Alpha, Is.Zero, "llama.cpp then applies B·A unscaled");
        Assert.That(adapter.Pairs, Has.Count.EqualTo(2));
    }
}
