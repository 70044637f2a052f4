using System.Globalization;
using Crayon.Adapters;
using MathNet.Numerics.LinearAlgebra;

namespace Crayon.Training;

/// <summary>
/// Turns weight deltas into a LoRA adapter by truncated SVD: ΔW = U S Vᵀ ≈ B·A with B = U_r √S_r
/// (out×r) and A = √S_r V_rᵀ (r×in), the best rank-r approximation (Eckart–Young). The adapter's alpha
/// equals its rank, so llama.cpp's alpha/rank scale is 1 and B·A is applied as is. Every pair gets
/// exactly the requested rank (zero-padded where the matrix is smaller), so adapters extracted with one
/// rank can be blended. Singular vectors get a canonical sign (the largest |entry| of each column of U
/// is positive), so equal deltas always give equal factors.
/// </summary>
public static class LoraExtractor
{
    /// <summary>An adapter for every matrix of <paramref name="result"/> (vectors such as norms cannot be low-rank and are skipped).</summary>
    public static LoraAdapter Extract(FineTuneResult result, int rank)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metadata = new Dictionary<string, string>(result.Provenance())
        {
            ["crayon.lora.rank"] = rank.ToString(CultureInfo.InvariantCulture),
            ["crayon.lora.method"] = "truncated SVD of the fine-tuned weight change",
        };
        return Extract(result.Tensors, rank, result.Architecture, metadata);
    }

    public static LoraAdapter Extract(IEnumerable<TunedTensor> tensors, int rank, string architecture, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        var pairs = tensors.Where(t => t.IsMatrix).Select(t => ExtractPair(t.Target, t.Rows, t.Columns, t.Delta(), rank)).ToList();
        if (pairs.Count == 0) throw new ArgumentException("no trained matrix to extract a LoRA adapter from (only vectors were trained)");
        return new LoraAdapter(architecture, alpha: rank, pairs, metadata);
    }

    /// <summary>The rank-<paramref name="rank"/> factors of one row-major (rows × columns) delta.</summary>
    public static LoraPair ExtractPair(string target, int rows, int columns, ReadOnlySpan<float> delta, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        if (delta.Length != (long)rows * columns)
            throw new ArgumentException($"delta of '{target}' has {delta.Length} values, expected {rows}×{columns}");
        var matrix = Matrix<double>.Build.Dense(rows, columns);
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
            {
                var value = delta[i * columns + j];
                if (!float.IsFinite(value)) throw new ArgumentException($"delta of '{target}' has a non-finite value at ({i}, {j})");
                matrix[i, j] = value;
            }

        var a = new float[rank * columns];
        var b = new float[rows * rank];
        var svd = matrix.Svd(computeVectors: true);
        var kept = Math.Min(rank, Math.Min(rows, columns));
        for (var k = 0; k < kept; k++)
        {
            var sigma = svd.S[k];
            if (sigma <= 0) break;
            var scale = Math.Sqrt(sigma);
            var sign = CanonicalSign(svd.U, k);
            for (var i = 0; i < rows; i++) b[i * rank + k] = (float)(sign * scale * svd.U[i, k]);
            for (var j = 0; j < columns; j++) a[k * columns + j] = (float)(sign * scale * svd.VT[k, j]);
        }
        return new LoraPair(target, new LoraMatrix(rank, columns, a), new LoraMatrix(rows, rank, b));
    }

    /// <summary>+1 or -1 so that column k of U has its largest-magnitude entry positive (first such entry on ties).</summary>
    private static double CanonicalSign(Matrix<double> u, int k)
    {
        var best = 0;
        for (var i = 1; i < u.RowCount; i++)
            if (Math.Abs(u[i, k]) > Math.Abs(u[best, k])) best = i;
        return u[best, k] < 0 ? -1 : 1;
    }
}
