namespace Crayon.Tasks;

/// <summary>
/// What <see cref="QaJsonlReader"/> accepts before it gives up. The defaults fit the shared QA data
/// (largest file 9.2 MB, longest line 5 KB) with a wide margin; <see cref="UserExamples"/> is tighter,
/// for files a user hands to the device.
/// </summary>
public sealed record QaReaderLimits
{
    /// <summary>Files larger than this are rejected before a byte is parsed.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>One line (one item) larger than this is reported as a bad line.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>More items than this abort the read (memory guard for files that pass the size check).</summary>
    public int MaxItems { get; init; } = 2_000_000;

    /// <summary>How many bad lines are collected before the read stops, so they can be fixed in one go.</summary>
    public int MaxReportedErrors { get; init; } = 10;

    /// <summary>The reader's defaults, for the shared data sets.</summary>
    public static QaReaderLimits Default { get; } = new();

    /// <summary>For a user's customization examples: at most 4 MiB, 64 KiB per line, 10,000 items.</summary>
    public static QaReaderLimits UserExamples { get; } = new() { MaxFileBytes = 4L * 1024 * 1024, MaxLineBytes = 64 * 1024, MaxItems = 10_000 };

    internal void Validate()
    {
        if (MaxFileBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "must be positive");
        if (MaxLineBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxLineBytes), MaxLineBytes, "must be positive");
        if (MaxItems <= 0) throw new ArgumentOutOfRangeException(nameof(MaxItems), MaxItems, "must be positive");
        if (MaxReportedErrors <= 0) throw new ArgumentOutOfRangeException(nameof(MaxReportedErrors), MaxReportedErrors, "must be positive");
    }
}
