namespace Crayon.Blending;

/// <summary>
/// The first two recipes by enum, kept so callers written against it keep working: every API that blends takes a
/// <see cref="BlendRecipe"/>, which this converts to implicitly. New recipes exist only as <see cref="BlendRecipe"/>.
/// </summary>
public enum BlendMode
{
    /// <summary>
    /// linear: A' = Σ w_i A_i and B' = Σ w_i B_i, same rank r. Cheap and rank-preserving, but
    /// B'A' has cross terms w_i w_j B_i A_j. A one-hot weight reproduces that adapter exactly.
    /// </summary>
    Linear = 0,

    /// <summary>
    /// concat: the top-k adapters stacked along the rank: A' = [w_s A_s] (rows), B' = [B_s]
    /// (columns), rank k·r, so B'A' = Σ_s w_s B_s A_s exactly.
    /// </summary>
    Concat = 1,
}
