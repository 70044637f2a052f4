using Crayon.Formats.Safetensors;
using Crayon.Importers.Peft;
using Crayon.Models;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Importers.Peft;

/// <summary>The real adapter against random base models written by our generator (only their headers are read).</summary>
public class PeftBaseModelTests
{
    private string _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("crayon-peft-base-").FullName;

    [OneTimeTearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string Base(string name, LlamaHyperparameters shape)
    {
        var path = Path.Combine(_folder, name);
        if (!File.Exists(path)) RandomLlamaModel.WriteFile(path, shape, new RandomLlamaModelOptions(Storage: Crayon.Formats.Gguf.GgmlType.F16));
        return path;
    }

    // SmolLM-135M's attention shape; vocabulary and FFN shrunk because only the attention tensors are checked.
    private static readonly LlamaHyperparameters SmolAttention = LlamaHyperparameters.SmolLM135M with { VocabSize = 300, FeedForwardLength = 32 };

    [Test]
    public void AMatchingBaseGivesHeadCountsAndArchitecture()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        var withBase = PeftImporter.Import(dir, new PeftImportOptions(BaseModel: Base("smol.gguf", SmolAttention)));
        var withKnownName = PeftImporter.Import(dir);
        Assert.That(withBase.Architecture, Is.EqualTo("llama"));
        Assert.That(withBase.Pairs[0].B.Data, Is.EqualTo(withKnownName.Pairs[0].B.Data), "head counts read from the base GGUF");
    }

    [Test]
    public void ABaseOfAnotherShapeIsNamedInTheError()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        var narrow = Base("narrow.gguf", SmolAttention with { HeadCountKv = 9 });
        Assert.That(() => PeftImporter.Import(dir, new PeftImportOptions(BaseModel: narrow)), Throws.InstanceOf<SafetensorsFormatException>()
            .With.Message.Contains("blk.0.attn_v").And.Message.Contains("maps 576 → 192 features").And.Message.Contains("[576, 576]"));
        var shallow = Base("shallow.gguf", SmolAttention with { BlockCount = 2 });
        Assert.That(() => PeftImporter.Import(dir, new PeftImportOptions(BaseModel: shallow)), Throws.InstanceOf<SafetensorsFormatException>()
            .With.Message.Contains("blk.2.attn_q.weight").And.Message.Contains("does not have"));
    }
}
