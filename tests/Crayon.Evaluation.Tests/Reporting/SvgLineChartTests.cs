using System.Xml.Linq;
using Crayon.Reporting;
using NUnit.Framework;

namespace Crayon.Tests.Reporting;

public class SvgLineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static LineChart Chart(params LineSeries[] series) => new()
    {
        Title = "NLL vs K <siqa & csqa>",
        XLabel = "K (user examples)",
        YLabel = "mean answer NLL",
        Series = series,
        XScale = AxisScale.Log2,
    };

    [Test]
    public void RendersWellFormedSvgWithOneLinePerSeriesALegendAndEscapedText()
    {
        var svg = SvgLineChart.Render(Chart(
            new LineSeries("crayon", [new(8, 2.5), new(32, 2.3), new(128, 2.2)]),
            new LineSeries("base \"model\"", [new(8, 3.0), new(32, 3.0), new(128, 3.0)])));

        var doc = XDocument.Parse(svg);
        Assert.That(doc.Root!.Name, Is.EqualTo(Svg + "svg"));
        Assert.That(doc.Descendants(Svg + "polyline").Count(), Is.EqualTo(2));
        Assert.That(doc.Descendants(Svg + "circle").Count(), Is.EqualTo(6));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.That(texts, Does.Contain("NLL vs K <siqa & csqa>"));
        Assert.That(texts, Does.Contain("base \"model\""));
        Assert.That(texts, Is.SupersetOf(new[] { "8", "16", "32", "64", "128" }), "powers of two on the log axis");
    }

    [Test]
    public void ANaNPointSplitsTheLineAndNeverReachesTheMarkup()
    {
        var svg = SvgLineChart.Render(Chart(new LineSeries("s", [new(8, 1), new(16, 2), new(32, double.NaN), new(64, 3), new(128, 4), new(0, 5)])));
        var doc = XDocument.Parse(svg);
        Assert.That(doc.Descendants(Svg + "polyline").Count(), Is.EqualTo(2));
        Assert.That(doc.Descendants(Svg + "circle").Count(), Is.EqualTo(4), "NaN and x=0 (log axis) are not drawn");
        Assert.That(svg, Does.Not.Contain("NaN").And.Not.Contain("Infinity"));
    }

    [Test]
    public void AChartWithoutDrawablePointsSaysSo()
    {
        var svg = SvgLineChart.Render(Chart(new LineSeries("s", [new(double.NaN, 1), new(8, double.PositiveInfinity)])) with { XScale = AxisScale.Linear });
        var doc = XDocument.Parse(svg);
        Assert.That(doc.Descendants(Svg + "text").Select(t => t.Value), Does.Contain("no data"));
        Assert.That(doc.Descendants(Svg + "polyline"), Is.Empty);
    }

    [Test]
    public void YTicksAreRoundNumbersCoveringTheData()
    {
        var chart = new LineChart
        {
            Title = "accuracy vs routing ratio", XLabel = "routed", YLabel = "accuracy",
            Series = [new LineSeries("similarity", [new(0, 0.413), new(0.5, 0.52), new(1, 0.61)])],
        };
        var doc = XDocument.Parse(SvgLineChart.Render(chart));
        var numbers = doc.Descendants(Svg + "text").Select(t => t.Value).Where(v => double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(numbers, Does.Contain(0.45).And.Contain(0.6));
        Assert.That(numbers.Min(), Is.LessThanOrEqualTo(0.413));

        var fixedRange = XDocument.Parse(SvgLineChart.Render(chart with { YMin = 0, YMax = 1 }));
        var labels = fixedRange.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.That(labels, Is.SupersetOf(new[] { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" }));
    }

    [Test]
    public void ControlCharactersInLabelsAreReplacedNotFatal()
    {
        var svg = SvgLineChart.Render(Chart(new LineSeries("bad\u0001name\ud800", [new(8, 1)])));
        Assert.That(XDocument.Parse(svg).Descendants(Svg + "text").Select(t => t.Value), Does.Contain("bad\uFFFDname\uFFFD"));
    }

    [Test]
    public void BadChartsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render(Chart() with { Width = 10 }));
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render(Chart() with { YMin = 1, YMax = 1 }));
    }

    [Test]
    public void WriteCreatesTheFolderAndAParsableFile()
    {
        var folder = Path.Combine(Path.GetTempPath(), "crayon-svg-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(folder, "plots", "k.svg");
            SvgLineChart.Write(path, Chart(new LineSeries("s", [new(8, 1), new(32, 2)])));
            Assert.That(XDocument.Load(path).Root!.Name.LocalName, Is.EqualTo("svg"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
