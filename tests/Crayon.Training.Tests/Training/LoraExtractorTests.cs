using Crayon.Adapters;
using Crayon.Training;
using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;

namespace Crayon.Tests.Training;

public class LoraExtractorTests
{
    /// <summary>A random (rows × columns) matrix of rank exactly <paramref name="rank"/>, row-major.</summary>
    private static float[] LowRank(int rows, int columns, int rank, int seed)
    {
        var random = new SeededRandom(seed);
        var left = Matrix<double>.Build.Dense(rows, rank, (_, _) => random.NextGaussian());
        var right = Matrix<double>.Build.Dense(rank, columns, (_, _) => random.NextGaussian());
        var product = left * right;
        return Enumerable.Range(0, rows * columns).Select(i => (float)(0.01 * product[i / columns, i % columns])).ToArray();
    }

    private static float[] Product(LoraPair pair)
    {
        var b = Matrix<double>.Build.Dense(pair.B.Rows, pair.B.Cols, (i, j) => pair.B.Data[i * pair.B.Cols + j]);
        var a = Matrix<double>.Build.Dense(pair.A.Rows, pair.A.Cols, (i, j) => pair.A.Data[i * pair.A.Cols + j]);
        var ba = b * a;
        return Enumerable.Range(0, ba.RowCount * ba.ColumnCount).Select(i => (float)ba[i / ba.ColumnCount, i % ba.ColumnCount]).ToArray();
    }

    private static double RelativeError(float[] expected, float[] actual)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error += Math.Pow(expected[i] - actual[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(error / norm);
    }

    [TestCase(3, 3)]
    [TestCase(3, 8)]
    [TestCase(5, 64)]
    public void ExtractionOfALowRankDeltaIsExactWhenTheRankSuffices(int trueRank, int rank)
    {
        const int rows = 40, columns = 24;
        var delta = LowRank(rows, columns, trueRank, seed: 7);
        var pair = LoraExtractor.ExtractPair("blk.0.attn_q", rows, columns, delta, rank);
        Assert.Multiple(() =>
        {
            Assert.That(pair.Rank, Is.EqualTo(rank), "the requested rank, zero-padded beyond the matrix's own");
            Assert.That(pair.A.Rows, Is.EqualTo(rank));
            Assert.That(pair.A.Cols, Is.EqualTo(columns));
            Assert.That(pair.B.Rows, Is.EqualTo(rows));
            Assert.That(RelativeError(delta, Product(pair)), Is.LessThan(1e-5));
        });
    }

    [Test]
    public void ATooSmallRankGivesTheBestApproximation()
    {
        const int rows = 30, columns = 20, rank = 2;
        var random = new SeededRandom(3);
        var delta = Enumerable.Range(0, rows * columns).Select(_ => (float)random.NextGaussian()).ToArray();
        var pair = LoraExtractor.ExtractPair("blk.0.ffn_up", rows, columns, delta, rank);

        // Eckart–Young: the residual of the best rank-r approximation is the energy of the dropped singular values.
        var singular = Matrix<double>.Build.Dense(rows, columns, (i, j) => delta[i * columns + j]).Svd(false).S;
        var expected = Math.Sqrt(singular.Skip(rank).Sum(s => s * s) / singular.Sum(s => s * s));
        Assert.That(RelativeError(delta, Product(pair)), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void SingularValuesAreSplitEvenlyAndSignsAreCanonical()
    {
        const int rows = 12, columns = 9;
        var delta = LowRank(rows, columns, 2, seed: 11);
        var pair = LoraExtractor.ExtractPair("t", rows, columns, delta, 2);
        var negated = LoraExtractor.ExtractPair("t", rows, columns, delta.Select(v => -v).ToArray(), 2);
        for (var k = 0; k < 2; k++)
        {
            var aNorm = Math.Sqrt(Enumerable.Range(0, columns).Sum(j => Math.Pow(pair.A.Data[k * columns + j], 2)));
            var bNorm = Math.Sqrt(Enumerable.Range(0, rows).Sum(i => Math.Pow(pair.B.Data[i * 2 + k], 2)));
            Assert.That(aNorm, Is.EqualTo(bNorm).Within(1e-4 * aNorm), $"component {k}: √σ on both sides");
            var column = Enumerable.Range(0, rows).Select(i => pair.B.Data[i * 2 + k]).ToArray();
            Assert.That(column.MaxBy(Math.Abs), Is.GreaterThan(0), $"component {k}: largest entry of B's column is positive");
            var negatedColumn = Enumerable.Range(0, rows).Select(i => negated.B.Data[i * 2 + k]).ToArray();
            Assert.That(negatedColumn.MaxBy(Math.Abs), Is.GreaterThan(0), "the sign convention holds for -ΔW too (A carries the sign)");
        }
    }

    [Test]
    public void AdapterAlphaEqualsRankSoLlamaCppScalesByOne()
    {
        var tensors = new[]
        {
            new TunedTensor("blk.0.attn_q.weight", [6, 4], new float[24], LowRank(4, 6, 1, 1)),
            new TunedTensor("blk.0.attn_norm.weight", [6], new float[6], Enumerable.Repeat(1f, 6).ToArray()),
        };
        var adapter = LoraExtractor.Extract(tensors, 3, "llama");
        Assert.Multiple(() =>
        {
            Assert.That(adapter.Alpha, Is.EqualTo(3f));
            Assert.That(adapter.Pairs.Select(p => p.Target), Is.EqualTo(new[] { "blk.0.attn_q" }), "vectors (norms) cannot be low-rank and are skipped");
            Assert.That(adapter.UniformRank, Is.EqualTo(3));
        });
    }

    [Test]
    public void BadDeltasAreRejectedWithTheirName()
    {
        Assert.That(() => LoraExtractor.ExtractPair("blk.1.attn_v", 3, 3, new float[8], 2),
            Throws.ArgumentException.With.Message.Contains("blk.1.attn_v").And.Message.Contains("3×3"));
        var nan = new float[9];
        nan[4] = float.NaN;
        Assert.That(() => LoraExtractor.ExtractPair("blk.1.attn_v", 3, 3, nan, 2),
            Throws.ArgumentException.With.Message.Contains("non-finite").And.Message.Contains("(1, 1)"));
        Assert.That(() => LoraExtractor.Extract([new TunedTensor("output_norm.weight", [4], new float[4], new float[4])], 2, "llama"),
            Throws.ArgumentException.With.Message.Contains("no trained matrix"));
    }
}
