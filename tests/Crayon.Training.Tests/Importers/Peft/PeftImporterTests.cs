using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Formats.Safetensors;
using Crayon.Importers.Peft;
using Crayon.Models;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Importers.Peft;

/// <summary>The two real SmolLM-135M adapters of the shared data: r 16, alpha 32, q_proj and v_proj on 30 layers.</summary>
public class PeftImporterTests
{
    [TestCase("adapters/peft-smollm135m-medflash-5ep")]
    [TestCase("adapters/peft-smollm135m-medflash-100ep")]
    public void RealAdaptersConvertWithLlamaCppNamesAlphaAndRank(string folder)
    {
        var dir = TestData.Require(folder);
        var adapter = PeftImporter.Import(dir);
        Assert.That(adapter.Architecture, Is.EqualTo("llama"));
        Assert.That(adapter.Alpha, Is.EqualTo(32f));
        Assert.That(adapter.UniformRank, Is.EqualTo(16), "llama.cpp scales by alpha / rank = 2, PEFT's scaling");
        Assert.That(adapter.Pairs, Has.Count.EqualTo(60));
        Assert.That(adapter.Pairs.Take(2).Select(p => p.Target), Is.EqualTo(new[] { "blk.0.attn_q", "blk.0.attn_v" }));
        Assert.That(adapter.Pairs[^1].Target, Is.EqualTo("blk.29.attn_v"));
        Assert.That(adapter.Metadata["crayon.peft.base_model"], Is.EqualTo("HuggingFaceTB/SmolLM-135M-Instruct"));

        var gguf = GgufReader.Read(LoraAdapterGguf.ToBytes(adapter));
        Assert.That(gguf["blk.7.attn_q.weight.lora_a"].Dimensions, Is.EqualTo(new long[] { 576, 16 }));
        Assert.That(gguf["blk.7.attn_q.weight.lora_b"].Dimensions, Is.EqualTo(new long[] { 16, 576 }));
        Assert.That(gguf["blk.7.attn_v.weight.lora_b"].Dimensions, Is.EqualTo(new long[] { 16, 192 }));
        Assert.That(gguf.Metadata.GetFloat32("adapter.lora.alpha"), Is.EqualTo(32f));
    }

    [Test]
    public void ValuesAreCarriedExactlyAndQueryRowsFollowLlamaCppsRopeOrder()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        var raw = SafetensorsReader.Read(Path.Combine(dir, "adapter_model.safetensors"));
        var adapter = PeftImporter.Import(dir);
        float[] Raw(string name) => raw[$"base_model.model.model.layers.3.self_attn.{name}.weight"].ToFloat32();
        var q = adapter.Pairs.Single(p => p.Target == "blk.3.attn_q");
        var v = adapter.Pairs.Single(p => p.Target == "blk.3.attn_v");

        Assert.That(v.A.Data, Is.EqualTo(Raw("v_proj.lora_A")));
        Assert.That(v.B.Data, Is.EqualTo(Raw("v_proj.lora_B")), "v is not rotated, so its rows stay in place");
        Assert.That(q.A.Data, Is.EqualTo(Raw("q_proj.lora_A")), "only B's output rows move");

        // SmolLM-135M: 9 heads of 64. Within each head, HF row i·32 + j becomes llama.cpp row 2j + i.
        var qb = Raw("q_proj.lora_B");
        foreach (var (hf, llama) in new[] { (0, 0), (32, 1), (1, 2), (33, 3), (31, 62), (63, 63), (64 + 5, 64 + 10), (8 * 64 + 32 + 7, 8 * 64 + 15) })
            Assert.That(q.B.Data.AsSpan(llama * 16, 16).ToArray(), Is.EqualTo(qb.AsSpan(hf * 16, 16).ToArray()), $"HF row {hf} → llama.cpp row {llama}");
    }

    [Test]
    public void ConvertedAdaptersRoundTripThroughGgufFiles()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-100ep");
        var output = Path.Combine(Path.GetTempPath(), $"crayon-peft-{Guid.NewGuid():N}.gguf");
        try
        {
            PeftImporter.ImportToFile(dir, output);
            var back = LoraAdapterGguf.Read(output);
            var direct = PeftImporter.Import(dir);
            Assert.That(back.Pairs.Select(p => p.Target), Is.EqualTo(direct.Pairs.Select(p => p.Target)));
            Assert.That(back.Pairs.Zip(direct.Pairs).All(p => p.First.A.Data.SequenceEqual(p.Second.A.Data) && p.First.B.Data.SequenceEqual(p.Second.B.Data)), Is.True);
            Assert.That(File.ReadAllBytes(output), Is.EqualTo(LoraAdapterGguf.ToBytes(back)), "rewriting the file changes no byte");
            Assert.That(back.Metadata["general.name"], Is.EqualTo("peft-smollm135m-medflash-100ep"));
        }
        finally { File.Delete(output); }
    }

    [Test]
    public void ExplicitHeadCountsOverrideTheKnownBaseModel()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        var known = PeftImporter.Import(dir).Pairs[0].B.Data;
        var asOneHead = PeftImporter.Import(dir, new PeftImportOptions(HeadCount: 1)).Pairs[0].B.Data;
        var asNine = PeftImporter.Import(dir, new PeftImportOptions(HeadCount: 9, HeadCountKv: 3)).Pairs[0].B.Data;
        Assert.That(asNine, Is.EqualTo(known));
        Assert.That(asOneHead, Is.Not.EqualTo(known), "the permutation depends on the head size");
    }
}
