namespace Crayon.Routing;

/// <summary>What decides that a query leaves the device.</summary>
public enum RoutingPolicy
{
    /// <summary>Route the queries least similar to the customized task (q_c): out of scope.</summary>
    Similarity,

    /// <summary>Route the queries the device model is least sure about.</summary>
    Confidence,

    /// <summary>
    /// Both: each signal is turned into its rank among the user's own examples (empirical CDF), and the
    /// score is one minus the mean of the two ranks, so neither signal's units dominate.
    /// </summary>
    Combined,

    /// <summary>A seeded coin per query (by its key): the baseline that ignores the query.</summary>
    Random,
}

/// <summary>Where a query is answered.</summary>
public enum RouteTarget
{
    /// <summary>The customized on-device model.</summary>
    Device,

    /// <summary>The larger model behind an OpenAI-compatible endpoint.</summary>
    Server,
}
