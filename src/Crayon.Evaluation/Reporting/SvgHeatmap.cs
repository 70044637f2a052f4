using System.Globalization;

namespace Crayon.Reporting;

/// <summary>
/// Renders a <see cref="Heatmap"/>: row labels on the left, column labels on top (rotated when there
/// are many), one cell per value with its exact value as a tooltip, and a colour bar with the scale ends.
/// </summary>
public static class SvgHeatmap
{
    private const double MinTop = 90, Right = 110, Bottom = 20, Cell = 22;

    /// <exception cref="ArgumentException">no rows or columns, a row of the wrong length, or a label count that does not match.</exception>
    public static string Render(Heatmap map)
    {
        Validate(map);
        var finite = map.Values.SelectMany(r => r).Where(double.IsFinite).ToArray();
        var lo = map.Min ?? (finite.Length == 0 ? 0 : Math.Min(0, finite.Min()));
        var hi = map.Max ?? (finite.Length == 0 ? 1 : finite.Max());
        if (!(hi > lo)) hi = lo + 1;

        var left = 16 + 7 * Math.Min(40, map.RowLabels.Max(l => l?.Length ?? 0));
        var width = left + map.ColumnLabels.Count * Cell + Right;
        // Rotated column labels rise about 5.7 px per character (11 px text at 60°): room for the longest below the title.
        var top = Math.Max(MinTop, 40 + 5.7 * Math.Min(40, map.ColumnLabels.Max(l => l?.Length ?? 0)));
        var height = top + map.RowLabels.Count * Cell + Bottom;
        using var svg = new SvgCanvas(width, height);
        svg.Text(width / 2.0, 22, map.Title, "middle", 15, bold: true);
        for (var c = 0; c < map.ColumnLabels.Count; c++)
            svg.Text(left + (c + 0.5) * Cell + 4, top - 6, map.ColumnLabels[c], "start", 11, rotate: -60);
        for (var r = 0; r < map.RowLabels.Count; r++)
        {
            var y = top + r * Cell;
            svg.Text(left - 6, y + Cell / 2 + 4, map.RowLabels[r], "end");
            for (var c = 0; c < map.ColumnLabels.Count; c++)
            {
                var v = map.Values[r][c];
                var fill = double.IsFinite(v) ? SvgPalette.Sequential((v - lo) / (hi - lo)) : SvgPalette.Missing;
                svg.Rect(left + c * Cell, y, Cell, Cell, fill, "#ffffff", $"{map.RowLabels[r]} / {map.ColumnLabels[c]}: {Format(v)}");
            }
        }
        DrawColorBar(svg, map.ValueLabel, lo, hi, left + map.ColumnLabels.Count * Cell + 24, top, Math.Max(60, map.RowLabels.Count * Cell));
        return svg.Finish();
    }

    /// <summary>Renders to <paramref name="path"/> (UTF-8), creating its folder.</summary>
    public static void Write(string path, Heatmap map) => SvgFile.Write(path, Render(map));

    private static void Validate(Heatmap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(map.RowLabels);
        ArgumentNullException.ThrowIfNull(map.ColumnLabels);
        ArgumentNullException.ThrowIfNull(map.Values);
        if (map.RowLabels.Count == 0 || map.ColumnLabels.Count == 0) throw new ArgumentException("a heatmap needs at least one row and one column");
        if (map.Values.Count != map.RowLabels.Count)
            throw new ArgumentException($"the heatmap has {map.RowLabels.Count} row labels but {map.Values.Count} rows of values");
        for (var r = 0; r < map.Values.Count; r++)
            if (map.Values[r] is null || map.Values[r].Count != map.ColumnLabels.Count)
                throw new ArgumentException($"heatmap row {r} ({map.RowLabels[r]}) has {map.Values[r]?.Count ?? 0} values, expected {map.ColumnLabels.Count} (one per column)");
        if (map.Min is { } lo && map.Max is { } hi && !(hi > lo)) throw new ArgumentException($"Max ({hi}) must exceed Min ({lo})");
    }

    private static void DrawColorBar(SvgCanvas svg, string label, double lo, double hi, double x, double top, double height)
    {
        const int Steps = 20;
        for (var i = 0; i < Steps; i++)
            svg.Rect(x, top + height * i / Steps, 14, height / Steps + 0.5, SvgPalette.Sequential(1 - (double)i / (Steps - 1)));
        svg.Text(x + 20, top + 10, Format(hi));
        svg.Text(x + 20, top + height, Format(lo));
        svg.Text(x + 7, top - 8, label, "middle", 11);
    }

    private static string Format(double value) => double.IsFinite(value) ? value.ToString("G3", CultureInfo.InvariantCulture) : "n/a";
}
