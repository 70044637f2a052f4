namespace Crayon.Tasks;

/// <summary>One rejected line of a JSONL file: its 1-based number and what is wrong with it.</summary>
public sealed record QaLineError(long Line, string Problem)
{
    /// <summary>"line N: problem".</summary>
    public override string ToString() => $"line {Line}: {Problem}";
}

/// <summary>
/// A QA file that cannot be used. The message names the file and every collected bad line (up to
/// <see cref="QaReaderLimits.MaxReportedErrors"/>), so a user can fix them all in one pass.
/// File-level problems (too large, empty, too many items) have no line errors.
/// </summary>
public sealed class QaFormatException : Exception
{
    /// <summary>A problem with <paramref name="source"/>; the message lists the line errors.</summary>
    public QaFormatException(string source, string summary, IReadOnlyList<QaLineError>? lineErrors = null, bool moreErrorsOmitted = false)
        : base(Compose(source, summary, lineErrors ?? [], moreErrorsOmitted))
    {
        Source = source;
        Summary = summary;
        LineErrors = lineErrors ?? [];
        MoreErrorsOmitted = moreErrorsOmitted;
    }

    /// <summary>The file path (or stream name) that was being read.</summary>
    public new string Source { get; }

    /// <summary>The problem in one phrase, without the file name or line list.</summary>
    public string Summary { get; }

    /// <summary>The collected bad lines, in file order.</summary>
    public IReadOnlyList<QaLineError> LineErrors { get; }

    /// <summary>True when the read stopped after the error limit, so more bad lines may follow.</summary>
    public bool MoreErrorsOmitted { get; }

    private static string Compose(string source, string summary, IReadOnlyList<QaLineError> errors, bool more)
    {
        if (errors.Count == 0) return $"{source}: {summary}";
        var lines = string.Join("; ", errors.Select(e => e.ToString()));
        var tail = more ? "; further lines not checked" : "";
        return $"{source}: {summary} ({errors.Count} bad line{(errors.Count == 1 ? "" : "s")}: {lines}{tail})";
    }
}
