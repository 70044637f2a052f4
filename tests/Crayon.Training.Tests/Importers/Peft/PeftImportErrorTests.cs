using Crayon.Formats;
using Crayon.Formats.Safetensors;
using Crayon.Importers.Peft;
using Crayon.Tests.Formats.Safetensors;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Importers.Peft;

/// <summary>Small PEFT folders built on the fly: configurations and tensors llama.cpp cannot express are refused by name.</summary>
public class PeftImportErrorTests : TempFolderTest
{
    private const string BaseConfig = """
        {"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["v_proj", "down_proj"], "use_dora": false,
         "use_rslora": false, "fan_in_fan_out": false, "bias": "none", "rank_pattern": {}, "alpha_pattern": {},
         "modules_to_save": null, "base_model_name_or_path": "someone/tiny-llama"}
        """;

    private static float[] Values(int n, float start = 0.5f) => Enumerable.Range(0, n).Select(i => start + i * 0.01f).ToArray();

    private static SafetensorsBuilder Tiny() => new SafetensorsBuilder()
        .F32("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [2, 8], Values(16))
        .F32("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", [4, 2], Values(8))
        .F32("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight", [2, 12], Values(24))
        .F32("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", [8, 2], Values(16));

    private string Folder(string config = BaseConfig, SafetensorsBuilder? weights = null)
    {
        var dir = TempFolder.CreateSubdirectory($"a{Guid.NewGuid():N}");
        File.WriteAllText(Path.Combine(dir.FullName, "adapter_config.json"), config);
        (weights ?? Tiny()).WriteTo(Path.Combine(dir.FullName, "adapter_model.safetensors"));
        return dir.FullName;
    }

    private static string Edit(string field, string value)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(BaseConfig)!.AsObject();
        config[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return config.ToJsonString();
    }

    [Test]
    public void ASmallValidFolderConverts()
    {
        var adapter = PeftImporter.Import(Folder());
        Assert.That(adapter.Pairs.Select(p => p.Target), Is.EqualTo(new[] { "blk.0.attn_v", "blk.1.ffn_down" }));
        Assert.That(adapter.Alpha, Is.EqualTo(4f));
        Assert.That(adapter.Pairs[1].B.Data, Is.EqualTo(Values(16)), "down_proj needs no reordering");
    }

    [Test]
    public void RsLoraIsFoldedIntoAlpha()
    {
        var adapter = PeftImporter.Import(Folder(Edit("use_rslora", "true")));
        Assert.That(adapter.Alpha, Is.EqualTo(4f * MathF.Sqrt(2)).Within(1e-6), "alpha/sqrt(r) = alpha'/r");
    }

    [TestCase("use_dora", "true", "use_dora")]
    [TestCase("fan_in_fan_out", "true", "fan_in_fan_out")]
    [TestCase("bias", "\"lora_only\"", "bias")]
    [TestCase("modules_to_save", "[\"lm_head\"]", "modules_to_save")]
    [TestCase("alpha_pattern", "{\"v_proj\": 8}", "per-module alphas")]
    [TestCase("peft_type", "\"IA3\"", "only LORA")]
    [TestCase("r", "0", "positive integer rank")]
    [TestCase("lora_alpha", "\"big\"", "expected a number")]
    [TestCase("target_modules", "[\"v_proj\", \"lm_head\"]", "'lm_head' has no llama.cpp LoRA counterpart")]
    public void UnsupportedConfigurationsAreRefusedByField(string field, string value, string expected)
    {
        var e = Assert.Throws<FileFormatException>(() => PeftImporter.Import(Folder(Edit(field, value))))!;
        Assert.That(e.Message, Does.Contain("adapter_config.json").And.Contain(expected));
    }

    [Test]
    public void MissingFilesAreNamed()
    {
        Assert.That(() => PeftImporter.Import(PathIn("nope")), Throws.InstanceOf<DirectoryNotFoundException>());
        var noConfig = TempFolder.CreateSubdirectory("noconfig").FullName;
        Assert.That(() => PeftImporter.Import(noConfig), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("adapter_config.json"));
        var pickle = Folder();
        File.Move(Path.Combine(pickle, "adapter_model.safetensors"), Path.Combine(pickle, "adapter_model.bin"));
        Assert.That(() => PeftImporter.Import(pickle), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("safe_serialization"));
    }

    [Test]
    public void BrokenTensorSetsAreRefusedByTensor()
    {
        string Fails(SafetensorsBuilder weights) =>
            Assert.Throws<SafetensorsFormatException>(() => PeftImporter.Import(Folder(weights: weights)))!.Message;

        var missingB = new SafetensorsBuilder().F32("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [2, 8], Values(16));
        Assert.That(Fails(missingB), Does.Contain("LoRA pair 'blk.0.attn_v'").And.Contain("missing its lora_B"));

        var rank = Tiny().F32("base_model.model.model.layers.2.self_attn.v_proj.lora_A.weight", [3, 8], Values(24))
            .F32("base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight", [4, 2], Values(8));
        Assert.That(Fails(rank), Does.Contain("blk.2.attn_v").And.Contain("has rank 3 but lora_B [4, 2] has rank 2"));

        var wrongR = new SafetensorsBuilder().F32("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [1, 8], Values(8))
            .F32("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", [4, 1], Values(4));
        Assert.That(Fails(wrongR), Does.Contain("has rank 1 but adapter_config.json says r = 2"));

        var dora = Tiny().F32("base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector", [4], Values(4));
        Assert.That(Fails(dora), Does.Contain("DoRA"));

        var head = Tiny().F32("base_model.model.lm_head.lora_A.weight", [2, 8], Values(16));
        Assert.That(Fails(head), Does.Contain("tensor 'base_model.model.lm_head.lora_A.weight'").And.Contain("cannot be converted"));

        var nan = Values(8);
        nan[5] = float.PositiveInfinity;
        var inf = new SafetensorsBuilder().F32("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [2, 8], Values(16))
            .F32("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", [4, 2], nan);
        Assert.That(Fails(inf), Does.Contain("element 5 is ∞").Or.Contain("element 5 is Infinity"));
    }

    [Test]
    public void QueryLoraOfAnUnknownBaseModelAsksForHeadCounts()
    {
        var q = new SafetensorsBuilder().F32("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [2, 8], Values(16))
            .F32("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [8, 2], Values(16));
        var folder = Folder(Edit("target_modules", "[\"q_proj\"]"), q);
        Assert.That(() => PeftImporter.Import(folder), Throws.InstanceOf<SafetensorsFormatException>()
            .With.Message.Contains("someone/tiny-llama").And.Message.Contains("--heads"));
        var withHeads = PeftImporter.Import(folder, new PeftImportOptions(HeadCount: 2));
        // Two heads of 4 rows: rows (0,1,2,3) → (0,2,1,3) within each head.
        Assert.That(withHeads.Pairs[0].B.Data.Chunk(2).Select(r => r[0]), Is.EqualTo(new[] { 0, 2, 1, 3, 4, 6, 5, 7 }.Select(i => Values(16)[2 * i])));
    }
}
