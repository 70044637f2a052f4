namespace Crayon.Blending;

/// <summary>
/// Where <see cref="ResidentPool.BlendInto(ReadOnlySpan{float}, BlendRecipe, int?, Span{byte}, BlendImageLayout)"/> writes
/// in one flat block of memory: each output tensor's byte offset, in pool order (A then B of each target), and the
/// element type. The block can be the data section of a GGUF image or the buffer a runtime uploads an adapter from.
/// </summary>
/// <param name="ElementType">Float32 or Float16 (rounded to nearest even).</param>
/// <param name="TensorOffsets">Byte offset of every output tensor; multiples of the element size, not overlapping.</param>
public sealed record BlendImageLayout(PoolStorage ElementType, IReadOnlyList<long> TensorOffsets)
{
    public int ElementBytes => ElementType == PoolStorage.Float32 ? 4 : 2;

    internal void Validate(int tensorCount)
    {
        if (ElementType is not (PoolStorage.Float32 or PoolStorage.Float16))
            throw new ArgumentException($"an image holds f32 or f16 elements, not {ElementType}", nameof(ElementType));
        if (TensorOffsets.Count != tensorCount)
            throw new ArgumentException($"the image layout names {TensorOffsets.Count} tensor offsets; the pool has {tensorCount} tensors", nameof(TensorOffsets));
        for (var t = 0; t < TensorOffsets.Count; t++)
            if (TensorOffsets[t] < 0) throw new ArgumentException($"tensor offset {t} is negative ({TensorOffsets[t]})", nameof(TensorOffsets));
    }
}
