using System.Text;
using Crayon.Formats;

namespace Crayon.Customization;

/// <summary>
/// A user's examples as a text file: one example per non-blank line, UTF-8; a line holding a tab is a prompt and the
/// response wanted for it. Bounded like every file a user hands the device: 4 MiB, 64 KiB a line, 10,000 examples.
/// </summary>
public static class ExampleTextFile
{
    public const long MaxFileBytes = 4L * 1024 * 1024;
    public const int MaxLineChars = 64 * 1024;
    public const int MaxExamples = 10_000;

    /// <exception cref="FileFormatException">not UTF-8, too large, a line too long, too many examples, or none.</exception>
    public static IReadOnlyList<Example> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"examples file '{path}' does not exist", path);
        if (info.Length > MaxFileBytes) throw new FileFormatException(path, "file size", $"{info.Length:N0} bytes; an examples file may hold at most {MaxFileBytes:N0}");
        string text;
        try { text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(path)); }
        catch (DecoderFallbackException e) { throw new FileFormatException(path, "text", "not valid UTF-8", e.Index); }
        return Parse(text, path);
    }

    /// <summary>Examples from the text of such a file (<paramref name="source"/> names it in errors).</summary>
    public static IReadOnlyList<Example> Parse(string text, string source = "examples")
    {
        ArgumentNullException.ThrowIfNull(text);
        var examples = new List<Example>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (line.Length > MaxLineChars) throw new FileFormatException(source, $"line {number}", $"{line.Length:N0} characters; at most {MaxLineChars:N0} are allowed");
            if (line.Any(c => c != '\t' && char.IsControl(c))) throw new FileFormatException(source, $"line {number}", "holds a control character");
            if (examples.Count == MaxExamples) throw new FileFormatException(source, $"line {number}", $"more than {MaxExamples:N0} examples");
            var tab = line.IndexOf('\t');
            if (tab < 0) examples.Add(new Example(line));
            else if (string.IsNullOrWhiteSpace(line[..tab])) throw new FileFormatException(source, $"line {number}", "empty prompt before its tab");
            else examples.Add(new Example(line[..tab], line[(tab + 1)..]));
        }
        if (examples.Count == 0) throw new FileFormatException(source, "examples", "none (every line is blank)");
        return examples;
    }
}
