using System.Globalization;
using Spectre.Console;

namespace Crayon.Evaluation;

/// <summary>
/// Console tables for the benchmark records (Spectre.Console). Numbers use the invariant culture;
/// in each row the best NLL and accuracy among the methods a device can run are bold (the oracle,
/// trained on the whole task, is a reference and never highlighted); a method that was not run shows "-".
/// </summary>
public static class BenchmarkTables
{
    private static readonly CustomizationMethod[] Methods = Enum.GetValues<CustomizationMethod>();

    /// <summary>Mean answer NLL per task and method, with the share of the base-to-oracle gap Crayon closes.</summary>
    public static Table CustomizationNll(IReadOnlyList<CustomizationRecord> records)
    {
        var table = NewTable("Mean answer NLL (lower is better)", ["task", "K", "rank", "n", .. Methods.Select(Name), "gap closed"]);
        foreach (var r in records)
        {
            var values = Methods.Select(r.Nll).ToArray();
            var best = Deployable(values).DefaultIfEmpty(double.NaN).Min();
            table.AddRow([Cell(r.Task), Cell(Int(r.K)), Cell(Int(r.Rank)), Cell(Int(r.TestItems)),
                .. values.Select(v => Number(v, "0.000", v == best)), Cell(Percent(r.GapClosed))]);
        }
        return table;
    }

    /// <summary>Accuracy per task and method.</summary>
    public static Table CustomizationAccuracy(IReadOnlyList<CustomizationRecord> records)
    {
        var table = NewTable("Accuracy (higher is better)", ["task", "K", "rank", "n", .. Methods.Select(Name)]);
        foreach (var r in records)
        {
            var values = Methods.Select(r.Acc).ToArray();
            var best = Deployable(values).DefaultIfEmpty(double.NaN).Max();
            table.AddRow([Cell(r.Task), Cell(Int(r.K)), Cell(Int(r.Rank)), Cell(Int(r.TestItems)),
                .. values.Select(v => Cell(Percent(v), v == best))]);
        }
        return table;
    }

    /// <summary>Accuracy against routing ratio, one row per (set, policy, ratio).</summary>
    public static Table Hybrid(IReadOnlyList<HybridRecord> records)
    {
        var table = NewTable("Hybrid routing", ["set", "policy", "routed", "accuracy", "gold NLL", "bytes/query", "queries"]);
        foreach (var r in records)
            table.AddRow(Cell(r.Set), Cell(r.Policy), Cell(Percent(r.Ratio)), Cell(Percent(r.Accuracy)), Cell(r.Nll.ToString("F2", CultureInfo.InvariantCulture)),
                Cell(r.BytesSent.ToString("0", CultureInfo.InvariantCulture)), Cell(Int(r.Queries)));
        return table;
    }

    /// <summary>Writes both customization tables to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<CustomizationRecord> records)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(CustomizationNll(records));
        console.Write(CustomizationAccuracy(records));
    }

    private static IEnumerable<double> Deployable(double?[] values) =>
        Methods.Zip(values).Where(m => m.First != CustomizationMethod.Oracle && m.Second.HasValue).Select(m => m.Second!.Value);

    private static Table NewTable(string title, IEnumerable<string> columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        table.Columns[0].LeftAligned();
        return table;
    }

    private static string Name(CustomizationMethod method) => method switch
    {
        CustomizationMethod.BestSingle => "best single",
        _ => method.ToString().ToLowerInvariant(),
    };

    private static Text Cell(string text, bool bold = false) => new(text, bold ? new Style(decoration: Decoration.Bold) : Style.Plain);

    private static Text Number(double? value, string format, bool bold) =>
        Cell(value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-", bold);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double? value) =>
        value is { } v && double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
}
