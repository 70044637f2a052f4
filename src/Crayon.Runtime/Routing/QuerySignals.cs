namespace Crayon.Routing;

/// <summary>
/// What the device knows about one query when it decides where to answer it.
/// </summary>
/// <param name="Key">A stable identity for the query (its id or text); seeds the random policy, so a query always draws the same number.</param>
/// <param name="Similarity">cos(query embedding, q_c): how close the query is to the customized task (see <see cref="RoutingSignals.Similarity"/>).</param>
/// <param name="Confidence">The device model's confidence in its own answer (see <see cref="RoutingSignals.ChoiceMargin"/>); null when not measured.</param>
public sealed record QuerySignals(string Key, double Similarity, double? Confidence = null)
{
    internal void Validate(string what)
    {
        if (string.IsNullOrEmpty(Key)) throw new ArgumentException($"{what} has no key");
        if (!double.IsFinite(Similarity)) throw new ArgumentException($"{what} ('{Key}') has similarity {Similarity}; it must be finite");
        if (Confidence is { } c && !double.IsFinite(c)) throw new ArgumentException($"{what} ('{Key}') has confidence {c}; it must be finite or absent");
    }
}
