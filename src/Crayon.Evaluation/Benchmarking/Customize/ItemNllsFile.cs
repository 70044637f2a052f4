using System.Globalization;
using System.IO.Compression;
using System.Text;
using Crayon.Evaluation;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// The per-item NLLs of a customization run as gzipped CSV (x.items.csv.gz, a few tens of KiB for the quick run): one row
/// per task, K, rank and test item, one column per method (empty where the method was not run), 6 decimals. Paired
/// standard errors (Crayon − base, Crayon − uniform) are recomputed from it by anyone who doubts the report.
/// </summary>
public static class ItemNllsFile
{
    private static readonly CustomizationMethod[] Methods = Enum.GetValues<CustomizationMethod>();

    /// <summary>The header: task,k,rank,item,base,uniform,best_single,search,crayon,oracle.</summary>
    public static string Header => "task,k,rank,item," + string.Join(",", Methods.Select(Column));

    public static byte[] Write(IReadOnlyList<ItemNlls> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var csv = new StringBuilder().Append(Header).Append('\n');
        foreach (var set in items)
            for (var i = 0; i < set.ItemIds.Count; i++)
            {
                csv.Append(Quote(set.Task)).Append(',').Append(set.K.ToString(CultureInfo.InvariantCulture)).Append(',')
                   .Append(set.Rank.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Quote(set.ItemIds[i]));
                foreach (var method in Methods)
                    csv.Append(',').Append(set.Nll.TryGetValue(method, out var nll) ? nll[i].ToString("F6", CultureInfo.InvariantCulture) : "");
                csv.Append('\n');
            }
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(csv.ToString()));
        return buffer.ToArray();
    }

    /// <summary>Reads a file written by <see cref="Write"/> back (rows in file order, grouped by task, K and rank).</summary>
    /// <exception cref="InvalidDataException">not such a file: another header, a short row or a number that does not parse (named by line).</exception>
    public static IReadOnlyList<ItemNlls> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        if (reader.ReadLine() != Header) throw new InvalidDataException($"{path}: line 1 is not the header '{Header}'");
        var groups = new List<(string Task, int K, int Rank, List<string> Ids, Dictionary<CustomizationMethod, List<double>> Nll)>();
        var line = 1;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            var cells = Split(text);
            if (cells.Count != 4 + Methods.Length) throw new InvalidDataException($"{path}: line {line} has {cells.Count} cells, expected {4 + Methods.Length}");
            if (!int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) || !int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out var rank))
                throw new InvalidDataException($"{path}: line {line}: k '{cells[1]}' or rank '{cells[2]}' is not a whole number");
            if (groups.Count == 0 || groups[^1].Task != cells[0] || groups[^1].K != k || groups[^1].Rank != rank)
                groups.Add((cells[0], k, rank, [], Methods.Where((_, m) => cells[4 + m].Length > 0).ToDictionary(m => m, _ => new List<double>())));
            var group = groups[^1];
            group.Ids.Add(cells[3]);
            for (var m = 0; m < Methods.Length; m++)
            {
                if (!group.Nll.TryGetValue(Methods[m], out var values))
                {
                    if (cells[4 + m].Length > 0) throw new InvalidDataException($"{path}: line {line}: {Column(Methods[m])} is given here but not on the group's first row");
                    continue;
                }
                if (!double.TryParse(cells[4 + m], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                    throw new InvalidDataException($"{path}: line {line}: {Column(Methods[m])} '{cells[4 + m]}' is not a finite number");
                values.Add(v);
            }
        }
        return groups.Select(g => new ItemNlls(g.Task, g.K, g.Rank, g.Ids, g.Nll.ToDictionary(p => p.Key, p => p.Value.ToArray()))).ToArray();
    }

    private static string Column(CustomizationMethod method) => method == CustomizationMethod.BestSingle ? "best_single" : method.ToString().ToLowerInvariant();

    /// <summary>Task names and item ids are plain (letters, digits, '/', '-', '_'); anything else is quoted CSV-style.</summary>
    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";

    private static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
