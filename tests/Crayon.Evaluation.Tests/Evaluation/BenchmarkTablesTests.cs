using Crayon.Evaluation;
using NUnit.Framework;
using Spectre.Console;

namespace Crayon.Tests.Evaluation;

public class BenchmarkTablesTests
{
    [Test]
    public void TheTablesShowEveryTaskMethodAndMissingValues()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        CustomizationRecord[] records =
        [
            new() { Task = "siqa", K = 8, Rank = 4, TestItems = 500, BaseNll = 3, UniformNll = 2.9, CrayonNll = 2.5, OracleNll = 2, BaseAcc = 0.3, CrayonAcc = 0.4125 },
            new() { Task = "a<b>[red]", K = 32, Rank = 4, TestItems = 12, BaseNll = 1 },
        ];

        BenchmarkTables.Write(console, records);
        console.Write(BenchmarkTables.Hybrid([new HybridRecord { Set = "mixed", Policy = "random", Ratio = 0.3, Accuracy = 0.55, BytesSent = 123.4, Queries = 10, Routed = 3 }]));
        var text = writer.ToString();

        Assert.That(text, Does.Contain("best single").And.Contain("gap closed").And.Contain("oracle"));
        Assert.That(text, Does.Contain("2.500").And.Contain("50.0%"), "Crayon's NLL and the gap share");
        Assert.That(text, Does.Contain("41.3%"), "accuracy as a percentage");
        Assert.That(text, Does.Contain("a<b>[red]"), "markup in task names is printed, not interpreted");
        Assert.That(text, Does.Contain("random").And.Contain("30.0%").And.Contain("123"));
    }
}
