using System.Diagnostics;
using Crayon.Evaluation;
using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Benchmarking;

/// <summary>
/// Customizes the device context for one task from the user's examples and q_c (or gives it the base model, or a fixed
/// adapter): whatever the context applies afterwards answers the task's queries.
/// </summary>
public delegate void TaskCustomizer(string task, IReadOnlyList<QaItem> userExamples, float[] taskEmbedding, LlamaContext device);

/// <summary>
/// `crayon bench hybrid` (the paper's figure 4): accuracy against routing ratio for each policy, on
/// the customized tasks alone and mixed with out-of-scope MMLU queries. Every query is answered by both
/// models for real (the device locally, the server over HTTP through the same standard requests the
/// hybrid client sends), then each policy's ranking decides which answer counts at each ratio, so
/// ratio 0 is exactly device-only accuracy and ratio 1 server-only accuracy.
/// </summary>
public static class HybridBenchmark
{
    public const string SetCustomized = "customized", SetMixed = "mixed";

    public static async Task<HybridBenchmarkResult> RunAsync(LlamaModel deviceModel, LlamaContextOptions contextOptions, TaskCustomizer customize,
        OpenAiEndpoint server, TaskCatalog catalog, HybridBenchmarkSettings settings, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceModel);
        ArgumentNullException.ThrowIfNull(customize);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(catalog);
        settings.Validate();
        using var context = deviceModel.CreateContext(contextOptions);
        using var embedder = new LlamaEmbedder(deviceModel, contextOptions);
        var budget = QaModelScorer.BudgetFor(context.ContextLength);
        var center = settings.CenterRouting ? HybridDevice.CenterOf(embedder, Reference(catalog, settings).AsQueries(), settings.RoutingSignal, budget) : null;
        var outOfScope = settings.OutOfScope.SelectMany(s => TaskSampler.TestItems(catalog.Get(s).Load(), settings.Seed, settings.ItemsPerOutOfScope)).ToArray();
        var serverVerdicts = new Dictionary<(string, string), ServerVerdict>();
        var queries = new List<HybridQueryRecord>();
        var curves = new Dictionary<(string Set, string Policy), List<IReadOnlyList<RoutingCurvePoint>>>();

        foreach (var task in settings.Tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var data = catalog.Get(task).Load();
            var examples = TaskSampler.UserExamples(data, settings.K, settings.Seed);
            var tests = TaskSampler.TestItems(data, settings.Seed, settings.ItemsPerTask);
            var exampleQueries = examples.AsQueries();
            var (taskEmbedding, exampleEmbeddings) = HybridDevice.TaskEmbeddingOf(embedder, exampleQueries, settings.RoutingSignal, budget);
            var customizationEmbedding = settings.Signal == settings.RoutingSignal ? taskEmbedding
                : HybridDevice.TaskEmbeddingOf(embedder, exampleQueries, settings.Signal, budget).TaskEmbedding;
            customize(task, examples, customizationEmbedding, context);
            var device = new HybridDevice(context, embedder, taskEmbedding, settings.RoutingSignal, center);
            var calibration = RouterCalibration.Signals(device, exampleQueries, exampleEmbeddings, withConfidence: true);

            var rows = new List<HybridQueryRecord>();
            foreach (var item in tests.Concat(outOfScope))
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows.Add(await EvaluateAsync(device, server, task, item, item.Task == task, serverVerdicts, cancellationToken).ConfigureAwait(false));
            }
            queries.AddRange(rows);
            log?.Invoke($"{task}: {tests.Count} in scope + {outOfScope.Length} out of scope; device {Mean(rows, r => r.DeviceCredit):P1}, server {Mean(rows, r => r.ServerCredit):P1}" +
                        $"{(rows.Any(r => r.ServerFailure is not null) ? $", {rows.Count(r => r.ServerFailure is not null)} server failure(s)" : "")}");

            foreach (var (set, members) in new[] { (SetCustomized, rows.Where(r => r.InScope).ToArray()), (SetMixed, rows.ToArray()) })
                foreach (var policy in settings.Policies)
                {
                    var key = (set, policy.ToString().ToLowerInvariant());
                    if (!curves.TryGetValue(key, out var list)) curves[key] = list = [];
                    list.Add(Curve(members, calibration, policy, settings));
                }
        }

        context.ApplyAdapters(AdapterSet.None);
        var records = curves.SelectMany(c => RoutingCurve.ToRecords(c.Key.Set, c.Key.Policy, Pool(c.Value))).ToArray();
        return new HybridBenchmarkResult(records, queries);
    }

    /// <summary>The centering mixture: train items of the standard tasks, never a test item of any task in the run.</summary>
    private static IReadOnlyList<QaItem> Reference(TaskCatalog catalog, HybridBenchmarkSettings settings)
    {
        var tasks = TaskCatalog.StandardTasks.Where(catalog.Contains).Select(t => catalog.Get(t).Load()).ToArray();
        var held = settings.Tasks.Concat(settings.OutOfScope).Where(catalog.Contains).Select(t => catalog.Get(t).Load()).ToArray();
        return TaskSampler.TrainingMixture(tasks, settings.Seed, settings.ReferencePerTask, LeakageGuard.ForTasks(tasks.Concat(held).DistinctBy(t => t.Task.Name).ToArray()));
    }

    private static async Task<HybridQueryRecord> EvaluateAsync(HybridDevice device, OpenAiEndpoint server, string task, QaItem item, bool inScope,
        Dictionary<(string, string), ServerVerdict> serverVerdicts, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var query = item.AsQuery();
        var similarity = device.Similarity(device.Embed(query));
        var local = MultipleChoiceScorer.Score(item.Answer, device.Answer(query));
        var deviceTime = Stopwatch.GetElapsedTime(started);
        // The server's answer does not depend on the device's adapter: ask once per query.
        if (!serverVerdicts.TryGetValue((item.Task, item.Id), out var verdict))
            serverVerdicts[(item.Task, item.Id)] = verdict = await AskServerAsync(server, item, device.BudgetFor(query), cancellationToken).ConfigureAwait(false);
        return new HybridQueryRecord
        {
            Task = task, QueryTask = item.Task, Id = item.Id, InScope = inScope,
            Similarity = similarity, Confidence = RoutingSignals.ChoiceMargin(local.Scores),
            Gold = item.Answer, DevicePredicted = local.Predicted, DeviceCredit = local.Credit,
            ServerPredicted = verdict.Score?.Predicted, ServerCredit = verdict.Score?.Credit ?? local.Credit, ServerFailure = verdict.Failure,
            DeviceNll = local.GoldNll, ServerNll = verdict.Score?.GoldNll ?? local.GoldNll,
            RequestBytes = verdict.BytesSent, ResponseBytes = verdict.BytesReceived,
            DeviceMilliseconds = deviceTime.TotalMilliseconds, ServerMilliseconds = verdict.Elapsed.TotalMilliseconds,
        };
    }

    private sealed record ServerVerdict(ItemScore? Score, string? Failure, long BytesSent, long BytesReceived, TimeSpan Elapsed);

    private static async Task<ServerVerdict> AskServerAsync(OpenAiEndpoint server, QaItem item, PromptBudget budget, CancellationToken cancellationToken)
    {
        var call = await server.ScoreChoicesAsync(QaPrompt.ForScoring(item, budget).Choices, cancellationToken).ConfigureAwait(false);
        if (!call.Succeeded) return new ServerVerdict(null, call.Failure!.ToString(), call.BytesSent, call.BytesReceived, call.Elapsed);
        try
        {
            return new ServerVerdict(MultipleChoiceScorer.Score(item.Answer, call.Value!), null, call.BytesSent, call.BytesReceived, call.Elapsed);
        }
        catch (ArgumentException e)
        {
            return new ServerVerdict(null, $"garbage: {e.Message}", call.BytesSent, call.BytesReceived, call.Elapsed);
        }
    }

    /// <summary>One task's curve for one policy; the random policy's is the mean over several seeds.</summary>
    private static IReadOnlyList<RoutingCurvePoint> Curve(IReadOnlyList<HybridQueryRecord> rows, IReadOnlyList<QuerySignals> calibration, RoutingPolicy policy, HybridBenchmarkSettings settings)
    {
        var draws = policy == RoutingPolicy.Random ? settings.RandomDraws : 1;
        var curves = Enumerable.Range(0, draws).Select(draw =>
        {
            var scorer = new RoutingScorer(policy, calibration, SeededRandom.Derive(settings.Seed, $"random-routing:{draw}"));
            var outcomes = rows.Select(r => new RoutingOutcome(scorer.Score(new QuerySignals($"{r.QueryTask}/{r.Id}", r.Similarity, r.Confidence)),
                r.DeviceCredit, r.ServerCredit, r.RequestBytes, r.DeviceNll, r.ServerNll)).ToArray();
            return RoutingCurve.Build(outcomes, settings.Ratios);
        }).ToArray();
        return Enumerable.Range(0, settings.Ratios.Count).Select(j => curves[0][j] with
        {
            Accuracy = curves.Average(c => c[j].Accuracy),
            BytesPerQuery = curves.Average(c => c[j].BytesPerQuery),
            Nll = curves.Average(c => c[j].Nll),
        }).ToArray();
    }

    /// <summary>Tasks' curves pooled point by point: every query weighs the same.</summary>
    private static IEnumerable<RoutingCurvePoint> Pool(IReadOnlyList<IReadOnlyList<RoutingCurvePoint>> curves) =>
        Enumerable.Range(0, curves[0].Count).Select(j =>
        {
            var points = curves.Select(c => c[j]).ToArray();
            var queries = points.Sum(p => p.Queries);
            var routed = points.Sum(p => p.Routed);
            return new RoutingCurvePoint(points[0].TargetRatio, (double)routed / queries,
                points.Sum(p => p.Accuracy * p.Queries) / queries, points.Sum(p => p.BytesPerQuery * p.Queries) / queries, routed, queries,
                points.Sum(p => p.Nll * p.Queries) / queries);
        });

    private static double Mean(IEnumerable<HybridQueryRecord> rows, Func<HybridQueryRecord, double> value) => rows.Select(value).DefaultIfEmpty(0).Average();
}
