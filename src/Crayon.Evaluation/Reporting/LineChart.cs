namespace Crayon.Reporting;

/// <summary>One point of a line series. NaN or infinite coordinates are allowed: they leave a gap.</summary>
public readonly record struct PlotPoint(double X, double Y);

/// <summary>A named line. Points are drawn in the given order.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<PlotPoint> Points);

/// <summary>
/// A line chart: metric vs K, vs rank, accuracy vs routing ratio. Render with <see cref="SvgLineChart"/>.
/// </summary>
public sealed record LineChart
{
    /// <summary>Shown above the chart.</summary>
    public required string Title { get; init; }
    /// <summary>Caption under the x axis.</summary>
    public required string XLabel { get; init; }
    /// <summary>Caption beside the y axis.</summary>
    public required string YLabel { get; init; }
    /// <summary>The lines, drawn in palette order and listed in the legend.</summary>
    public required IReadOnlyList<LineSeries> Series { get; init; }
    /// <summary>Log2 suits doubling sweeps (K, rank).</summary>
    public AxisScale XScale { get; init; } = AxisScale.Linear;

    /// <summary>Fixed y range ends (e.g. 0 and 1 for accuracy); null fits the data.</summary>
    public double? YMin { get; init; }

    /// <inheritdoc cref="YMin"/>
    public double? YMax { get; init; }

    /// <summary>Size in pixels (at least 200 × 150).</summary>
    public int Width { get; init; } = 720;
    /// <inheritdoc cref="Width"/>
    public int Height { get; init; } = 420;
}
