using System.Globalization;
using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>
/// How a pool of adapters becomes one adapter: the one place that knows each recipe's name, its parameters and their
/// limits, the shape of its output and the native mode that runs it (names as in docs/ARCHITECTURE.md). C#, the CLI
/// (<c>--mode</c>/<c>--recipe</c>), the server (<c>/v1/crayon/blend</c>'s <c>mode</c>) and the native plugin all go through it.
/// <list type="bullet">
/// <item><c>linear</c>: A' = Σ w_i A_i and B' = Σ w_i B_i (the weight scales both factors).</item>
/// <item><c>concat</c>: the top-k stacked on the rank axis, B'A' = Σ w_s B_s A_s exactly (rank k·r).</item>
/// <item>PEFT's factor-wise merges for equal ranks, element-wise over the N adapters, A' from the A_i and B' from the B_i
/// separately: <c>ties</c> (trim to the top density by magnitude, elect a sign, mean of the agreeing values),
/// <c>dare_linear</c> (drop at random, keep each with probability density, rescale by 1/density, sum),
/// <c>dare_ties</c> (dare's drop, then ties' election and mean) and <c>magnitude_prune</c> (trim, sum).
/// The weight enters each factor as √w_i, as PEFT's add_weighted_adapter applies √(weight·scaling) to both A and B:
/// for one adapter B'A' = w·BA, the same product linear's w on both factors would square. The pool's shared LoRA scale
/// stays outside (the output keeps the pool's alpha), which equals PEFT folding it into √ because it is one positive
/// constant for every adapter: it changes no trimming, no sign and no mean. Weights must so be ≥ 0.</item>
/// </list>
/// Text form (<see cref="Parse"/>): the name, optionally followed by <c>:key=value,...</c> with keys density,
/// majority_sign (total or frequency) and seed, e.g. <c>ties:density=0.3,majority_sign=frequency</c>.
/// </summary>
public sealed record BlendRecipe
{
    /// <summary>The density a merge recipe uses when none is given.</summary>
    public const float DefaultDensity = 0.5f;

    private BlendRecipe(string name, uint nativeMode, float density, MajoritySignMethod majoritySign, ulong seed)
    {
        Name = name;
        NativeMode = nativeMode;
        Density = density;
        MajoritySign = majoritySign;
        Seed = seed;
    }

    /// <summary>The recipe's name: linear, concat, ties, dare_linear, dare_ties or magnitude_prune.</summary>
    public string Name { get; }

    /// <summary>The crayon_blend_mode that runs it (native/include/crayon_blend.h).</summary>
    internal uint NativeMode { get; }

    /// <summary>Merge recipes: the fraction of each task tensor kept, in (0, 1]; 1 for linear and concat.</summary>
    public float Density { get; }

    /// <summary>ties and dare_ties: how each element's sign is elected.</summary>
    public MajoritySignMethod MajoritySign { get; }

    /// <summary>dare_linear and dare_ties: which elements are dropped (the same on every backend for a seed).</summary>
    public ulong Seed { get; }

    /// <summary>True for concat: the output stacks the chosen adapters on the rank axis (rank k·r); top-k applies.</summary>
    public bool StacksAdapters => NativeMode == ConcatMode;

    /// <summary>True for the factor-wise merges: density applies, weights must be ≥ 0.</summary>
    public bool IsMerge => NativeMode >= TiesMode;

    /// <summary>True for the recipes that elect a sign (ties, dare_ties).</summary>
    public bool ElectsSign => NativeMode is TiesMode or DareTiesMode;

    /// <summary>True for the recipes that drop at random (dare_linear, dare_ties).</summary>
    public bool IsRandom => NativeMode is DareLinearMode or DareTiesMode;

    private const uint LinearMode = 0, ConcatMode = 1, TiesMode = 2, DareLinearMode = 3, DareTiesMode = 4, MagnitudePruneMode = 5;

    public static BlendRecipe Linear { get; } = new("linear", LinearMode, 1f, MajoritySignMethod.Total, 0);
    public static BlendRecipe Concat { get; } = new("concat", ConcatMode, 1f, MajoritySignMethod.Total, 0);

    public static BlendRecipe Ties(float density = DefaultDensity, MajoritySignMethod majoritySign = MajoritySignMethod.Total) =>
        Merge("ties", TiesMode, density, majoritySign, 0);

    public static BlendRecipe DareLinear(float density = DefaultDensity, ulong seed = 0) =>
        Merge("dare_linear", DareLinearMode, density, MajoritySignMethod.Total, seed);

    public static BlendRecipe DareTies(float density = DefaultDensity, MajoritySignMethod majoritySign = MajoritySignMethod.Total, ulong seed = 0) =>
        Merge("dare_ties", DareTiesMode, density, majoritySign, seed);

    public static BlendRecipe MagnitudePrune(float density = DefaultDensity) =>
        Merge("magnitude_prune", MagnitudePruneMode, density, MajoritySignMethod.Total, 0);

    /// <summary>Every recipe's name, in native mode order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["linear", "concat", "ties", "dare_linear", "dare_ties", "magnitude_prune"];

    /// <summary>The names as an error message lists them.</summary>
    public static string KnownNames => string.Join(", ", Names);

    /// <summary>The two recipes the older <see cref="BlendMode"/> names.</summary>
    public static implicit operator BlendRecipe(BlendMode mode) => mode switch
    {
        BlendMode.Linear => Linear,
        BlendMode.Concat => Concat,
        _ => throw new ArgumentException($"blend mode {(int)mode} is not a known recipe; known: {KnownNames}", nameof(mode)),
    };

    /// <summary>
    /// Parses the text form (case-insensitive name, then optional <c>:key=value,...</c>). Throws <see cref="FormatException"/>
    /// naming the unknown name or key and listing the known ones, or the parameter and its limit.
    /// </summary>
    public static BlendRecipe Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var parameters = colon < 0 ? "" : text[(colon + 1)..];
        float? density = null;
        MajoritySignMethod? sign = null;
        ulong? seed = null;
        foreach (var part in parameters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var key = (eq < 0 ? part : part[..eq]).Trim().ToLowerInvariant();
            var value = eq < 0 ? "" : part[(eq + 1)..].Trim();
            switch (key)
            {
                case "density":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                        throw new FormatException($"recipe '{text}': density '{value}' is not a number; it must be in (0, 1]");
                    density = d;
                    break;
                case "majority_sign":
                    sign = value.ToLowerInvariant() switch
                    {
                        "total" => MajoritySignMethod.Total,
                        "frequency" => MajoritySignMethod.Frequency,
                        _ => throw new FormatException($"recipe '{text}': majority_sign '{value}' is not total or frequency"),
                    };
                    break;
                case "seed":
                    if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                        throw new FormatException($"recipe '{text}': seed '{value}' is not a whole number in 0..{ulong.MaxValue}");
                    seed = s;
                    break;
                default:
                    throw new FormatException($"recipe '{text}': unknown parameter '{key}'; known: density, majority_sign, seed");
            }
        }
        var recipe = name switch
        {
            "linear" => Linear,
            "concat" => Concat,
            "ties" => Checked(() => Ties(density ?? DefaultDensity, sign ?? MajoritySignMethod.Total)),
            "dare_linear" => Checked(() => DareLinear(density ?? DefaultDensity, seed ?? 0)),
            "dare_ties" => Checked(() => DareTies(density ?? DefaultDensity, sign ?? MajoritySignMethod.Total, seed ?? 0)),
            "magnitude_prune" => Checked(() => MagnitudePrune(density ?? DefaultDensity)),
            _ => throw new UnknownBlendRecipeException(name),
        };
        if (density is not null && !recipe.IsMerge) throw new FormatException($"recipe '{text}': density applies to the merge recipes only");
        if (sign is not null && !recipe.ElectsSign) throw new FormatException($"recipe '{text}': majority_sign applies to ties and dare_ties only");
        if (seed is not null && !recipe.IsRandom) throw new FormatException($"recipe '{text}': seed applies to dare_linear and dare_ties only");
        return recipe;

        BlendRecipe Checked(Func<BlendRecipe> make)
        {
            try
            {
                return make();
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"recipe '{text}': {e.Message}", e);
            }
        }
    }

    /// <summary>The text form <see cref="Parse"/> reads back to this recipe.</summary>
    public override string ToString()
    {
        if (!IsMerge) return Name;
        var text = $"{Name}:density={Density.ToString("R", CultureInfo.InvariantCulture)}";
        if (ElectsSign) text += $",majority_sign={(MajoritySign == MajoritySignMethod.Total ? "total" : "frequency")}";
        if (IsRandom) text += $",seed={Seed.ToString(CultureInfo.InvariantCulture)}";
        return text;
    }

    /// <summary>Throws unless these weights suit the recipe (finite weights are checked elsewhere): merges need w ≥ 0.</summary>
    public void CheckWeights(ReadOnlySpan<float> weights)
    {
        if (!IsMerge) return;
        for (var i = 0; i < weights.Length; i++)
            if (weights[i] < 0)
                throw new ArgumentException(
                    $"weights[{i}] is {weights[i]}; {Name} scales each factor by √weight (as PEFT does), so weights must be ≥ 0", nameof(weights));
    }

    internal NativeMergeParameters NativeParameters => new(Density, (uint)MajoritySign, Seed);

    private static BlendRecipe Merge(string name, uint mode, float density, MajoritySignMethod sign, ulong seed)
    {
        if (!(density > 0f && density <= 1f))
            throw new ArgumentOutOfRangeException(nameof(density), density, $"{name} density must be in (0, 1] (the fraction of each tensor kept)");
        if (!Enum.IsDefined(sign))
            throw new ArgumentOutOfRangeException(nameof(sign), sign, $"{name} majority sign must be total or frequency");
        return new BlendRecipe(name, mode, density, sign, seed);
    }
}

/// <summary>A recipe name <see cref="BlendRecipe.Parse"/> does not know; the message lists the known ones.</summary>
public sealed class UnknownBlendRecipeException(string name)
    : FormatException($"unknown blend recipe '{name}'; known recipes: {BlendRecipe.KnownNames}")
{
    /// <summary>The name as given (lower-cased, without parameters).</summary>
    public string Name { get; } = name;
}

