using Crayon.Pool;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using Crayon.Training;

namespace Crayon.Tests.Pool;

/// <summary>
/// A real pool on stories260K, as small as a pool can usefully be: 24 train items (12 SIQA, 12 CSQA), 2 clusters,
/// rank 2, one epoch of 64-token windows on two modules. Built once per test run and shared by the tests that only
/// read it (customization, CLI); the build tests build their own.
/// </summary>
internal static class TinyPool
{
    private static readonly string Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crayon-tiny-pool-{Environment.ProcessId}");
    private static readonly Lazy<(string Path, AdapterPoolArtifact Pool)> Built = new(() =>
    {
        Directory.CreateDirectory(Folder);
        var path = System.IO.Path.Combine(Folder, "tiny-pool.gguf");
        var result = PoolBuilder.Build(TrainingFixture.Model, Data(), Settings(), path);
        return (path, result.Pool);
    });

    public static string Path => Built.Value.Path;

    public static AdapterPoolArtifact Pool => Built.Value.Pool;

    /// <summary>The first 12 train items of SIQA and of CSQA.</summary>
    public static PoolTrainingData Data()
    {
        var siqa = QaJsonlReader.ReadFile(TestData.Require("qa/siqa/train.jsonl")).Take(12);
        var csqa = QaJsonlReader.ReadFile(TestData.Require("qa/csqa/train.jsonl")).Take(12);
        return siqa.Concat(csqa).AsPoolData(["task siqa (first 12)", "task csqa (first 12)"]);
    }

    public static PoolBuildSettings Settings(long seed = 1, int rank = 2) => new()
    {
        Adapters = 2,
        Rank = rank,
        Seed = seed,
        MinClusterExamples = 6,
        Signal = Crayon.Llama.EmbeddingSignal.Query, // the tests' expectations (refusals of "hidden") are written for a query pool
        Training = TrainingFixture.Tiny with { Epochs = 1 },
    };

    /// <summary>Items the pool never saw, for customizing (CSQA train items 100-107).</summary>
    public static IReadOnlyList<QaItem> Examples(int count = 8) =>
        QaJsonlReader.ReadFile(TestData.Require("qa/csqa/train.jsonl")).Skip(100).Take(count).ToArray();

    public static void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
