using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Hybrid;
using Crayon.Hybrid.Customization;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon ask`: the device side of the hybrid. The user's examples give q_c and calibrate the routing
/// ratio; each question is answered on the device or sent to the OpenAI-compatible --server, and the
/// answer says where it came from and why. With --pool-id the device first customizes itself through
/// the server, uploading only alpha.
/// </summary>
internal static class AskCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var server = new Option<string>("--server") { Description = "OpenAI-compatible endpoint of the server model, e.g. http://127.0.0.1:8080/", Required = true };
        var apiKey = new Option<string?>("--api-key") { Description = "API key of the server (default: $CRAYON_API_KEY)" };
        var serverModel = new Option<string?>("--server-model-id") { Description = "the server model's id (default: the first GET /v1/models lists)" };
        var examples = new Option<string>("--examples") { Description = "the user's examples (QA JSONL): q_c and the routing calibration", Required = true };
        var questions = new Option<string?>("--questions") { Description = "multiple-choice questions to answer (QA JSONL)" };
        var prompts = new Option<string[]>("--prompt") { Description = "a free-text query; repeatable" };
        var policy = new Option<string>("--policy") { Description = "similarity, confidence, combined or random", DefaultValueFactory = _ => "similarity" };
        var ratio = new Option<double>("--ratio") { Description = "share of queries like the user's examples to route (0..1)", DefaultValueFactory = _ => 0.2 };
        var poolId = new Option<string?>("--pool-id") { Description = "customize through the server from this pool (only alpha is uploaded)" };
        var signal = new Option<string>("--routing-signal") { Description = "the embedding routing compares queries with q_c in: hidden (last hidden state) or query (first-layer queries)", DefaultValueFactory = _ => "hidden" };
        var reference = new Option<string?>("--reference") { Description = "QA JSONL of general text whose mean embedding centers the routing similarity (recommended; see bench hybrid)" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the server before answering on the device", DefaultValueFactory = _ => 30 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "tokens per free-text answer", DefaultValueFactory = _ => 48 };
        var report = new ReportOutput("write one JSON record per answer to this file (JSON lines)");
        var command = new Command("ask", "Answer questions on the device or the server: route by similarity to the customized task and by confidence, and say why")
        {
            server, apiKey, serverModel, examples, questions, prompts, policy, ratio, poolId, signal, reference, timeout, maxTokens,
        };
        llama.AddTo(command);
        report.AddTo(command);
        command.SetAction(async (result, cancellationToken) => await ReportOutput.EmitAsync(report.Json(result), async () =>
        {
            // Every option is checked by its name before the model loads: a bad value found after embedding the examples
            // would cost that work and name an internal parameter.
            var serverUrl = ServerUrl(result.GetValue(server)!);
            var targetRatio = result.GetValue(ratio);
            if (!(targetRatio >= 0 && targetRatio <= 1)) throw new UsageException($"--ratio must be between 0 and 1, not {targetRatio.ToString(CultureInfo.InvariantCulture)}");
            var seconds = result.GetValue(timeout);
            if (!(seconds > 0 && seconds <= MaxTimeoutSeconds))
                throw new UsageException($"--timeout must be a number of seconds above 0 and at most {MaxTimeoutSeconds}, not {seconds.ToString(CultureInfo.InvariantCulture)}");
            if (result.GetValue(maxTokens) <= 0) throw new UsageException($"--max-tokens must be at least 1, not {result.GetValue(maxTokens)}");
            var items = result.GetValue(questions) is { } questionFile ? QaJsonlReader.ReadFile(questionFile) : [];
            var freeText = result.GetValue(prompts) ?? [];
            if (freeText.Any(string.IsNullOrEmpty)) throw new UsageException("--prompt must not be empty");
            if (items.Count == 0 && freeText.Length == 0) throw new UsageException("nothing to ask: give --questions and/or --prompt");
            var userExamples = QaJsonlReader.ReadFile(result.GetValue(examples)!);
            if (userExamples.Count < 2) throw new UsageException($"--examples: {userExamples.Count} example(s); calibrating the router needs at least 2");
            var routing = Enum.TryParse<RoutingPolicy>(result.GetValue(policy), ignoreCase: true, out var p) && Enum.IsDefined(p) ? p
                : throw new UsageException($"--policy must be similarity, confidence, combined or random, not '{result.GetValue(policy)}'");
            var routingSignal = result.GetValue(signal) switch
            {
                "query" => EmbeddingSignal.Query,
                "hidden" => EmbeddingSignal.Hidden,
                var other => throw new UsageException($"--routing-signal must be query or hidden, not '{other}'"),
            };

            using var model = llama.LoadModel(result);
            var contextOptions = llama.ContextOptions(result);
            using var context = model.CreateContext(contextOptions);
            llama.ApplyAdapters(result, context);
            using var embedder = new LlamaEmbedder(model, contextOptions);
            using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions
            {
                BaseUrl = serverUrl,
                ApiKey = result.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("CRAYON_API_KEY") is { Length: > 0 } key ? key : null),
                Model = result.GetValue(serverModel),
                Timeout = TimeSpan.FromSeconds(seconds),
            });

            var budget = QaModelScorer.BudgetFor(context.ContextLength);
            if (result.GetValue(poolId) is { } id)
            {
                using var customizer = new RemoteCustomizer(endpoint);
                var pool = await customizer.GetPoolAsync(id, cancellationToken);
                if (!pool.Succeeded) throw new InvalidOperationException($"cannot customize through the server: pool '{id}': {pool.Failure}");
                // q_c for alpha lives in the pool's signal, whatever the routing uses.
                var poolSignal = pool.Value!.Signal;
                var (q, _) = HybridDevice.TaskEmbeddingOf(embedder, userExamples.AsQueries(), poolSignal, budget);
                var path = result.GetValue(llama.Model)!;
                var identity = new PoolModel(model.GetMetadata("general.name") ?? model.Name, model.Architecture, ModelFingerprint.Of(path));
                var customized = await customizer.CustomizeAsync(context, identity, id, q, poolSignal, cancellationToken: cancellationToken);
                if (!customized.Succeeded) throw new InvalidOperationException($"cannot customize through the server: {customized.Failure}");
                var c = customized.Value!;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"customized through the server from pool '{id}': alpha [{string.Join(", ", c.Alpha.Select(a => a.ToString("0.###", CultureInfo.InvariantCulture)))}], " +
                    $"{c.BytesSent} B sent (alpha only), {c.BytesReceived:N0} B received, blend round trip {c.BlendTime.TotalMilliseconds:0.#} ms, {(c.Swap == SwapKind.InPlace ? "in place" : "loaded")} in {c.LoadTime.TotalMilliseconds:0.#} ms"));
            }

            var (taskEmbedding, exampleEmbeddings) = HybridDevice.TaskEmbeddingOf(embedder, userExamples.AsQueries(), routingSignal, budget);
            var center = result.GetValue(reference) is { } referenceFile
                ? HybridDevice.CenterOf(embedder, QaJsonlReader.ReadFile(referenceFile).AsQueries(), routingSignal, budget)
                : null;
            var device = new HybridDevice(context, embedder, taskEmbedding, routingSignal, center);
            var router = RouterCalibration.Calibrate(device, userExamples.AsQueries(), exampleEmbeddings, routing, targetRatio);
            var client = new HybridClient(device, router, endpoint);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"router: {routing.ToString().ToLowerInvariant()}, calibrated on {userExamples.Count} examples to route {100 * router.TargetRatio:0.#}% ({router.Rule}; " +
                $"{routingSignal.ToString().ToLowerInvariant()} signal, {(center is null ? "raw cosine" : "centered on --reference")})"));

            var records = new List<string>();
            foreach (var item in items)
            {
                var answer = await client.AnswerAsync(item.AsQuery(), cancellationToken);
                var credit = MultipleChoiceScorer.Score(item.Answer, answer.Chosen!).Credit;
                Console.WriteLine(Line(answer, credit));
                records.Add(Record(answer.Key, answer.Where, answer.AnswerText, answer.Why, answer.TotalTime, answer.BytesSent, credit));
            }
            foreach (var text in freeText)
            {
                var answer = await client.GenerateAsync(text, result.GetValue(maxTokens), cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{answer.Source.Describe()}] \"{UntrustedText.Escape(text)}\" → \"{UntrustedText.Escape(answer.Text.Trim())}\" ({answer.TotalTime.TotalMilliseconds:0.#} ms, {answer.BytesSent} B sent)\n    why: {answer.Why}"));
                records.Add(Record(text, answer.Source.Describe(), answer.Text, answer.Why, answer.TotalTime, answer.BytesSent, null));
            }
            if (items.Count > 0)
            {
                var answers = records.Take(items.Count).Select(r => JsonDocument.Parse(r).RootElement).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{answers.Count(a => a.GetProperty("where").GetString() == "server")} of {items.Count} question(s) answered by the server; " +
                    $"accuracy {100 * answers.Average(a => a.GetProperty("credit").GetDouble()):0.#}%"));
            }
            if (report.OutPath(result) is { } file)
            {
                Formats.AtomicFile.WriteText(file, string.Concat(records.Select(r => r + "\n")));
                Console.WriteLine($"wrote {file}");
            }
            return report.Json(result) ? new JsonObject { ["answers"] = new JsonArray(records.Select(r => JsonNode.Parse(r)).ToArray()) } : null;
        }));
        return command;
    }

    private const int MaxTimeoutSeconds = 86_400;

    /// <summary>The --server URL: absolute http or https (a bare "host:port" would parse as a URI of scheme "host").</summary>
    private static Uri ServerUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new UsageException($"--server '{text}' is not an http:// or https:// URL (e.g. http://127.0.0.1:8080/)");

    private static string Line(HybridAnswer a, double credit) => string.Create(CultureInfo.InvariantCulture,
        $"[{a.Where}] {UntrustedText.Escape(a.Key)}: \"{UntrustedText.Escape(a.AnswerText.Trim())}\"{(credit == 1 ? " (correct)" : credit == 0 ? " (wrong)" : "")} " +
        $"({a.TotalTime.TotalMilliseconds:0.#} ms, {a.BytesSent} B sent)\n    why: {a.Why}");

    private static string Record(string key, string where, string answer, string why, TimeSpan time, long bytes, double? credit)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("query", key);
            w.WriteString("where", where);
            w.WriteString("answer", answer);
            w.WriteString("why", why);
            w.WriteNumber("milliseconds", Math.Round(time.TotalMilliseconds, 2));
            w.WriteNumber("bytes_sent", bytes);
            if (credit is { } c) w.WriteNumber("credit", c);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
