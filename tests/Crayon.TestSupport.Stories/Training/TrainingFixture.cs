using Crayon.Importers.Llama2c;
using Crayon.Llama;
using Crayon.Tasks;
using Crayon.Tests.Importers.Llama2c;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using Crayon.Training;

namespace Crayon.Tests.Training;

/// <summary>
/// The real model and data the training tests use: stories260K imported to GGUF once per test run
/// (F32, as the importer writes it), and SIQA train items in the prompt format adapters are trained on.
/// Runs are kept tiny: 64-token windows, a dozen texts. A test project removes the import when its run ends through
/// <see cref="StoriesArtifacts"/>.
/// </summary>
public static class TrainingFixture
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"crayon-training-tests-{Environment.ProcessId}");
    private static readonly Lazy<string> Imported = new(() =>
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, "stories260K.gguf");
        Llama2cImporter.Import(Stories260K.Model, Stories260K.Tokenizer, path);
        return path;
    });

    /// <summary>The imported model's path (skips the test where the shared data is absent).</summary>
    public static string Model
    {
        get
        {
            _ = Stories260K.Model;
            LlamaTestRuntime.Ensure();
            return Imported.Value;
        }
    }

    public const int Window = 64;

    /// <summary>The first <paramref name="count"/> SIQA train items as training texts that fit a 64-token window.</summary>
    public static IReadOnlyList<TrainingText> Texts(int count = 12)
    {
        var items = QaJsonlReader.ReadFile(TestData.Require("qa/siqa/train.jsonl")).Take(count);
        return items.Select(i => QaPrompt.ForTraining(i, PromptBudget.FromTokens(Window, charsPerToken: 1.6))).ToArray();
    }

    public static TrainingOptions Tiny { get; } = new()
    {
        Targets = TensorSelection.Parse("attn_q,attn_output"),
        Epochs = 2,
        WindowLength = Window,
        LearningRate = 1e-2f,
        Seed = 1,
    };

    /// <summary>Mean negative log-likelihood of each text's completion after its prompt.</summary>
    public static double CompletionNll(LlamaModel model, IReadOnlyList<TrainingText> texts, AdapterSet? adapters = null)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 256, Threads = 1 });
        if (adapters is not null) context.ApplyAdapters(adapters);
        return texts.Average(t => -context.ScoreContinuation(t.Prompt, t.Completion).LogLikelihood);
    }

    public static LlamaModel Load(byte[] image, string name) => LlamaModel.Load(image, name, LlamaTestRuntime.Cpu);

    public static void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
