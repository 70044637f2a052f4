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
    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public required IReadOnlyList<LineSeries> Series { get; init; }
    public AxisScale XScale { get; init; } = AxisScale.Linear;

    /// <summary>Fixed y range ends (e.g. 0 and 1 for accuracy); null fits the data.</summary>
    public double? YMin { get; init; }

    public double? YMax { get; init; }

    public int Width { get; init; } = 720;
    public int Height { get; init; } = 420;
}
