using System.CommandLine;
using Crayon.Blending;
using Crayon.Customization;

namespace Crayon.Cli.Commands;

/// <summary>The options that shape alpha and the blend: --tau, --top-k, --recipe (alias --mode; shared by customize, bench customize and demo).</summary>
internal sealed class AlphaCommandOptions
{
    private static CustomizerOptions Defaults => CustomizerOptions.Default;

    public Option<double> Tau { get; } = new("--tau") { Description = "softmax temperature of alpha = softmax(similarity / tau)", DefaultValueFactory = _ => Defaults.Alpha.Temperature };

    public Option<int> TopK { get; } = new("--top-k") { Description = "keep only the K most similar adapters (0: all)", DefaultValueFactory = _ => Defaults.Alpha.TopK ?? 0 };

    public Option<string> ModeOption { get; } = new("--recipe", "--mode")
    {
        Description = "linear (blend A and B, rank r), concat (stack the adapters, exact, rank k·r), PEFT's ties, dare_linear, dare_ties, magnitude_prune " +
                      "(as `crayon blend --mode` spells them, e.g. ties:density=0.3,majority_sign=frequency) or mix (llama.cpp applies the adapters at run time)",
        DefaultValueFactory = _ => Name(Defaults.Mode),
    };

    public Option<string> Hub { get; } = new("--hub")
    {
        Description = "correct each similarity for its centroid's hubness before the softmax: none, centroid-mean (minus the centroid's mean cosine to the other centroids) or centroid-zscore (that, divided by their spread)",
        DefaultValueFactory = _ => Crayon.Benchmarking.Customize.CustomizeBenchmarkSettings.HubName(Defaults.Alpha.Hub),
    };

    public void AddTo(Command command)
    {
        command.Add(Tau);
        command.Add(TopK);
        command.Add(ModeOption);
        command.Add(Hub);
    }

    public AlphaOptions Alpha(ParseResult result)
    {
        var tau = result.GetValue(Tau);
        if (!double.IsFinite(tau) || tau <= 0) throw new UsageException($"--tau must be a positive number, got {tau}");
        var topK = result.GetValue(TopK);
        if (topK < 0) throw new UsageException($"--top-k must be 0 (all) or more, got {topK}");
        return new AlphaOptions { Temperature = tau, TopK = topK == 0 ? null : topK, Hub = ParseHub(result.GetValue(Hub)!) };
    }

    /// <summary>Refuses a --top-k above the pool's adapter count, naming the option (the library's refusal names a property).</summary>
    public static void EnsureFits(AlphaOptions alpha, int adapterCount)
    {
        if (alpha.TopK > adapterCount)
            throw new UsageException($"--top-k {alpha.TopK} is more than the pool's {adapterCount} adapter{(adapterCount == 1 ? "" : "s")}; give 1 to {adapterCount}, or 0 for all");
    }

    /// <summary>none, centroid-mean or centroid-zscore; anything else is a usage error listing them.</summary>
    public static HubCorrection ParseHub(string text)
    {
        foreach (var hub in Enum.GetValues<HubCorrection>())
            if (Crayon.Benchmarking.Customize.CustomizeBenchmarkSettings.HubName(hub).Equals(text, StringComparison.OrdinalIgnoreCase)) return hub;
        throw new UsageException($"--hub {text}: give none, centroid-mean or centroid-zscore");
    }

    public CustomizationMode Mode(ParseResult result) => Parse(result.GetValue(ModeOption)!);

    /// <summary>mix, or a blend recipe in <see cref="BlendRecipe.Parse"/>'s form (the parsing `crayon blend --mode` uses): an unknown
    /// name or parameter is a usage error naming the option and listing the known ones.</summary>
    public static CustomizationMode Parse(string text, string option = "--recipe")
    {
        try
        {
            return CustomizationMode.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    public static string Name(CustomizationMode mode) => mode.ToString();
}
