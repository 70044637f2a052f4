namespace Crayon.Tasks;

/// <summary>
/// Reads a QA JSONL file (one <see cref="QaItem"/> per line; schema in shared/data/README.md) and
/// never trusts it. The file is streamed: an oversized file is refused from its length alone, an
/// oversized line is skipped without being buffered. Bad lines are collected (up to
/// <see cref="QaReaderLimits.MaxReportedErrors"/>) and reported together in one
/// <see cref="QaFormatException"/> naming the file and each line number. Blank lines are allowed
/// and skipped; a file with no items is an error.
/// </summary>
public static class QaJsonlReader
{
    /// <summary>Reads every item of <paramref name="path"/>.</summary>
    /// <param name="expectedTask">When set, every item's "task" must equal it (e.g. the folder the file came from).</param>
    /// <exception cref="QaFormatException">the file is too large, empty, or has bad lines.</exception>
    /// <exception cref="FileNotFoundException">there is no such file.</exception>
    public static IReadOnlyList<QaItem> ReadFile(string path, QaReaderLimits? limits = null, string? expectedTask = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits ??= QaReaderLimits.Default;
        limits.Validate();
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"QA file not found: {path}", path);
        if (info.Length > limits.MaxFileBytes)
            throw new QaFormatException(path, $"the file has {info.Length:N0} bytes, over the limit of {limits.MaxFileBytes:N0}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, path, limits, expectedTask);
    }

    /// <summary>Reads every item of a stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="QaFormatException">the stream passes the size limit, holds no items, or has bad lines.</exception>
    public static IReadOnlyList<QaItem> Read(Stream stream, string source, QaReaderLimits? limits = null, string? expectedTask = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        limits ??= QaReaderLimits.Default;
        limits.Validate();

        var splitter = new JsonlLineSplitter(stream, source, limits.MaxLineBytes, limits.MaxFileBytes);
        var items = new List<QaItem>();
        var errors = new List<QaLineError>();
        var idLines = new Dictionary<string, long>(StringComparer.Ordinal);
        while (errors.Count < limits.MaxReportedErrors && splitter.Next(out var line))
        {
            var problem = Check(line, limits, expectedTask, idLines, out var item);
            if (problem is not null) { errors.Add(new QaLineError(line.Number, problem)); continue; }
            if (item is null) continue; // a blank line
            if (items.Count == limits.MaxItems)
                throw new QaFormatException(source, $"more than {limits.MaxItems:N0} items (the limit) at line {line.Number}");
            items.Add(item);
        }
        if (errors.Count > 0)
        {
            var more = errors.Count == limits.MaxReportedErrors && splitter.Next(out _);
            throw new QaFormatException(source, "malformed QA items", errors, more);
        }
        if (items.Count == 0) throw new QaFormatException(source, "the file holds no items");
        return items;
    }

    private static string? Check(RawLine line, QaReaderLimits limits, string? expectedTask, Dictionary<string, long> idLines, out QaItem? item)
    {
        item = null;
        if (line.OversizeBytes is { } size) return $"the line has {size:N0} bytes, over the limit of {limits.MaxLineBytes:N0}";
        if (IsBlank(line.Bytes.Span)) return null;
        item = QaItemParser.Parse(line.Bytes, out var problem);
        if (item is null) return problem;
        if (expectedTask is not null && !string.Equals(item.Task, expectedTask, StringComparison.Ordinal))
            return $"task is '{item.Task}', expected '{expectedTask}'";
        if (!idLines.TryAdd(item.Id, line.Number)) return $"id '{item.Id}' already used on line {idLines[item.Id]}";
        return null;
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }
}
