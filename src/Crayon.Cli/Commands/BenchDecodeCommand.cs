using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Blending;
using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench decode`: steady-state decode tokens/s with no adapter, one plain LoRA, a linear blend, a concat of the
/// top k, and runtime mixes of k adapters, so the cost of each way of applying adapters is seen side by side.
/// </summary>
internal static class BenchDecodeCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var model = new BenchModelOptions(llama);
        var configurations = new Option<string>("--configs")
        {
            Description = "configurations: none, single, linear, concat-K, mix-K (comma-separated)",
            DefaultValueFactory = _ => "none,single,linear,concat-4,mix-4,mix-8",
        };
        var adapters = new Option<int>("--adapters", "-n") { Description = "adapters in the pool the blends and mixes draw from (N)", DefaultValueFactory = _ => 8 };
        var rank = new Option<int>("--rank") { Description = "rank of every pool adapter", DefaultValueFactory = _ => 16 };
        var targets = new Option<string>("--targets") { Description = "modules with a LoRA (llama.cpp names)", DefaultValueFactory = _ => string.Join(",", SwapBenchmark.DefaultTargets) };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "prompt length before the timed steps", DefaultValueFactory = _ => 32 };
        var tokens = new Option<int>("--tokens") { Description = "single-token decode steps timed per run", DefaultValueFactory = _ => 128 };
        var runs = new Option<int>("--runs", "-r") { Description = "timed runs per configuration (after one warm-up)", DefaultValueFactory = _ => 3 };
        var blendBackend = new Option<string>("--blend-backend") { Description = "auto, vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var report = new ReportOutput("write the figures, with the machine, to this JSON file");
        var command = new Command("decode", "Decode tokens/s with no adapter, one LoRA, a blend, a concat and runtime mixes")
        {
            configurations, adapters, rank, targets, promptTokens, tokens, runs, blendBackend,
        };
        model.AddTo(command);
        report.AddTo(command);
        command.SetAction(result =>
        {
            var settings = new DecodeBenchmarkSettings
            {
                Configurations = BlendOptionParsing.List(result.GetValue(configurations)!, "--configs", DecodeConfiguration.Parse),
                Adapters = result.GetValue(adapters),
                Rank = result.GetValue(rank),
                Targets = result.GetValue(targets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                PromptTokens = result.GetValue(promptTokens),
                Tokens = result.GetValue(tokens),
                Runs = result.GetValue(runs),
                BlendBackend = BlendOptionParsing.Backend(result.GetValue(blendBackend)!, "--blend-backend", allowAuto: true),
            };
            return ReportOutput.Emit(report.Json(result), () =>
            {
                using var loaded = model.Load(result);
                var machine = MachineInfo.Current();
                var outcome = DecodeBenchmark.Run(loaded, settings, result.GetValue(llama.Threads), message => Console.Error.WriteLine($"bench decode: {message}"));
                Print(loaded, settings, outcome);
                return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "decode.json", path =>
                {
                    WriteJson(new FileInfo(path), machine, loaded, settings, outcome);
                    Console.WriteLine($"wrote {Path.GetFullPath(path)}");
                });
            });
        });
        return command;
    }

    private static double? Baseline(IReadOnlyList<DecodeMeasurement> results, string kind) =>
        results.FirstOrDefault(r => r.Configuration.Kind == kind)?.Median;

    private static void Print(LlamaModel model, DecodeBenchmarkSettings settings, IReadOnlyList<DecodeMeasurement> results)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"model {model.Name} on {model.Device?.ToString() ?? "CPU"}; {settings.PromptTokens}-token prompt, {settings.Tokens} greedy steps, median of {settings.Runs} runs"));
        Console.WriteLine("configuration   adapters  rank   tokens/s (median)   vs none   vs single");
        var none = Baseline(results, "none");
        var single = Baseline(results, "single");
        foreach (var r in results)
            Console.WriteLine(string.Create(c,
                $"{r.Configuration.Name,-15} {r.AppliedAdapters,8} {r.AppliedRank,5}   {r.Median,17:F1}   {(none is { } n ? $"{r.Median / n:F3}x" : ""),7}   {(single is { } s ? $"{r.Median / s:F3}x" : ""),9}"));
    }

    private static void WriteJson(FileInfo file, MachineInfo machine, LlamaModel model, DecodeBenchmarkSettings settings, IReadOnlyList<DecodeMeasurement> results)
    {
        if (file.Directory is { Exists: false } directory) directory.Create();
        using var stream = File.Create(file.FullName);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("benchmark", "decode");
        machine.WriteJson(json);
        json.WriteString("model", model.Name);
        json.WriteString("llama_device", model.Device?.ToString() ?? "CPU");
        json.WriteNumber("pool_adapters", settings.Adapters);
        json.WriteNumber("rank", settings.Rank);
        json.WriteString("targets", string.Join(",", settings.Targets));
        json.WriteNumber("prompt_tokens", settings.PromptTokens);
        json.WriteNumber("tokens", settings.Tokens);
        json.WriteNumber("runs", settings.Runs);
        json.WriteString("method", "fresh context per configuration, one warm-up run, then runs of prompt + greedy single-token decodes; tokens/s over the single-token steps");
        var none = Baseline(results, "none");
        var single = Baseline(results, "single");
        json.WriteStartArray("results");
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteString("configuration", r.Configuration.Name);
            json.WriteNumber("adapters_applied", r.AppliedAdapters);
            json.WriteNumber("rank", r.AppliedRank);
            json.WriteNumber("tokens_per_s_median", Math.Round(r.Median, 2));
            json.WriteNumber("ms_per_token_median", Math.Round(1000 / r.Median, 4));
            json.WriteStartArray("tokens_per_s");
            foreach (var rate in r.TokensPerSecond) json.WriteNumberValue(Math.Round(rate, 2));
            json.WriteEndArray();
            if (none is { } n) json.WriteNumber("vs_none", Math.Round(r.Median / n, 4));
            if (single is { } s) json.WriteNumber("vs_single", Math.Round(r.Median / s, 4));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
