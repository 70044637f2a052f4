using System.CommandLine;
using System.Globalization;
using Crayon.Benchmarking;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Models;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench swap`: alpha in to adapter live in llama.cpp, split into blend, read-back, GGUF image,
/// llama.cpp load, set and first token; and the same adapter through a file as the baseline.
/// </summary>
internal static class BenchSwapCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var model = new BenchModelOptions(llama);
        var adapters = new Option<int>("--adapters", "-n") { Description = "adapters in the pool (N)", DefaultValueFactory = _ => 8 };
        var rank = new Option<int>("--rank") { Description = "rank of every pool adapter", DefaultValueFactory = _ => 16 };
        var targets = new Option<string>("--targets") { Description = "modules with a LoRA (llama.cpp names)", DefaultValueFactory = _ => string.Join(",", SwapBenchmark.DefaultTargets) };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "measured swaps (after one warm-up)", DefaultValueFactory = _ => 10 };
        var mode = new Option<string>("--mode") { Description = "linear or concat", DefaultValueFactory = _ => "linear" };
        var topK = new Option<int>("--top-k") { Description = "concat: adapters stacked", DefaultValueFactory = _ => 4 };
        var blendBackend = new Option<string>("--blend-backend") { Description = "auto, vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var chunkKib = new Option<int>("--chunk-kib") { Description = "pipelined in-place swap: KiB per read-back chunk (0 = 1024)", DefaultValueFactory = _ => 0 };
        var report = new ReportOutput("write the figures, with the machine, to this JSON file");
        var command = new Command("swap", "Time from blend weights to an adapter live in llama.cpp, against loading it from a file")
        {
            adapters, rank, targets, repetitions, mode, topK, blendBackend, chunkKib,
        };
        model.AddTo(command);
        report.AddTo(command);
        command.SetAction(result =>
        {
            var settings = new SwapBenchmarkSettings
            {
                Adapters = result.GetValue(adapters),
                Rank = result.GetValue(rank),
                Targets = result.GetValue(targets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Repetitions = result.GetValue(repetitions),
                Mode = SwapMode(BlendOptionParsing.Mode(result.GetValue(mode)!, "--mode")),
                TopK = result.GetValue(topK),
                ChunkBytes = result.GetValue(chunkKib) * 1024L,
                BlendBackend = result.GetValue(blendBackend) switch
                {
                    "auto" => BlendBackend.Auto,
                    "vulkan" => BlendBackend.Vulkan,
                    "cpu" => BlendBackend.Cpu,
                    var other => throw new UsageException($"--blend-backend must be auto, vulkan or cpu, not '{other}'"),
                },
            };
            return ReportOutput.Emit(report.Json(result), () =>
            {
                using var loaded = model.Load(result);
                var outcome = SwapBenchmark.Run(loaded, settings, result.GetValue(llama.Threads), message => Console.Error.WriteLine($"bench swap: {message}"));
                Print(outcome);
                return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "swap.json", path =>
                {
                    using (var stream = File.Create(path)) outcome.WriteJson(stream);
                    Console.WriteLine($"wrote {Path.GetFullPath(path)}");
                });
            });
        });
        return command;
    }

    private static void Print(SwapBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"model {r.Model} on {r.LlamaDevice}; blend on {r.BlendDevice}; pool {r.PoolSize} × rank {r.Settings.Rank}, {r.TargetsPerAdapter} targets, {r.ElementsPerAdapter:N0} elements per adapter"));
        Console.WriteLine("phase                in memory (ms, median)   through a file (ms, median)   in place (ms, median)   in place, sequential");
        string Cell(IReadOnlyList<(string Phase, PhaseStats Stats)> phases, string phase) =>
            phases.FirstOrDefault(p => p.Phase == phase) is { Phase: not null } found ? (found.Stats.Median / 1000).ToString("F3", c) : "";
        foreach (var phase in r.InMemory.Concat(r.FromFile).Concat(r.InPlace).Concat(r.InPlaceSequential).Select(p => p.Phase).Distinct())
            Console.WriteLine(string.Create(c,
                $"{phase,-20} {Cell(r.InMemory, phase),22}   {Cell(r.FromFile, phase),27}   {Cell(r.InPlace, phase),21}   {Cell(r.InPlaceSequential, phase),20}"));
        Console.WriteLine(string.Create(c, $"in place, pipelined: read back in {r.InPlaceChunks} chunks, uploaded in {r.InPlaceUploads.Median:F0} (median); the adapter is live at upload_done"));
        Console.WriteLine(string.Create(c, $"steady decode of one token: {r.SteadyDecode.Median / 1000:F3} ms (in-place context {r.InPlaceSteadyDecode.Median / 1000:F3} ms)"));
        Console.WriteLine(string.Create(c, $"in place: image {r.InPlaceImageBytes:N0} bytes, {(r.InPlaceImagePinned ? "pinned" : "not pinned")}; largest logit difference to a fresh load {r.InPlaceMaxLogitDifference:G3}"));
    }

    /// <summary>The in-place swap runs linear and concat only (it takes a <see cref="BlendMode"/>): any other recipe fails here by name.</summary>
    private static BlendMode SwapMode(BlendRecipe recipe) =>
        recipe == BlendRecipe.Linear ? BlendMode.Linear
        : recipe == BlendRecipe.Concat ? BlendMode.Concat
        : throw new UsageException($"--mode {recipe.Name}: bench swap measures linear or concat only");
}
