using CommunityToolkit.HighPerformance;

namespace Crayon.Adapters;

/// <summary>
/// A dense row-major float32 matrix: one LoRA factor. A is (rank × in_features) and B is
/// (out_features × rank), the PyTorch/PEFT orientation. In GGUF (dimensions innermost first)
/// that is lora_a = [in, rank] and lora_b = [rank, out], which is what llama.cpp expects.
/// </summary>
public sealed class LoraMatrix
{
    public LoraMatrix(int rows, int cols, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * cols)
            throw new ArgumentException($"matrix data has {data.Length} elements, expected {rows}×{cols} = {(long)rows * cols}", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public LoraMatrix(int rows, int cols) : this(rows, cols, new float[checked(rows * cols)]) { }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Row-major elements; the matrix owns this array.</summary>
    public float[] Data { get; }

    public Span2D<float> AsSpan2D() => new(Data, Rows, Cols);

    public LoraMatrix Clone() => new(Rows, Cols, (float[])Data.Clone());

    public override string ToString() => $"{Rows}×{Cols}";
}
