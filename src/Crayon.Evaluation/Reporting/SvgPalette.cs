namespace Crayon.Reporting;

/// <summary>Series colours (Tableau 10, readable on white and by most colour-blind readers); past ten series the dash pattern changes too.</summary>
internal static class SvgPalette
{
    private static readonly string[] Colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
    private static readonly string?[] Dashes = [null, "6 3", "2 2", "8 3 2 3"];

    public static string Color(int series) => Colors[series % Colors.Length];

    public static string? Dash(int series) => Dashes[series / Colors.Length % Dashes.Length];

    /// <summary>White (0) to dark blue (1), for heatmap cells.</summary>
    public static string Sequential(double t)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);
        return $"#{Mix(0xff, 0x08, t):x2}{Mix(0xff, 0x30, t):x2}{Mix(0xff, 0x6b, t):x2}";
    }

    /// <summary>The fill of a cell without a value.</summary>
    public const string Missing = "#d9d9d9";
}
