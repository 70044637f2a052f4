using System.CommandLine;
using System.Globalization;
using Crayon.Benchmarking;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Hybrid.Endpoint;
using Crayon.Hybrid.ServerModel;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Pool.Building;
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
        var report = new ReportOutput("benchmark JSON to write (queries and SVG plots go beside it)");
        var quick = new Option<bool>("--quick") { Description = "3 tasks × 50 items, 3 MMLU subjects × 25, K = 16, the quick server recipe: 27 s on 2 cores, plus about 45 s for pool and server model on a cold cache" };
        var deviceModel = new Option<string?>("--device-model") { Description = "the device's GGUF model (default: stories260K from the shared data)" };
        var adapter = new Option<string?>("--adapter") { Description = "one customized adapter (GGUF) the device uses for every task, instead of customizing from a pool" };
        var pool = new Option<string?>("--pool") { Description = "customize the device for each task from this pool (default: the standard pool, built once and cached)" };
        var noCustomization = new Option<bool>("--base") { Description = "the device answers with its base model (no customization)" };
        var alpha = new AlphaCommandOptions();
        var serverModel = new Option<string?>("--server-model") { Description = "the server's GGUF model for the in-process server (default: the device model fine-tuned on all train splits by --server-recipe, built once and cached)" };
        var serverRecipe = new Option<string?>("--server-recipe") { Description = "how the default server model is made: full (about 5.5 min on 2 cores) or quick (30 s); default full, quick with --quick" };
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
            quick, deviceModel, adapter, pool, noCustomization, serverModel, serverRecipe, serverUrl, apiKey, tasks, outOfScope, items, oosItems, k, seed, threads, ctx, routingSignal, raw,
        };
        alpha.AddTo(command);
        report.AddTo(command);
        command.SetAction(async (result, cancellationToken) => await ReportOutput.EmitAsync(report.Json(result), async () =>
        {
            if (new[] { result.GetValue(adapter) is not null, result.GetValue(pool) is not null, result.GetValue(noCustomization) }.Count(x => x) > 1)
                throw new UsageException("give at most one of --adapter, --pool and --base");
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
                    var other => throw new UsageException($"--routing-signal must be hidden or query, not '{other}'"),
                },
                CenterRouting = !result.GetValue(raw),
            };
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var devicePath = result.GetValue(deviceModel) ?? DefaultModel.EnsureImported();
            var contextOptions = new LlamaContextOptions { ContextLength = result.GetValue(ctx), Threads = result.GetValue(threads) };
            var catalog = TaskCatalog.Open();
            using var device = LlamaModel.Load(devicePath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });

            // The device customizes through the product's own path: the standard pool (or --pool) and the Customizer.
            var poolPath = result.GetValue(pool);
            if (poolPath is null && result.GetValue(adapter) is null && !result.GetValue(noCustomization))
            {
                var standard = new StandardPool { Seed = settings.Seed };
                var cached = PoolBuildProgressBar.Run(CliConsole.Error(), report => standard.GetOrBuild(devicePath, catalog, new PoolBuildRun { Progress = report, Cancellation = cancellationToken }));
                Console.Error.WriteLine($"bench hybrid: pool {(cached.Built is null ? "reused" : $"built in {cached.Built.Elapsed.TotalSeconds:F0} s")}: {cached.Path}");
                poolPath = cached.Path;
            }
            using var customizer = poolPath is null ? null
                : new Customizer(device, PoolModelIdentity.Of(devicePath), AdapterPoolFile.Read(poolPath),
                    CustomizerOptions.Default with { Alpha = alpha.Alpha(result), Mode = alpha.Mode(result) });
            if (customizer is not null) settings = settings with { Signal = customizer.Pool.Signal };
            var fixedAdapter = result.GetValue(adapter) is { } adapterPath ? File.ReadAllBytes(adapterPath) : null;
            TaskCustomizer customize = customizer is not null ? PoolTaskCustomizer.From(customizer)
                : fixedAdapter is not null ? (_, _, _, context) =>
                {
                    using var loaded = LlamaAdapter.Load(device, fixedAdapter, result.GetValue(adapter)!);
                    context.ApplyAdapters(AdapterSet.Single(loaded));
                }
                : (_, _, _, context) => context.ApplyAdapters(AdapterSet.None);

            // The server model: named, or the device model fine-tuned on every train split (built once, cached).
            var recipeName = result.GetValue(serverRecipe) ?? (result.GetValue(quick) ? "quick" : "full");
            var recipe = recipeName switch
            {
                "full" => ServerModelRecipe.Full,
                "quick" => ServerModelRecipe.Quick,
                _ => throw new UsageException($"--server-recipe must be full or quick, not '{recipeName}'"),
            };
            CachedServerModel? builtServer = null;
            if (result.GetValue(serverModel) is null && result.GetValue(serverUrl) is null)
            {
                if (result.GetValue(deviceModel) is not null) throw new UsageException("with --device-model, name the server's model too (--server-model or --server-url)");
                builtServer = TrainingProgressBar.Run(CliConsole.Error(),
                    $"server model ({recipe.Name})", progress => ServerModelCache.GetOrBuild(recipe with { Seed = settings.Seed }, catalog: catalog, progress: progress, cancellation: cancellationToken));
                Console.Error.WriteLine($"bench hybrid: server model {(builtServer.Statistics is null ? "reused" : $"trained in {builtServer.Elapsed!.Value.TotalSeconds:F0} s")}: {builtServer.Path}");
            }
            var serverPath = result.GetValue(serverModel) ?? builtServer?.Path ?? devicePath;

            await using var server = result.GetValue(serverUrl) is null
                ? await CrayonServer.StartAsync(new CrayonServerOptions
                {
                    ModelPath = serverPath, Backend = LlamaBackend.Cpu, Threads = result.GetValue(threads), ContextLength = result.GetValue(ctx), Contexts = 1,
                }, cancellationToken)
                : null;
            var url = server?.BaseUrl ?? new Uri(result.GetValue(serverUrl)!);
            using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = url, ApiKey = result.GetValue(apiKey), Timeout = TimeSpan.FromSeconds(120) });
            Console.Error.WriteLine($"bench hybrid: device {devicePath}, server {(server is null ? url.ToString() : $"{serverPath} at {url}")}, " +
                                    $"customization {(customizer is not null ? "pool " + poolPath : fixedAdapter is not null ? "adapter " + result.GetValue(adapter) : "none (base model)")}");

            var outcome = await HybridBenchmark.RunAsync(device, contextOptions, customize, endpoint, catalog, settings,
                line => Console.Error.WriteLine($"bench hybrid: {line}"), cancellationToken);

            var machine = MachineInfo.Current();
            var recorded = new Dictionary<string, string>
            {
                ["device_model"] = devicePath, ["server_model"] = server is null ? url.ToString() : serverPath,
                ["server_recipe"] = builtServer is null ? "named" : $"{recipe.Name}: {builtServer.TrainingItems} train items, " + recipe.Canonical().Replace('\n', ' '),
                ["customization"] = customizer is not null
                    ? $"pool {poolPath} (Customizer: {AlphaCommandOptions.Name(customizer.Options.Mode)}, tau {customizer.Options.Alpha.Temperature.ToString(CultureInfo.InvariantCulture)}, top-k {customizer.Options.Alpha.TopK?.ToString(CultureInfo.InvariantCulture) ?? "all"})"
                    : fixedAdapter is not null ? $"adapter {result.GetValue(adapter)}" : "none",
                ["tasks"] = string.Join(",", settings.Tasks), ["out_of_scope"] = string.Join(",", settings.OutOfScope),
                ["items_per_task"] = Int(settings.ItemsPerTask), ["items_per_out_of_scope"] = Int(settings.ItemsPerOutOfScope), ["k"] = Int(settings.K),
                ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture), ["signal"] = settings.Signal.ToString().ToLowerInvariant(),
                ["routing_signal"] = settings.RoutingSignal.ToString().ToLowerInvariant(), ["routing_similarity"] = settings.CenterRouting ? $"centered on {settings.ReferencePerTask} train items per standard task" : "raw cosine",
                ["random_draws"] = Int(settings.RandomDraws), ["quick"] = result.GetValue(quick) ? "true" : "false",
                ["machine"] = $"{machine.Cpu}, {machine.Cores} cores, {machine.Os}",
            };
            CliConsole.Current().Write(BenchmarkTables.Hybrid(outcome.Records));
            return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "hybrid.json", path =>
            {
                foreach (var file in outcome.Write(path, recorded)) Console.WriteLine($"wrote {file}");
            });
        }));
        return command;
    }

    private static IReadOnlyList<string>? List(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
