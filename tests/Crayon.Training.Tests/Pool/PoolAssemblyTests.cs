using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Pool.Assembly;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

/// <summary>Pools from adapters a user already has: GGUF LoRAs and the two real PEFT adapters, checked, customized from, taken apart again.</summary>
public class PoolAssemblyTests : TempFolderTest
{
    private const string Peft5 = "adapters/peft-smollm135m-medflash-5ep";
    private const string Peft100 = "adapters/peft-smollm135m-medflash-100ep";

    /// <summary>The tiny pool's trained adapters written as GGUF files, one F16 and one F32, each with its task's query texts as examples.</summary>
    private AssemblyInput[] GeneratedInputs()
    {
        var tasks = new[] { ("siqa", GgmlType.F16), ("csqa", GgmlType.F32) };
        return tasks.Select((t, i) =>
        {
            var adapterPath = PathIn($"{t.Item1}.gguf");
            LoraAdapterGguf.WriteFile(TinyPool.Pool.Adapters.Adapters[i], adapterPath, t.Item2);
            var examplesPath = PathIn($"{t.Item1}.txt");
            File.WriteAllLines(examplesPath, QaJsonlReader.ReadFile(TestData.Require($"qa/{t.Item1}/train.jsonl")).Take(12)
                .Select(item => QaPrompt.QueryText(item).ReplaceLineEndings(" ")));
            return new AssemblyInput(adapterPath, examplesPath);
        }).ToArray();
    }

    [Test]
    public void AnAssembledPoolCustomizesAndGivesItsGgufAdaptersBackByteForByte()
    {
        var inputs = GeneratedInputs();
        var assembled = PoolAssembler.Assemble(TrainingFixture.Model, inputs, EmbeddingSignal.Query);
        var path = PathIn("assembled.gguf");
        AdapterPoolFile.Write(assembled, path);
        var pool = AdapterPoolFile.Read(path);

        Assert.Multiple(() =>
        {
            Assert.That(pool.AdapterNames, Is.EqualTo(new[] { "siqa", "csqa" }));
            Assert.That(pool.EmbeddingCenter, Is.Not.Null, "centered like a built pool");
            Assert.That(pool.Provenance["assembled.0.source"], Is.EqualTo(Path.GetFullPath(inputs[0].AdapterPath)));
            Assert.That(pool.Provenance["assembled.1.sha256"], Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(inputs[1].AdapterPath)))));
            Assert.That(pool.Provenance["assembled.0.example_count"], Is.EqualTo("12"));
        });

        for (var i = 0; i < inputs.Length; i++)
        {
            var (bytes, original) = PoolExtractor.Extract(pool, PoolExtractor.Find(pool, pool.AdapterNames[i]));
            Assert.That(original, Is.True);
            Assert.That(bytes, Is.EqualTo(File.ReadAllBytes(inputs[i].AdapterPath)), $"{inputs[i].AdapterPath} comes back byte for byte");
        }
        Assert.That(PoolExtractor.Find(pool, "1"), Is.EqualTo(1));
        Assert.That(() => PoolExtractor.Find(pool, "nope"), Throws.ArgumentException.With.Message.Contains("0 'siqa'"));

        using var model = LlamaTestRuntime.LoadCpu(TrainingFixture.Model);
        using var customizer = new Customizer(model, PoolModelIdentity.Of(TrainingFixture.Model), pool,
            new CustomizerOptions { Blender = new BlenderOptions { Backend = BlendBackend.Cpu } });
        using var context = model.CreateContext(LlamaTestRuntime.Context());
        var siqa = QaJsonlReader.ReadFile(TestData.Require("qa/siqa/train.jsonl")).Skip(50).Take(8).AsExamples();
        var result = customizer.Customize(siqa, context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Alpha.Sum(), Is.EqualTo(1).Within(1e-9));
            Assert.That(result.Similarities[0], Is.GreaterThan(result.Similarities[1]), "SIQA examples sit nearer the adapter whose examples were SIQA");
            Assert.That(result.Guard, Is.Not.Null);
        });
    }

    [Test]
    public void TrainingSetSizesGiveTheAssembledPoolItsPriorAndMustBeGivenForAllOrNone()
    {
        var inputs = GeneratedInputs();
        var pool = PoolAssembler.Assemble(TrainingFixture.Model, [inputs[0] with { TrainedOn = 300 }, inputs[1] with { TrainedOn = 100 }], EmbeddingSignal.Query);
        var unsized = PoolAssembler.Assemble(TrainingFixture.Model, inputs, EmbeddingSignal.Query);
        Assert.Multiple(() =>
        {
            Assert.That(pool.Prior, Is.EqualTo(new[] { 0.75, 0.25 }));
            Assert.That(pool.Provenance[PoolPrior.ClusterSizesKey], Is.EqualTo("300,100"));
            Assert.That(unsized.Prior, Is.EqualTo(new[] { 0.5, 0.5 }), "no sizes: the uniform prior");
            Assert.That(() => PoolAssembler.Assemble(TrainingFixture.Model, [inputs[0] with { TrainedOn = 300 }, inputs[1]], EmbeddingSignal.Query),
                Throws.ArgumentException.With.Message.Contains("adapter 1 ('csqa') has no training-set size").And.Message.Contains("every adapter or for none"));
            Assert.That(() => PoolAssembler.Assemble(TrainingFixture.Model, [inputs[0] with { TrainedOn = 0 }, inputs[1] with { TrainedOn = 5 }], EmbeddingSignal.Query),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("adapter 0 ('siqa') was trained on 0 examples"));
        });
    }

    [Test]
    public void TheRealPeftAdaptersImportAndAreRefusedForAModelOfAnotherShape()
    {
        var examples = PathIn("texts.txt");
        File.WriteAllLines(examples, ["What helps a headache?", "Name a symptom of flu."]);
        // Both PEFT adapters import and agree in rank and targets; stories260K is not their SmolLM-135M, so the model check refuses by name.
        var e = Assert.Throws<InvalidDataException>(() => PoolAssembler.Assemble(TrainingFixture.Model,
            [new AssemblyInput(TestData.Require(Peft5), examples), new AssemblyInput(TestData.Require(Peft100), examples)]))!;
        Assert.That(e.Message, Does.Contain("peft-smollm135m-medflash-5ep").And.Contain(Path.GetFileName(TrainingFixture.Model)));
    }

    [Test]
    public void DifferingRanksAreRefusedNamingBothAdapters()
    {
        var inputs = GeneratedInputs();
        var e = Assert.Throws<InvalidDataException>(() => PoolAssembler.Assemble(TrainingFixture.Model,
            [inputs[0], new AssemblyInput(TestData.Require(Peft5), inputs[1].ExamplesPath)]))!;
        Assert.That(e.Message, Does.Contain("siqa.gguf' (rank 2)").And.Contain("peft-smollm135m-medflash-5ep' (rank 16)"));
    }

    [Test]
    public void AGgufThatCannotComeBackByteForByteIsRefusedAtAssembly()
    {
        var inputs = GeneratedInputs();
        File.AppendAllText(inputs[1].AdapterPath, "trailing bytes");
        var e = Assert.Throws<InvalidDataException>(() => PoolAssembler.Assemble(TrainingFixture.Model, inputs))!;
        Assert.That(e.Message, Does.Contain("csqa.gguf").And.Contain("byte for byte"));
    }
}
