using System.Diagnostics;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Routing;

namespace Crayon.Hybrid;

/// <summary>
/// Answers queries on the device or on the server, query by query: the device measures how close the
/// query is to the customized task (cos to q_c) and, when the policy asks for it, how sure its own
/// model is; the calibrated <see cref="Router"/> decides; a routed query goes to the OpenAI-compatible
/// endpoint. A server that is down, too slow or answers nonsense never surfaces as an exception: the
/// device answers instead and the answer says so and why. Not thread-safe (one device context).
/// </summary>
public sealed class HybridClient(HybridDevice device, Router router, OpenAiEndpoint server)
{
    public HybridDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));
    public Router Router { get; } = router ?? throw new ArgumentNullException(nameof(router));
    public OpenAiEndpoint Server { get; } = server ?? throw new ArgumentNullException(nameof(server));

    /// <summary>
    /// Measure the device's confidence for every query even when the policy does not read it, so each decision shows
    /// it (the demo). Costs the device's answer for queries that go to the server; off by default.
    /// </summary>
    public bool AlwaysMeasureConfidence { get; init; }

    private bool NeedsConfidence => AlwaysMeasureConfidence || Router.Policy is RoutingPolicy.Confidence or RoutingPolicy.Combined;

    /// <summary>Answers a question with answer choices given as text.</summary>
    public Task<HybridAnswer> AnswerAsync(string question, IReadOnlyList<string> choices, CancellationToken cancellationToken = default) =>
        AnswerAsync(new ChoiceQuestion(question, choices), cancellationToken);

    /// <summary>Answers one multiple-choice query.</summary>
    /// <exception cref="OperationCanceledException">only when <paramref name="cancellationToken"/> fires.</exception>
    public async Task<HybridAnswer> AnswerAsync(IChoiceQuery item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var started = Stopwatch.GetTimestamp();
        var deviceTime = TimeSpan.Zero;
        ChoiceScores? local = null;
        ChoiceScores DeviceAnswer()
        {
            if (local is not null) return local;
            var t = Stopwatch.GetTimestamp();
            local = Device.Answer(item);
            deviceTime += Stopwatch.GetElapsedTime(t);
            return local;
        }

        var t0 = Stopwatch.GetTimestamp();
        var similarity = Device.Similarity(Device.Embed(item));
        deviceTime += Stopwatch.GetElapsedTime(t0);
        double? confidence = NeedsConfidence ? RoutingSignals.ChoiceMargin(DeviceAnswer().Scores) : null;
        var decision = Router.Decide(new QuerySignals(item.Key, similarity, confidence));
        HybridAnswer Answer(AnswerSource source, ChoiceScores chosen, ChoiceScores? remote, ServerFailure? failure, ServerCall<IReadOnlyList<ChoiceLogLikelihood>>? call) =>
            new(item.Key, decision, source, chosen.Predicted, item.ChoiceText(chosen.Predicted), local, remote, failure,
                deviceTime, call?.Elapsed ?? TimeSpan.Zero, Stopwatch.GetElapsedTime(started), call?.BytesSent ?? 0, call?.BytesReceived ?? 0);

        if (decision.Target == RouteTarget.Device) return Answer(AnswerSource.Device, DeviceAnswer(), null, null, null);

        var call = await Server.ScoreChoicesAsync(item.Choices(Device.BudgetFor(item)), cancellationToken).ConfigureAwait(false);
        if (!call.Succeeded) return Answer(AnswerSource.DeviceFallback, DeviceAnswer(), null, call.Failure, call);
        ChoiceScores remote;
        try { remote = ChoiceScores.Of(call.Value!); }
        catch (ArgumentException e)
        {
            return Answer(AnswerSource.DeviceFallback, DeviceAnswer(), null, new ServerFailure(ServerFailureKind.Garbage, e.Message), call);
        }
        return Answer(AnswerSource.Server, remote, remote, null, call);
    }

    /// <summary>Answers every query in order: the building block of the end-to-end demo.</summary>
    public async Task<IReadOnlyList<HybridAnswer>> AnswerAllAsync(IEnumerable<IChoiceQuery> items, Action<HybridAnswer>? onAnswer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var answers = new List<HybridAnswer>();
        foreach (var item in items)
        {
            var answer = await AnswerAsync(item, cancellationToken).ConfigureAwait(false);
            onAnswer?.Invoke(answer);
            answers.Add(answer);
        }
        return answers;
    }

    /// <summary>
    /// Answers a free-text query. Confidence is the device's mean token log-probability over its own
    /// greedy answer (generated first only when the policy needs it; otherwise only when the device answers).
    /// </summary>
    public async Task<HybridTextAnswer> GenerateAsync(string prompt, int maxTokens = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        // The prompt is also the query's routing key: an empty one used to fail deep in the router as "query has no key".
        if (prompt.Length == 0) throw new ArgumentException("the prompt is empty: nothing to answer", nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        var started = Stopwatch.GetTimestamp();
        var deviceTime = TimeSpan.Zero;
        (string Text, double Confidence)? local = null;
        (string Text, double Confidence) DeviceAnswer()
        {
            if (local is { } done) return done;
            var t = Stopwatch.GetTimestamp();
            var tokens = Device.Context.Generate(prompt, new GenerationOptions { MaxTokens = maxTokens, LogProbabilities = 0 }, cancellationToken).ToArray();
            var scored = tokens.Where(x => x.LogProbability is not null).Select(x => x.LogProbability!.LogProbability).ToArray();
            local = (string.Concat(tokens.Select(x => x.Text)), scored.Length == 0 ? 0 : RoutingSignals.MeanTokenLogProb(scored.Sum(), scored.Length));
            deviceTime += Stopwatch.GetElapsedTime(t);
            return local.Value;
        }

        var t0 = Stopwatch.GetTimestamp();
        var similarity = Device.Similarity(Device.Embed(prompt));
        deviceTime += Stopwatch.GetElapsedTime(t0);
        double? confidence = NeedsConfidence ? DeviceAnswer().Confidence : null;
        var decision = Router.Decide(new QuerySignals(prompt, similarity, confidence));
        HybridTextAnswer Answer(AnswerSource source, string text, ServerFailure? failure, ServerCall<ServerCompletion>? call) =>
            new(prompt, decision, source, text, local?.Text, call?.Value?.Text, failure, deviceTime, call?.Elapsed ?? TimeSpan.Zero,
                Stopwatch.GetElapsedTime(started), call?.BytesSent ?? 0, call?.BytesReceived ?? 0);

        if (decision.Target == RouteTarget.Device) return Answer(AnswerSource.Device, DeviceAnswer().Text, null, null);
        var call = await Server.CompleteAsync(prompt, maxTokens, cancellationToken).ConfigureAwait(false);
        return call.Succeeded
            ? Answer(AnswerSource.Server, call.Value!.Text, null, call)
            : Answer(AnswerSource.DeviceFallback, DeviceAnswer().Text, call.Failure, call);
    }
}
