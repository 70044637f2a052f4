using System.CommandLine;
using System.Globalization;
using Crayon.Benchmarking;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Server.Hosting;
using Crayon.Tasks;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench hybrid`: accuracy against routing ratio (the paper's figure 4) on the customized tasks
/// alone and mixed with out-of-scope MMLU queries, for each routing policy and for random routing, with
/// the server model answering over HTTP (an in-process server on 127.0.0.1, or --server-url).
/// </summary>
internal static class BenchHybridCommand
{
    public static Command Create()
    {
        var json = new Option<string>("--json") { Description = "benchmark JSON to write (queries and SVG plots go beside it)", Required = true };
        var quick = new Option<bool>("--quick") { Description = "3 tasks × 50 items, 3 MMLU subjects × 25, K = 16: well under a minute on 2 cores with stories260K" };
        var deviceModel = new Option<string?>("--device-model") { Description = "the device's GGUF model (default: stories260K from the shared data)" };
        var adapter = new Option<string?>("--adapter") { Description = "one customized adapter (GGUF) the device uses for every task" };
        var pool = new Option<string?>("--pool") { Description = "customize the device for each task from this pool (alpha from q_c of the task's K examples)" };
        var mode = new Option<string>("--mode") { Description = "pool blend: linear or concat", DefaultValueFactory = _ => "linear" };
        var topK = new Option<int?>("--top-k") { Description = "pool blend: adapters kept in alpha (and stacked by concat)" };
        var tau = new Option<double>("--tau") { Description = "pool blend: softmax temperature of alpha", DefaultValueFactory = _ => AlphaOptions.Default.Temperature };
        var serverModel = new Option<string?>("--server-model") { Description = "the server's GGUF model for the in-process server (default: the device model, which only tests the plumbing)" };
        var serverUrl = new Option<string?>("--server-url") { Description = "an OpenAI-compatible endpoint to use instead of the in-process server" };
        var apiKey = new Option<string?>("--api-key") { Description = "API key for --server-url" };
        var tasks = new Option<string?>("--tasks") { Description = "customized tasks, comma-separated (default: the eight standard tasks; --quick: arc_easy,obqa,siqa)" };
        var outOfScope = new Option<string?>("--out-of-scope") { Description = "MMLU subjects as out-of-scope queries, comma-separated (e.g. mmlu/anatomy)" };
        var items = new Option<int?>("--items") { Description = "test items per customized task" };
        var oosItems = new Option<int?>("--oos-items") { Description = "test items per out-of-scope subject" };
        var k = new Option<int?>("--k") { Description = "the user's examples per task" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "CPU threads per llama.cpp context (device and server)", DefaultValueFactory = _ => 1 };
        var ctx = new Option<int>("--ctx") { Description = "context length of device and server", DefaultValueFactory = _ => 512 };
        var routingSignal = new Option<string>("--routing-signal") { Description = "the embedding routing compares queries with q_c in: hidden or query", DefaultValueFactory = _ => "hidden" };
        var raw = new Option<bool>("--raw-similarity") { Description = "do not center routing similarities on the reference mixture's mean" };
        var command = new Command("hybrid", "Accuracy against routing ratio: device, server and routing policies on customized and mixed query sets")
        {
            json, quick, deviceModel, adapter, pool, mode, topK, tau, serverModel, serverUrl, apiKey, tasks, outOfScope, items, oosItems, k, seed, threads, ctx, routingSignal, raw,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(adapter) is not null && result.GetValue(pool) is not null) throw new ArgumentException("give --adapter or --pool, not both");
            var preset = result.GetValue(quick) ? HybridBenchmarkSettings.Quick : new HybridBenchmarkSettings();
            var settings = preset with
            {
                Tasks = List(result.GetValue(tasks)) ?? preset.Tasks,
                OutOfScope = List(result.GetValue(outOfScope)) ?? preset.OutOfScope,
                ItemsPerTask = result.GetValue(items) ?? preset.ItemsPerTask,
                ItemsPerOutOfScope = result.GetValue(oosItems) ?? preset.ItemsPerOutOfScope,
                K = result.GetValue(k) ?? preset.K,
                Seed = result.GetValue(seed),
                RoutingSignal = result.GetValue(routingSignal) switch
                {
                    "hidden" => EmbeddingSignal.Hidden,
                    "query" => EmbeddingSignal.Query,
                    var other => throw new ArgumentException($"--routing-signal must be hidden or query, not '{other}'"),
                },
                CenterRouting = !result.GetValue(raw),
            };
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var devicePath = result.GetValue(deviceModel) ?? DefaultModel.EnsureImported();
            var serverPath = result.GetValue(serverModel) ?? devicePath;
            var contextOptions = new LlamaContextOptions { ContextLength = result.GetValue(ctx), Threads = result.GetValue(threads) };
            using var device = LlamaModel.Load(devicePath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });

            using var poolCustomizer = result.GetValue(pool) is { } poolPath
                ? new PoolTaskCustomizer(device, new PoolModel(device.GetMetadata("general.name") ?? device.Name, device.Architecture, ModelFingerprint.Of(devicePath)),
                    AdapterPoolFile.Read(poolPath), new AlphaOptions { Temperature = result.GetValue(tau), TopK = result.GetValue(topK) },
                    BlendOptionParsing.Mode(result.GetValue(mode)!, "--mode"), result.GetValue(topK))
                : null;
            if (poolCustomizer is not null) settings = settings with { Signal = poolCustomizer.Signal };
            var fixedAdapter = result.GetValue(adapter) is { } adapterPath ? File.ReadAllBytes(adapterPath) : null;
            TaskCustomizer customize = poolCustomizer is not null ? poolCustomizer.Customize
                : fixedAdapter is not null ? (task, _, _) => LlamaAdapter.Load(device, fixedAdapter, result.GetValue(adapter)!)
                : (_, _, _) => null;

            await using var server = result.GetValue(serverUrl) is null
                ? await CrayonServer.StartAsync(new CrayonServerOptions
                {
                    ModelPath = serverPath, Backend = LlamaBackend.Cpu, Threads = result.GetValue(threads), ContextLength = result.GetValue(ctx), Contexts = 1,
                }, cancellationToken)
                : null;
            var url = server?.BaseUrl ?? new Uri(result.GetValue(serverUrl)!);
            using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = url, ApiKey = result.GetValue(apiKey), Timeout = TimeSpan.FromSeconds(120) });
            Console.Error.WriteLine($"bench hybrid: device {devicePath}, server {(server is null ? url.ToString() : $"{serverPath} at {url}")}, " +
                                    $"customization {(poolCustomizer is not null ? "pool " + result.GetValue(pool) : fixedAdapter is not null ? "adapter " + result.GetValue(adapter) : "none (base model)")}");

            var outcome = await HybridBenchmark.RunAsync(device, contextOptions, customize, endpoint, TaskCatalog.Open(), settings,
                line => Console.Error.WriteLine($"bench hybrid: {line}"), cancellationToken);

            var machine = MachineInfo.Current();
            var recorded = new Dictionary<string, string>
            {
                ["device_model"] = devicePath, ["server_model"] = server is null ? url.ToString() : serverPath,
                ["customization"] = poolCustomizer is not null ? $"pool {result.GetValue(pool)} ({result.GetValue(mode)}, tau {result.GetValue(tau).ToString(CultureInfo.InvariantCulture)}, top-k {result.GetValue(topK)?.ToString(CultureInfo.InvariantCulture) ?? "all"})"
                    : fixedAdapter is not null ? $"adapter {result.GetValue(adapter)}" : "none",
                ["tasks"] = string.Join(",", settings.Tasks), ["out_of_scope"] = string.Join(",", settings.OutOfScope),
                ["items_per_task"] = Int(settings.ItemsPerTask), ["items_per_out_of_scope"] = Int(settings.ItemsPerOutOfScope), ["k"] = Int(settings.K),
                ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture), ["signal"] = settings.Signal.ToString().ToLowerInvariant(),
                ["routing_signal"] = settings.RoutingSignal.ToString().ToLowerInvariant(), ["routing_similarity"] = settings.CenterRouting ? $"centered on {settings.ReferencePerTask} train items per standard task" : "raw cosine",
                ["random_draws"] = Int(settings.RandomDraws), ["quick"] = result.GetValue(quick) ? "true" : "false",
                ["machine"] = $"{machine.Cpu}, {machine.Cores} cores, {machine.Os}",
            };
            CliConsole.Current().Write(BenchmarkTables.Hybrid(outcome.Records));
            foreach (var file in outcome.Write(result.GetValue(json)!, recorded)) Console.WriteLine($"wrote {file}");
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<string>? List(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
