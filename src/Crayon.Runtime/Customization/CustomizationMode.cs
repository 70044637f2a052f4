using Crayon.Blending;

namespace Crayon.Customization;

/// <summary>
/// How the alpha-weighted pool becomes what llama.cpp computes with (docs/ARCHITECTURE.md, "Blend recipes"): a
/// <see cref="BlendRecipe"/> (linear, concat, ties, dare_linear, dare_ties, magnitude_prune; the recipe owns its name,
/// parameters and native mode) blended into the live adapter slot, or runtime mix, where nothing is blended and llama.cpp
/// applies the adapters with non-zero alpha at every token with scales alpha_i (exact, k LoRA matmuls per layer).
/// Text form (<see cref="Parse"/>): "mix", or a recipe in <see cref="BlendRecipe.Parse"/>'s form.
/// </summary>
public sealed record CustomizationMode
{
    /// <summary>The text form of runtime mix.</summary>
    public const string MixName = "mix";

    private CustomizationMode(BlendRecipe? recipe) => Recipe = recipe;

    /// <summary>The recipe blended into the slot; null for runtime mix.</summary>
    public BlendRecipe? Recipe { get; }

    /// <summary>True when nothing is blended and llama.cpp mixes the loaded adapters at every token.</summary>
    public bool IsRuntimeMix => Recipe is null;

    /// <summary>One rank-r adapter: A' = Σ α_i A_i, B' = Σ α_i B_i (cross terms B_i A_j).</summary>
    public static CustomizationMode Linear { get; } = new(BlendRecipe.Linear);

    /// <summary>One adapter stacking the adapters with non-zero α along the rank: exactly Σ α_i B_i A_i.</summary>
    public static CustomizationMode Concat { get; } = new(BlendRecipe.Concat);

    /// <summary>No blend: llama.cpp applies the adapters with non-zero α at every token, with scales α_i.</summary>
    public static CustomizationMode RuntimeMix { get; } = new((BlendRecipe?)null);

    /// <summary>Blends with <paramref name="recipe"/> into the live slot.</summary>
    public static CustomizationMode Blend(BlendRecipe recipe) => new(recipe ?? throw new ArgumentNullException(nameof(recipe)));

    public static implicit operator CustomizationMode(BlendRecipe recipe) => Blend(recipe);

    /// <summary>"mix" or a recipe's text form; throws <see cref="FormatException"/> (an <see cref="UnknownBlendRecipeException"/> for an unknown name) listing what is known.</summary>
    public static CustomizationMode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals(MixName, StringComparison.OrdinalIgnoreCase)) return RuntimeMix;
        try
        {
            return Blend(BlendRecipe.Parse(text));
        }
        catch (UnknownBlendRecipeException e)
        {
            throw new FormatException($"{e.Message}, or {MixName} (llama.cpp applies the adapters at run time)", e);
        }
    }

    /// <summary>The name ("mix" or the recipe's name, without parameters).</summary>
    public string Name => Recipe?.Name ?? MixName;

    /// <summary>The text form <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Recipe?.ToString() ?? MixName;
}
