namespace Crayon.Blending;

/// <summary>How ties and dare_ties elect each element's sign (PEFT's majority_sign_method).</summary>
public enum MajoritySignMethod
{
    /// <summary>total: the sign of the sum of the (trimmed, weighted) values.</summary>
    Total = 0,

    /// <summary>frequency: the sign more of the values have (a tie goes to +).</summary>
    Frequency = 1,
}
