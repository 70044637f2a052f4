using System.Globalization;

namespace Crayon.Reporting;

/// <summary>
/// Renders a <see cref="LineChart"/> as a standalone SVG: title, axes with ticks, grid, axis labels,
/// one coloured polyline with point markers per series, and a legend. NaN-safe: a point that cannot be
/// drawn splits its line into separate segments; a chart with no drawable point says "no data".
/// </summary>
public static class SvgLineChart
{
    private const double Left = 70, Right = 190, Top = 44, Bottom = 56, Inset = 10;

    /// <exception cref="ArgumentException">a size under 200 × 150, or a missing title, label or series list.</exception>
    public static string Render(LineChart chart)
    {
        Validate(chart);
        double plotRight = chart.Width - Right, plotBottom = chart.Height - Bottom;
        var points = chart.Series.SelectMany(s => s.Points).ToArray();
        // Values map into an inset of the frame, so points at the ends of the range do not sit on the axis lines.
        var x = SvgAxis.Create(chart.XScale, points.Select(p => p.X), null, null, Left + Inset, plotRight - Inset);
        var y = SvgAxis.Create(AxisScale.Linear, points.Where(p => SvgAxis.Drawable(chart.XScale, p.X)).Select(p => p.Y), chart.YMin, chart.YMax, plotBottom - Inset, Top + Inset);

        using var svg = new SvgCanvas(chart.Width, chart.Height);
        svg.Text(chart.Width / 2.0, 24, chart.Title, "middle", 15, bold: true);
        DrawAxes(svg, x, y, plotRight, plotBottom);
        svg.Text((Left + plotRight) / 2, chart.Height - 14, chart.XLabel, "middle");
        svg.Text(18, (Top + plotBottom) / 2, chart.YLabel, "middle", rotate: -90);

        var drawn = 0;
        for (var s = 0; s < chart.Series.Count; s++)
            drawn += DrawSeries(svg, chart.Series[s], s, x, y, chart.XScale);
        if (drawn == 0) svg.Text((Left + plotRight) / 2, (Top + plotBottom) / 2, "no data", "middle", 14);
        DrawLegend(svg, chart.Series, plotRight + 16);
        return svg.Finish();
    }

    /// <summary>Renders to <paramref name="path"/> (UTF-8), creating its folder.</summary>
    public static void Write(string path, LineChart chart) => SvgFile.Write(path, Render(chart));

    private static void Validate(LineChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(chart.Title);
        ArgumentNullException.ThrowIfNull(chart.XLabel);
        ArgumentNullException.ThrowIfNull(chart.YLabel);
        ArgumentNullException.ThrowIfNull(chart.Series);
        if (chart.Width < 200 || chart.Height < 150) throw new ArgumentException($"chart size {chart.Width}×{chart.Height} is below the minimum 200×150");
        if (chart.YMin is { } lo && chart.YMax is { } hi && !(hi > lo)) throw new ArgumentException($"YMax ({hi}) must exceed YMin ({lo})");
        foreach (var s in chart.Series)
            if (s?.Points is null) throw new ArgumentException("a series or its point list is null");
    }

    private static void DrawAxes(SvgCanvas svg, SvgAxis x, SvgAxis y, double plotRight, double plotBottom)
    {
        foreach (var t in y.Ticks)
        {
            var py = y.ToPixel(t);
            svg.Line(Left, py, plotRight, py, "#e6e6e6");
            svg.Text(Left - 6, py + 4, y.Label(t), "end");
        }
        foreach (var t in x.Ticks)
        {
            var px = x.ToPixel(t);
            svg.Line(px, plotBottom, px, plotBottom + 5, "#333333");
            svg.Text(px, plotBottom + 18, x.Label(t), "middle");
        }
        svg.Line(Left, plotBottom, plotRight, plotBottom, "#333333");
        svg.Line(Left, Top, Left, plotBottom, "#333333");
    }

    private static int DrawSeries(SvgCanvas svg, LineSeries series, int index, SvgAxis x, SvgAxis y, AxisScale xScale)
    {
        var color = SvgPalette.Color(index);
        var segment = new List<(double, double)>();
        var drawn = 0;
        void Flush()
        {
            if (segment.Count > 1) svg.Polyline(segment, color, SvgPalette.Dash(index));
            segment.Clear();
        }
        foreach (var p in series.Points)
        {
            if (!SvgAxis.Drawable(xScale, p.X) || !double.IsFinite(p.Y)) { Flush(); continue; }
            var pixel = (x.ToPixel(p.X), y.ToPixel(p.Y));
            segment.Add(pixel);
            svg.Circle(pixel.Item1, pixel.Item2, 3, color, $"{series.Name}: ({Format(p.X)}, {Format(p.Y)})");
            drawn++;
        }
        Flush();
        return drawn;
    }

    private static void DrawLegend(SvgCanvas svg, IReadOnlyList<LineSeries> series, double left)
    {
        for (var s = 0; s < series.Count; s++)
        {
            var top = Top + 6 + s * 18;
            svg.Line(left, top, left + 22, top, SvgPalette.Color(s), 2, SvgPalette.Dash(s));
            svg.Text(left + 28, top + 4, series[s].Name);
        }
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
