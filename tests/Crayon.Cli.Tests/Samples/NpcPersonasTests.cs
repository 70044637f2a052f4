using System.Globalization;
using System.Text.RegularExpressions;
using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Samples;

/// <summary>
/// samples/NpcPersonas built and run on stories260K and the tiny pool for two rounds: three personas, three distinct
/// blends (alpha), the first turn loads the adapter and every later turn swaps in place in the same context, and a
/// persona's second turn lands the same alpha as its first.
/// </summary>
[NonParallelizable]
public partial class NpcPersonasTests : TempFolderTest
{
    [GeneratedRegex(@"^turn=(?<turn>\d+) persona=(?<persona>\w+) swap=(?<swap>\w+) alpha-to-live-ms=(?<ms>\d+\.\d\d) alpha=\[(?<alpha>[^\]]+)\] says: (?<text>.*)$")]
    private static partial Regex TurnLine();

    private sealed record Turn(int Number, string Persona, string Swap, double Milliseconds, string Alpha, string Text);

    [Test]
    public void ThreePersonasTakeTurnsThroughInPlaceSwaps()
    {
        var dll = SampleBuild.Build("NpcPersonas");
        var output = SampleBuild.Run(dll, TempFolder.FullName, TrainingFixture.Model, TinyPool.Path, "2");
        TestContext.Out.WriteLine(output);
        var turns = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();

        Assert.That(turns.Select(t => t.Number), Is.EqualTo(Enumerable.Range(1, 6)));
        Assert.That(turns.Select(t => t.Persona), Is.EqualTo(new[] { "pirate", "librarian", "knight", "pirate", "librarian", "knight" }));
        Assert.That(turns[0].Swap, Is.EqualTo("Loaded"), "the first customization loads the live adapter");
        Assert.That(turns.Skip(1).Select(t => t.Swap), Is.All.EqualTo("InPlace"), "every later persona lands in place");
        Assert.That(turns.Take(3).Select(t => t.Alpha).Distinct().Count(), Is.EqualTo(3), "three personas, three distinct blends:\n" + output);
        for (var i = 0; i < 3; i++)
            Assert.That(turns[i + 3].Alpha, Is.EqualTo(turns[i].Alpha), $"{turns[i].Persona}'s second turn re-applies its alpha");
        Assert.That(turns.Select(t => t.Text), Is.All.Not.Empty, "each turn says something");
    }

    [Test]
    public void AnInvalidRoundCountIsAUsageError()
    {
        var dll = SampleBuild.Build("NpcPersonas");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = TempFolder.FullName };
        foreach (var a in new[] { dll, "m.gguf", "p.gguf", "0" }) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("rounds (1 or more"));
    }

    private static Turn Parse(string line)
    {
        var match = TurnLine().Match(line);
        Assert.That(match.Success, $"not a turn line: {line}");
        return new Turn(int.Parse(match.Groups["turn"].Value, CultureInfo.InvariantCulture), match.Groups["persona"].Value, match.Groups["swap"].Value,
            double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture), match.Groups["alpha"].Value, match.Groups["text"].Value.Trim());
    }
}
