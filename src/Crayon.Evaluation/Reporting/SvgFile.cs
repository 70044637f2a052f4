using System.Text;

namespace Crayon.Reporting;

/// <summary>Writes a rendered SVG to disk as UTF-8 without a byte-order mark, creating the folder.</summary>
internal static class SvgFile
{
    public static void Write(string path, string svg)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
