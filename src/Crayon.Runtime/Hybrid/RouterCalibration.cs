using Crayon.Routing;

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
    public static IReadOnlyList<QuerySignals> Signals(HybridDevice device, IReadOnlyList<ITextQuery> examples, IReadOnlyList<float[]> exampleEmbeddings, bool withConfidence)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(exampleEmbeddings);
        if (examples.Count != exampleEmbeddings.Count)
            throw new ArgumentException($"{examples.Count} examples but {exampleEmbeddings.Count} embeddings", nameof(exampleEmbeddings));
        var similarities = RoutingSignals.LeaveOneOutSimilarities(exampleEmbeddings.Select(device.Centered).ToArray());
        return examples.Select((e, i) => new QuerySignals(e.Key, similarities[i], withConfidence ? Confidence(device, e) : null)).ToArray();
    }

    // Confidence is the device's margin between its two best choices; a plain-text example has no choices to judge.
    private static double Confidence(HybridDevice device, ITextQuery example) => example is IChoiceQuery query
        ? RoutingSignals.ChoiceMargin(device.Answer(query).Scores)
        : throw new ArgumentException($"example '{example.Key}' has no answer choices, so the device's confidence on it cannot be measured; " +
                                      "calibrate a confidence policy on multiple-choice examples, or use the similarity policy");

    /// <summary>A router for <paramref name="policy"/> that routes <paramref name="ratio"/> of queries like the user's examples.</summary>
    public static Router Calibrate(HybridDevice device, IReadOnlyList<ITextQuery> examples, IReadOnlyList<float[]> exampleEmbeddings,
        RoutingPolicy policy, double ratio, long seed = 0) =>
        Router.Calibrate(policy, Signals(device, examples, exampleEmbeddings, policy is RoutingPolicy.Confidence or RoutingPolicy.Combined), ratio, seed);
}
