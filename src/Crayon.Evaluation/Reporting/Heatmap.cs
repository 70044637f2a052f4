namespace Crayon.Reporting;

/// <summary>
/// A matrix of values shown as coloured cells, e.g. alpha over base adapters (columns) per task (rows),
/// the paper's figure 3. Render with <see cref="SvgHeatmap"/>. NaN cells are drawn grey.
/// </summary>
public sealed record Heatmap
{
    /// <summary>Shown above the chart.</summary>
    public required string Title { get; init; }
    /// <summary>One label per row (e.g. tasks).</summary>
    public required IReadOnlyList<string> RowLabels { get; init; }
    /// <summary>One label per column (e.g. base adapter indices).</summary>
    public required IReadOnlyList<string> ColumnLabels { get; init; }

    /// <summary>Values[row][column]; every row has one value per column.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Values { get; init; }

    /// <summary>What a cell's value means, shown beside the colour bar (e.g. "alpha").</summary>
    public string ValueLabel { get; init; } = "value";

    /// <summary>Colour scale ends; null fits the finite values (min 0 when all are non-negative).</summary>
    public double? Min { get; init; }

    /// <inheritdoc cref="Min"/>
    public double? Max { get; init; }
}
