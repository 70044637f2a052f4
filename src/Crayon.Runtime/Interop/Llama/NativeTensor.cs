using System.Text;

namespace Crayon.Interop.Llama;

/// <summary>
/// A ggml_tensor owned by llama.cpp (a model weight or an adapter factor), seen from C#: its name,
/// dimensions and type, and its data copied in and out through the backend that holds it.
/// Valid only while its owner (model or adapter) lives.
/// </summary>
internal readonly unsafe struct NativeTensor(IntPtr pointer)
{
    /// <summary>ggml.h GGML_OP_NONE: a stored tensor rather than a computed one.</summary>
    internal const int OpNone = 0;

    public IntPtr Pointer { get; } = pointer;

    private GgmlTensor* Tensor => (GgmlTensor*)Pointer;

    public string Name
    {
        get
        {
            var span = new ReadOnlySpan<byte>(Tensor->name, 64);
            var end = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
    }

    public int Type => Tensor->type;

    /// <summary>Dimensions innermost first, trailing 1s dropped (at least one).</summary>
    public long[] Dimensions
    {
        get
        {
            var rank = 4;
            while (rank > 1 && Tensor->ne[rank - 1] == 1) rank--;
            var dims = new long[rank];
            for (var i = 0; i < rank; i++) dims[i] = Tensor->ne[i];
            return dims;
        }
    }

    public long ElementCount => Tensor->ne[0] * Tensor->ne[1] * Tensor->ne[2] * Tensor->ne[3];

    public float[] ReadFloats()
    {
        RequireF32();
        var values = new float[ElementCount];
        fixed (float* destination = values)
            GgmlApi.ggml_backend_tensor_get(Tensor, destination, 0, (nuint)(values.LongLength * sizeof(float)));
        return values;
    }

    /// <summary>Marks the tensor trainable for ggml-opt (GGML_TENSOR_FLAG_PARAM).</summary>
    public void MarkTrainable()
    {
        RequireF32();
        if (Tensor->op != OpNone) throw new InvalidOperationException($"tensor '{Name}' is computed, not stored; only stored tensors can be trained");
        GgmlApi.ggml_set_param(Tensor);
    }

    private void RequireF32()
    {
        if (Type != GgmlConstants.TypeF32) throw new InvalidOperationException($"tensor '{Name}' is not F32 (ggml type {Type})");
    }
}
