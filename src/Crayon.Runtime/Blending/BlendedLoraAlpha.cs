using Crayon.Adapters;

namespace Crayon.Blending;

/// <summary>
/// The adapter.lora.alpha of a blended adapter. llama.cpp applies ΔW = (alpha / rank)·B·A with
/// the rank read from B (alpha 0 means a scale of 1). The pool stores every adapter normalised to
/// its reference alpha α (see <see cref="AdapterPool"/>), so with f_i = α_i / r:
/// <list type="bullet">
/// <item>concat (rank k·r): alpha' = k·α, hence alpha'/(k·r) = α/r and llama.cpp applies exactly
/// Σ_s w_s · f_s · B_s A_s. (α = 0 stays 0: a scale of 1 at any rank.)</item>
/// <item>linear (rank r): alpha' = α, hence llama.cpp applies (α/r)·(Σ w_i B̂_i)(Σ w_i Â_i) with
/// B̂_i = (f_i/f_0)·B_i: the weights scale both factors, so a one-hot weight reproduces that adapter
/// and a weight w on its own contributes w²; the cross terms remain.</item>
/// <item>the merge recipes (rank r): alpha' = α; each factor carries √w_i (see <see cref="BlendRecipe"/>).</item>
/// </list>
/// </summary>
public static class BlendedLoraAlpha
{
    public static float For(AdapterPool pool, BlendRecipe mode, int stacked) =>
        mode.StacksAdapters ? pool.ReferenceAlpha * stacked : pool.ReferenceAlpha;
}
