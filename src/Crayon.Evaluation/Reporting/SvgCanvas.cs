using System.Globalization;
using System.Text;
using System.Xml;

namespace Crayon.Reporting;

/// <summary>
/// The one place SVG markup is written. An <see cref="XmlWriter"/> does the escaping, so any label
/// (a task called "a&lt;b", a subject with quotes) yields well-formed XML; characters XML 1.0 cannot
/// carry at all (control characters, lone surrogates) become U+FFFD. Coordinates are written with
/// two decimals in the invariant culture, and a non-finite coordinate is a bug, not output.
/// </summary>
internal sealed class SvgCanvas : IDisposable
{
    private readonly StringBuilder _text = new();
    private readonly XmlWriter _xml;

    public SvgCanvas(double width, double height)
    {
        _xml = XmlWriter.Create(_text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, CheckCharacters = true });
        _xml.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        Attr("width", width);
        Attr("height", height);
        _xml.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
        _xml.WriteAttributeString("font-family", "sans-serif");
        _xml.WriteAttributeString("font-size", "12");
        Rect(0, 0, width, height, "#ffffff");
    }

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null, string? tooltip = null)
    {
        _xml.WriteStartElement("rect");
        Attr("x", x); Attr("y", y); Attr("width", Math.Max(0, width)); Attr("height", Math.Max(0, height));
        _xml.WriteAttributeString("fill", fill);
        if (stroke is not null) _xml.WriteAttributeString("stroke", stroke);
        Tooltip(tooltip);
        _xml.WriteEndElement();
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _xml.WriteStartElement("line");
        Attr("x1", x1); Attr("y1", y1); Attr("x2", x2); Attr("y2", y2);
        _xml.WriteAttributeString("stroke", stroke);
        Attr("stroke-width", width);
        if (dash is not null) _xml.WriteAttributeString("stroke-dasharray", dash);
        _xml.WriteEndElement();
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, string? dash = null)
    {
        _xml.WriteStartElement("polyline");
        _xml.WriteAttributeString("points", string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}")));
        _xml.WriteAttributeString("fill", "none");
        _xml.WriteAttributeString("stroke", stroke);
        Attr("stroke-width", 2);
        if (dash is not null) _xml.WriteAttributeString("stroke-dasharray", dash);
        _xml.WriteEndElement();
    }

    public void Circle(double cx, double cy, double r, string fill, string? tooltip = null)
    {
        _xml.WriteStartElement("circle");
        Attr("cx", cx); Attr("cy", cy); Attr("r", r);
        _xml.WriteAttributeString("fill", fill);
        Tooltip(tooltip);
        _xml.WriteEndElement();
    }

    /// <param name="anchor">"start", "middle" or "end".</param>
    /// <param name="rotate">Degrees about (x, y); 0 for none.</param>
    public void Text(double x, double y, string text, string anchor = "start", double size = 12, bool bold = false, double rotate = 0)
    {
        _xml.WriteStartElement("text");
        Attr("x", x); Attr("y", y);
        _xml.WriteAttributeString("text-anchor", anchor);
        if (size != 12) Attr("font-size", size);
        if (bold) _xml.WriteAttributeString("font-weight", "bold");
        if (rotate != 0) _xml.WriteAttributeString("transform", $"rotate({N(rotate)} {N(x)} {N(y)})");
        _xml.WriteString(Clean(text));
        _xml.WriteEndElement();
    }

    /// <summary>Closes the document and returns it.</summary>
    public string Finish()
    {
        _xml.WriteEndElement();
        _xml.Flush();
        return _text.ToString();
    }

    public void Dispose() => _xml.Dispose();

    /// <summary>A number as SVG wants it: invariant culture, at most two decimals.</summary>
    public static string N(double value)
    {
        if (!double.IsFinite(value)) throw new InvalidOperationException($"non-finite SVG coordinate {value}");
        return Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces what XML 1.0 cannot hold (control characters, lone surrogates) with U+FFFD.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { builder.Append(c).Append(text[++i]); continue; }
            builder.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
        }
        return builder.ToString();
    }

    private void Tooltip(string? tooltip)
    {
        if (tooltip is null) return;
        _xml.WriteElementString("title", Clean(tooltip));
    }

    private void Attr(string name, double value) => _xml.WriteAttributeString(name, N(value));
}
