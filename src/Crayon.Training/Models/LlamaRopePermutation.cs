namespace Crayon.Models;

/// <summary>
/// Hugging Face llama checkpoints rotate the two halves of each head (rotate_half, "NEOX" order);
/// llama.cpp's llama architecture rotates consecutive pairs. convert_hf_to_gguf.py therefore permutes the
/// output rows of q_proj (by the query heads) and k_proj (by the KV heads) — and a LoRA for such a model
/// must have the rows of its B factor permuted the same way (convert_lora_to_gguf.py does it through the
/// same code path). Row h·d + i·(d/2) + j moves to h·d + 2j + i for head h, half i, pair j.
/// </summary>
public static class LlamaRopePermutation
{
    /// <summary>Returns a copy of a row-major (rows × cols) matrix with its rows in llama.cpp's RoPE order.</summary>
    public static float[] PermuteRows(ReadOnlySpan<float> rowMajor, int rows, int cols, int heads)
    {
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0)
            throw new ArgumentException($"{rows} rows do not split into {heads} heads of an even size");
        if (rowMajor.Length != (long)rows * cols) throw new ArgumentException($"{rowMajor.Length} values for a {rows}×{cols} matrix");
        var headDim = rows / heads;
        var half = headDim / 2;
        var result = new float[rowMajor.Length];
        for (var h = 0; h < heads; h++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < half; j++)
                {
                    var from = h * headDim + i * half + j;
                    var to = h * headDim + 2 * j + i;
                    rowMajor.Slice(from * cols, cols).CopyTo(result.AsSpan(to * cols, cols));
                }
        return result;
    }
}
