using Crayon.Training;
using NUnit.Framework;

namespace Crayon.Tests.Training;

public class WindowPackerTests
{
    private const int Pad = 2;

    private static int[][] Sequences(params int[] lengths) =>
        lengths.Select((n, s) => Enumerable.Range(0, n).Select(i => 100 * (s + 1) + i).ToArray()).ToArray();

    [Test]
    public void PackedWindowsHoldWholeSequencesAndNextTokenLabels()
    {
        var sequences = Sequences(5, 7, 3, 9, 4, 6);
        const int window = 15;
        var order = new SeededRandom(1).Permutation(sequences.Length);
        var windows = WindowPacker.Pack(sequences, order, window, WindowPacking.Packed);

        Assert.That(windows.SelectMany(w => w).Order(), Is.EqualTo(Enumerable.Range(0, sequences.Length)), "every sequence exactly once");
        foreach (var w in windows)
        {
            Assert.That(WindowPacker.Used(sequences, w), Is.LessThanOrEqualTo(window + 1), "no sequence straddles two windows");
            var tokens = new int[window];
            var labels = new int[window];
            WindowPacker.Fill(sequences, w, Pad, tokens, labels);
            var stream = w.SelectMany(i => sequences[i]).ToList();
            for (var p = 0; p < window; p++)
            {
                Assert.That(tokens[p], Is.EqualTo(p < stream.Count ? stream[p] : Pad));
                Assert.That(labels[p], Is.EqualTo(p + 1 < stream.Count ? stream[p + 1] : Pad), "the label is the next token, padding after the text");
            }
        }
        Assert.That(windows, Has.Count.LessThan(sequences.Length), "short sequences share windows");
    }

    [Test]
    public void OnePerWindowKeepsSequencesApart()
    {
        var sequences = Sequences(3, 4, 2);
        var windows = WindowPacker.Pack(sequences, new[] { 2, 0, 1 }, 16, WindowPacking.OnePerWindow);
        Assert.That(windows.Select(w => w.ToArray()), Is.EqualTo(new[] { new[] { 2 }, new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void TheOrderDecidesThePacking()
    {
        var sequences = Sequences(6, 6, 6, 6, 3, 3, 3, 3);
        var a = WindowPacker.Pack(sequences, new SeededRandom(1).Permutation(8), 12, WindowPacking.Packed);
        var again = WindowPacker.Pack(sequences, new SeededRandom(1).Permutation(8), 12, WindowPacking.Packed);
        Assert.That(again, Is.EqualTo(a), "deterministic");
        Assert.That(a[0][0], Is.EqualTo(new SeededRandom(1).Permutation(8)[0]), "windows follow the shuffled order");
    }

    [Test]
    public void ASequenceLongerThanAWindowIsRejected()
    {
        Assert.That(() => WindowPacker.Pack(Sequences(20), new[] { 0 }, 16, WindowPacking.Packed),
            Throws.ArgumentException.With.Message.Contains("20 tokens"));
    }
}
