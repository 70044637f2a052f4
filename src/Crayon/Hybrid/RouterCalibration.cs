using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Hybrid;

/// <summary>
/// Calibrates the routing-ratio knob on the user's own examples: each example's similarity to the
/// mean of the OTHER examples (what a new query of the task would score against q_c) and, for the
/// policies that use it, the device model's confidence on it. "Route 20 %" then means that 20 % of
/// queries like the user's would leave the device.
/// </summary>
public static class RouterCalibration
{
    /// <param name="exampleEmbeddings">The examples' embeddings, as <see cref="HybridDevice.TaskEmbeddingOf"/> returns them (same order).</param>
    public static IReadOnlyList<QuerySignals> Signals(HybridDevice device, IReadOnlyList<QaItem> examples, IReadOnlyList<float[]> exampleEmbeddings, bool withConfidence)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(exampleEmbeddings);
        if (examples.Count != exampleEmbeddings.Count)
            throw new ArgumentException($"{examples.Count} examples but {exampleEmbeddings.Count} embeddings", nameof(exampleEmbeddings));
        var similarities = RoutingSignals.LeaveOneOutSimilarities(exampleEmbeddings.Select(device.Centered).ToArray());
        return examples.Select((e, i) => new QuerySignals(e.Id, similarities[i],
            withConfidence ? RoutingSignals.ChoiceMargin(device.Answer(e).Scores) : null)).ToArray();
    }

    /// <summary>A router for <paramref name="policy"/> that routes <paramref name="ratio"/> of queries like the user's examples.</summary>
    public static Router Calibrate(HybridDevice device, IReadOnlyList<QaItem> examples, IReadOnlyList<float[]> exampleEmbeddings,
        RoutingPolicy policy, double ratio, long seed = 0) =>
        Router.Calibrate(policy, Signals(device, examples, exampleEmbeddings, policy is RoutingPolicy.Confidence or RoutingPolicy.Combined), ratio, seed);
}
