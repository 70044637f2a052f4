using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Crayon.Llama;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Training;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon pool build --model m.gguf --data siqa --data mine.jsonl --adapters N --rank r -o pool.gguf`: embed the
/// examples, cluster them, train one LoRA per cluster, write the pool. Resumable with --resume.
/// </summary>
internal static class PoolBuildCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "F32 GGUF model the pool is for (e.g. from `crayon import llama2c`)", Required = true };
        var data = new Option<string[]>("--data")
        {
            Description = "a QA JSONL file, or the name of a task of the shared data (its train split, without items of its test split); repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var adapters = new Option<int>("--adapters", "-n") { Description = "N: clusters, hence base adapters", DefaultValueFactory = _ => 16 };
        var rank = new Option<int>("--rank", "-r") { Description = "LoRA rank of the base adapters", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--output", "-o") { Description = "the pool file to write (GGUF)", Required = true };
        var signal = new Option<string>("--signal") { Description = "query (first-layer attention queries, the paper's) or hidden (last hidden state)", DefaultValueFactory = _ => PoolBuildSettings.DefaultSignal.ToString().ToLowerInvariant() };
        var seed = new Option<long>("--seed") { Description = "seeds the sample, k-means and training: the same seed gives the same pool file", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int?>("--epochs") { Description = "training epochs per adapter (default: the measured default for the rank: 4 from rank 8, else 2)" };
        var lr = new Option<float?>("--lr") { Description = "peak learning rate (default: 3e-3 from rank 8, else 1e-2)" };
        var perTask = new Option<int>("--per-task-cap") { Description = "at most this many train items from each named task (0: all)", DefaultValueFactory = _ => TaskSampler.DefaultMixturePerTaskCap };
        var minCluster = new Option<int>("--min-cluster") { Description = "clusters smaller than this train on their nearest other examples too, up to this many", DefaultValueFactory = _ => 32 };
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted build (its work folder '<output>.build') if its settings match" };
        var json = JsonOutput.CreateOption();
        var command = new Command("build", "Embed training examples, cluster them and train one LoRA per cluster into a pool file (progress on stderr)")
        {
            model, data, adapters, rank, output, signal, seed, epochs, lr, perTask, minCluster, resume, json,
        };
        command.SetAction((result, cancellation) =>
        {
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var r = result.GetValue(rank);
            var training = TrainingOptions.AdapterDefaultsFor(r);
            if (result.GetValue(epochs) is { } e) training = training with { Epochs = e };
            if (result.GetValue(lr) is { } l) training = training with { LearningRate = l };
            var settings = new PoolBuildSettings
            {
                Adapters = result.GetValue(adapters),
                Rank = r,
                Signal = SignalOption.Parse(result.GetValue(signal)!, "--signal"),
                Seed = result.GetValue(seed),
                Training = training,
                MinClusterExamples = result.GetValue(minCluster),
            };
            EnsurePositive(settings.Adapters, "--adapters");
            EnsurePositive(settings.Rank, "--rank");
            EnsurePositive(settings.MinClusterExamples, "--min-cluster");
            EnsurePositive(training.Epochs, "--epochs");
            if (!(training.LearningRate > 0) || !float.IsFinite(training.LearningRate))
                throw new UsageException($"--lr must be a positive number, got {training.LearningRate.ToString(CultureInfo.InvariantCulture)}");
            var cap = result.GetValue(perTask);
            if (cap < 0) throw new UsageException($"--per-task-cap must not be negative, got {cap}");
            var path = result.GetValue(output)!;
            OutputFolder.EnsureExists(path, "--output");
            var trainingData = PoolDataOption.Load(result.GetValue(data)!, settings.Seed, cap == 0 ? int.MaxValue : cap);
            // Progress goes to stderr, so that stdout (redirected to a file or piped) holds only the result.
            var progressConsole = CliConsole.Error();
            progressConsole.MarkupLineInterpolated($"Building a pool of {settings.Adapters} rank-{settings.Rank} adapters from {trainingData.Examples.Count:N0} examples ({string.Join(", ", trainingData.TaskCounts.Select(t => $"{t.Task} {t.Count}"))})");
            var built = PoolBuildProgressBar.Run(progressConsole, progress => PoolBuilder.Build(result.GetValue(model)!, trainingData, settings, path,
                new PoolBuildRun { Resume = result.GetValue(resume), Progress = progress, Cancellation = cancellation }));
            if (result.GetValue(json))
            {
                JsonOutput.Write(ToJson(path, built));
                return Task.FromResult(0);
            }
            var console = CliConsole.Current();
            console.Write(ClusterTable(built));
            console.MarkupLineInterpolated(
                $"Wrote {Path.GetFullPath(path)}: {built.Pool.Count} adapters, rank {built.Pool.Adapters.Rank}, {ExampleEmbeddingsName(built.Pool.Signal)} signal, settings {built.SettingsHash[..12]}… in {built.Elapsed.TotalSeconds:F1} s{(built.ResumedAdapters > 0 ? $" ({built.ResumedAdapters} adapters resumed)" : "")}");
            return Task.FromResult(0);
        });
        return command;
    }

    // Checked before the data is read and the model loaded, naming the option rather than the settings property.
    private static void EnsurePositive(int value, string option)
    {
        if (value < 1) throw new UsageException($"{option} must be at least 1, got {value}");
    }

    private static string ExampleEmbeddingsName(EmbeddingSignal signal) => signal.ToString().ToLowerInvariant();

    private static JsonObject ToJson(string path, PoolBuildResult built) => new()
    {
        ["output"] = Path.GetFullPath(path),
        ["adapters"] = built.Pool.Count,
        ["rank"] = built.Pool.Adapters.Rank,
        ["signal"] = ExampleEmbeddingsName(built.Pool.Signal),
        ["settingsHash"] = built.SettingsHash,
        ["seconds"] = built.Elapsed.TotalSeconds,
        ["resumedAdapters"] = built.ResumedAdapters,
        ["clusters"] = JsonOutput.Array(built.Clusters, c => new JsonObject
        {
            ["index"] = c.Index,
            ["adapter"] = c.Name,
            ["examples"] = c.Members,
            ["borrowed"] = c.TopUp,
            ["purity"] = c.Purity,
            ["tasks"] = JsonOutput.Array(c.Tasks, t => new JsonObject { ["task"] = t.Task, ["count"] = t.Count }),
        }),
    };

    internal static Table ClusterTable(PoolBuildResult built)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "adapter", "examples", "borrowed", "purity", "tasks");
        foreach (var c in built.Clusters)
            table.AddRow(c.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Name), c.Members.ToString(CultureInfo.InvariantCulture),
                c.TopUp.ToString(CultureInfo.InvariantCulture), c.Purity.ToString("P0", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(" ", c.Tasks.Take(4).Select(t => $"{t.Task}:{t.Count}"))));
        return table;
    }
}
