namespace Crayon.Evaluation;

/// <summary>
/// One point of `crayon bench hybrid` (issue 5): accuracy of a routing policy at one routing ratio
/// on one query set. Serialised in snake_case: set, policy, ratio, accuracy, nll, bytes_sent, queries, routed.
/// </summary>
public sealed record HybridRecord
{
    /// <summary>The query set, e.g. "customized" or "mixed".</summary>
    public required string Set { get; init; }

    /// <summary>The routing policy's name, e.g. "similarity" or "random".</summary>
    public required string Policy { get; init; }

    /// <summary>Share of queries routed to the server, 0..1 (the realised share, not the target).</summary>
    public required double Ratio { get; init; }

    /// <summary>Accuracy over all queries, each answered where it was routed.</summary>
    public required double Accuracy { get; init; }

    /// <summary>
    /// Mean gold-answer NLL (-log P of the gold choice, summed over its tokens), each query's from the model that answered it.
    /// Lower is better; it separates models whose accuracy sits near chance.
    /// </summary>
    public double Nll { get; init; }

    /// <summary>Mean bytes sent to the server per query (routed or not).</summary>
    public required double BytesSent { get; init; }

    /// <summary>Queries in the set.</summary>
    public required int Queries { get; init; }

    /// <summary>Queries sent to the server.</summary>
    public required int Routed { get; init; }
}
