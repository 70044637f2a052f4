namespace Crayon.Formats.Safetensors;

/// <summary>One tensor of a safetensors file: row-major, shape outermost first (PyTorch order).</summary>
public sealed class SafetensorsTensor
{
    internal SafetensorsTensor(string name, SafetensorsDtype dtype, long[] shape, long elementCount, ReadOnlyMemory<byte> data)
    {
        Name = name;
        Dtype = dtype;
        Shape = shape;
        ElementCount = elementCount;
        Data = data;
    }

    public string Name { get; }
    public SafetensorsDtype Dtype { get; }
    public IReadOnlyList<long> Shape { get; }
    public long ElementCount { get; }
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>F32, F16 and BF16 tensors as float32.</summary>
    public float[] ToFloat32()
    {
        var values = new float[ElementCount];
        var bytes = Data.Span;
        switch (Dtype)
        {
            case SafetensorsDtype.F32: FloatFormats.F32BytesToSingle(bytes, values); break;
            case SafetensorsDtype.F16: FloatFormats.F16BytesToSingle(bytes, values); break;
            case SafetensorsDtype.BF16: FloatFormats.Bf16BytesToSingle(bytes, values); break;
            default: throw new NotSupportedException($"tensor '{Name}' is {SafetensorsDtypes.Name(Dtype)}; only F32, F16 and BF16 convert to float32");
        }
        return values;
    }

    public override string ToString() => $"{Name} {SafetensorsDtypes.Name(Dtype)} [{string.Join(", ", Shape)}]";
}
