using System.Xml.Linq;
using Crayon.Reporting;
using NUnit.Framework;

namespace Crayon.Tests.Reporting;

public class SvgHeatmapTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Test]
    public void OneCellPerValueWithTooltipsAndGreyForMissing()
    {
        var map = new Heatmap
        {
            Title = "alpha per task",
            RowLabels = ["siqa", "mmlu/anatomy & co"],
            ColumnLabels = ["0", "1", "2"],
            Values = [[0.7, 0.2, 0.1], [0.0, double.NaN, 1.0]],
            ValueLabel = "alpha",
        };
        var doc = XDocument.Parse(SvgHeatmap.Render(map));
        var cells = doc.Descendants(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).ToArray();

        Assert.That(cells, Has.Length.EqualTo(6));
        Assert.That(cells.Select(c => c.Element(Svg + "title")!.Value), Does.Contain("siqa / 0: 0.7").And.Contain("mmlu/anatomy & co / 1: n/a"));
        Assert.That(cells[4].Attribute("fill")!.Value, Is.EqualTo("#d9d9d9"));
        Assert.That(cells[3].Attribute("fill")!.Value, Is.EqualTo("#ffffff"), "0 is white");
        Assert.That(cells[5].Attribute("fill")!.Value, Is.EqualTo("#08306b"), "the maximum is the darkest");
    }

    [Test]
    public void ShapeMismatchesAreNamed()
    {
        var map = new Heatmap { Title = "t", RowLabels = ["a", "b"], ColumnLabels = ["0", "1"], Values = [[1, 2], [3]] };
        Assert.That(Assert.Throws<ArgumentException>(() => SvgHeatmap.Render(map))!.Message, Does.Contain("row 1 (b) has 1 values, expected 2"));
        Assert.Throws<ArgumentException>(() => SvgHeatmap.Render(map with { Values = [[1, 2]] }));
        Assert.Throws<ArgumentException>(() => SvgHeatmap.Render(map with { RowLabels = [], Values = [] }));
    }
}
