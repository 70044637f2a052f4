using Crayon.Models;
using System.CommandLine;
using System.Net;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Llama;
using Crayon.Server.Hosting;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench serve`: a closed-loop load on an in-process server over loopback: real completions from
/// concurrent clients (latency percentiles, failures), then malformed and oversized requests (all must be
/// 4xx) and a health check; the figures and the machine go to --out FILE and/or, with --json, to stdout.
/// </summary>
internal static class BenchServeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "GGUF model to serve (default: stories260K from the shared data)" };
        var requests = new Option<int>("--requests") { DefaultValueFactory = _ => 1000 };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 16 };
        var contexts = new Option<int>("--contexts") { Description = "llama.cpp contexts of the server", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "CPU threads per context", DefaultValueFactory = _ => 1 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "tokens generated per request", DefaultValueFactory = _ => 8 };
        var report = new ReportOutput("write the figures, with the machine, to this JSON file");
        var customizedRequests = new Option<int>("--customized-requests") { Description = "requests per customization leg (0 skips per-request customization)", DefaultValueFactory = _ => 512 };
        var distinct = new Option<string>("--distinct") { Description = "distinct customizations interleaved, one leg each (comma-separated)", DefaultValueFactory = _ => "1,16,256" };
        var poolAdapters = new Option<int>("--pool-adapters") { Description = "adapters in the customization pool", DefaultValueFactory = _ => 8 };
        var backend = new Option<string>("--backend") { Description = "where the served model computes: cpu or vulkan", DefaultValueFactory = _ => "cpu" };
        var blendBackend = new Option<string>("--blend-backend") { Description = "where customizations blend: auto, vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var poolRank = new Option<int>("--pool-rank") { Description = "rank of the customization pool's adapters", DefaultValueFactory = _ => 8 };
        var command = new Command("serve", "Load-test the server: latency of concurrent completions, 4xx for malformed requests, and per-request customization (in place vs reloading an adapter per request)")
        {
            model, requests, clients, contexts, threads, maxTokens, customizedRequests, distinct, poolAdapters, poolRank, backend, blendBackend,
        };
        report.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var exit = 0;
            await ReportOutput.EmitAsync(report.Json(result), async () =>
            {
                LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
                var path = result.GetValue(model) ?? DefaultModel.EnsureImported();
                const long maxBody = 64 * 1024;
                var llamaBackend = result.GetValue(backend) switch
                {
                    "cpu" => LlamaBackend.Cpu,
                    "vulkan" => LlamaBackend.Vulkan,
                    var other => throw new UsageException($"--backend must be cpu or vulkan, got '{other}'"),
                };
                var options = new CrayonServerOptions
                {
                    ModelPath = path, Backend = llamaBackend,
                    BlendBackend = BlendOptionParsing.Backend(result.GetValue(blendBackend)!, "--blend-backend", allowAuto: true), Contexts = result.GetValue(contexts), Threads = result.GetValue(threads),
                    ContextLength = 512, MaxBodyBytes = maxBody, MaxQueue = Math.Max(64, result.GetValue(clients)),
                };
                await using var server = await CrayonServer.StartAsync(options, cancellationToken);
                using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
                string[] prompts = ["Once upon a time", "Lily and Tom", "The big dog", "One day, a little bird"];
                var tokens = result.GetValue(maxTokens);
                HttpRequestMessage Completion(int i) => new(HttpMethod.Post, "v1/completions")
                {
                    Content = new StringContent($$"""{"prompt":"{{prompts[i % prompts.Length]}}","max_tokens":{{tokens}},"temperature":0.7,"seed":{{i}}}""",
                        System.Text.Encoding.UTF8, "application/json"),
                };
                // Warm-up (JIT, first contexts, connections), not measured.
                await HttpLoad.RunAsync(http, 4 * result.GetValue(clients), result.GetValue(clients), Completion, (_, _) => true, cancellationToken);
                var load = await HttpLoad.RunAsync(http, result.GetValue(requests), result.GetValue(clients), Completion,
                    (status, _) => status == HttpStatusCode.OK, cancellationToken);
                Console.WriteLine($"completions: {load}");
                var kinds = MalformedRequests.Kinds(maxBody);
                var malformed = await HttpLoad.RunAsync(http, result.GetValue(requests), result.GetValue(clients), i => kinds[i % kinds.Count](),
                    (status, _) => (int)status is >= 400 and < 500, cancellationToken);
                Console.WriteLine($"malformed: {malformed}");
                var healthy = (await http.GetAsync("health", cancellationToken)).StatusCode == HttpStatusCode.OK;
                Console.WriteLine($"health after the malformed load: {(healthy ? "ok" : "NOT OK")}");
                foreach (var sample in load.FailureSamples.Concat(malformed.FailureSamples)) Console.Error.WriteLine($"  {sample}");

                IReadOnlyList<BenchServeCustomization.Leg> customized = [];
                if (result.GetValue(customizedRequests) is > 0 and var perLeg)
                {
                    int[] counts;
                    try { counts = result.GetValue(distinct)!.Split(',').Select(v => int.Parse(v.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray(); }
                    catch (FormatException) { throw new UsageException($"--distinct: expected comma-separated counts such as 1,16,256, got '{result.GetValue(distinct)}'"); }
                    if (counts.Length == 0 || counts.Any(c => c is < 1 or > 100_000)) throw new UsageException("--distinct: every count must be between 1 and 100000");
                    customized = await BenchServeCustomization.RunAsync(options, path, perLeg, result.GetValue(clients), tokens, counts,
                        result.GetValue(poolAdapters), result.GetValue(poolRank), cancellationToken);
                    foreach (var sample in customized.SelectMany(l => l.Load.FailureSamples).Take(10)) Console.Error.WriteLine($"  {sample}");
                }

                exit = load.Failures == 0 && malformed.Failures == 0 && healthy && customized.All(l => l.Load.Failures == 0) ? 0 : 1;
                return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "serve.json", file =>
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                    using (var stream = File.Create(file))
                    using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("benchmark", "serve");
                        MachineInfo.Current().WriteJson(writer);
                        // The machine may be shared: its load when the run ended puts the latencies in context.
                        if (File.Exists("/proc/loadavg")) writer.WriteString("load_average", File.ReadAllText("/proc/loadavg").Trim());
                        writer.WriteString("model", result.GetValue(model) is null ? "stories260K (imported from the shared data)" : Path.GetFileName(path));
                        writer.WriteString("backend", result.GetValue(backend));
                        writer.WriteNumber("contexts", options.Contexts);
                        writer.WriteNumber("threads_per_context", options.Threads);
                        writer.WriteNumber("max_tokens", tokens);
                        Write(writer, "completions", load);
                        Write(writer, "malformed", malformed);
                        writer.WriteBoolean("healthy_after_malformed", healthy);
                        if (customized.Count > 0) BenchServeCustomization.Write(writer, customized, result.GetValue(poolAdapters), result.GetValue(poolRank), Write);
                        writer.WriteEndObject();
                    }
                    Console.WriteLine($"wrote {Path.GetFullPath(file)}");
                });
            });
            return exit;
        });
        return command;
    }

    private static void Write(Utf8JsonWriter writer, string name, HttpLoadResult r)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("requests", r.Requests);
        writer.WriteNumber("clients", r.Clients);
        writer.WriteNumber("failures", r.Failures);
        writer.WriteNumber("seconds", Math.Round(r.Seconds, 3));
        writer.WriteNumber("requests_per_second", Math.Round(r.RequestsPerSecond, 1));
        writer.WriteNumber("p50_ms", Math.Round(r.P50Milliseconds, 2));
        writer.WriteNumber("p90_ms", Math.Round(r.P90Milliseconds, 2));
        writer.WriteNumber("p99_ms", Math.Round(r.P99Milliseconds, 2));
        writer.WriteNumber("max_ms", Math.Round(r.MaxMilliseconds, 2));
        writer.WriteStartObject("statuses");
        foreach (var (status, count) in r.Statuses) writer.WriteNumber(status.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
