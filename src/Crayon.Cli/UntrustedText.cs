using System.Globalization;
using System.Text;

namespace Crayon.Cli;

/// <summary>
/// Text from outside (GGUF metadata keys and values, file names, a server's reply) made safe to print: control
/// characters (C0, DEL, C1) and the bidirectional overrides that reorder what a terminal shows are written as
/// escapes (\x1b, \n, \u202e), so that a file cannot retitle the terminal, move the cursor or fake a line.
/// </summary>
public static class UntrustedText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape)) return text ?? "";
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) { builder.Append(c); continue; }
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < '\u0100' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
