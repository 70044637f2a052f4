namespace Crayon.Training;

/// <summary>One trained weight: its values before and after fine-tuning (GGUF order: row-major out×in for a matrix).</summary>
public sealed class TunedTensor
{
    public TunedTensor(string name, long[] dimensions, float[] baseValues, float[] tunedValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var count = dimensions.Aggregate(1L, (a, d) => a * d);
        if (baseValues.Length != count || tunedValues.Length != count)
            throw new ArgumentException($"tensor '{name}' [{string.Join(", ", dimensions)}] has {count} elements; got {baseValues.Length} base and {tunedValues.Length} tuned values");
        Name = name;
        Dimensions = dimensions;
        Base = baseValues;
        Tuned = tunedValues;
    }

    /// <summary>The GGUF tensor name, e.g. "blk.0.attn_q.weight".</summary>
    public string Name { get; }

    /// <summary>Innermost first, as GGUF stores them: a matrix is [in, out].</summary>
    public long[] Dimensions { get; }

    public float[] Base { get; }
    public float[] Tuned { get; }

    public bool IsMatrix => Dimensions.Length == 2;

    /// <summary>Output features (rows of the row-major matrix).</summary>
    public int Rows => IsMatrix ? (int)Dimensions[1] : throw new InvalidOperationException($"tensor '{Name}' is not a matrix");

    /// <summary>Input features (columns).</summary>
    public int Columns => IsMatrix ? (int)Dimensions[0] : throw new InvalidOperationException($"tensor '{Name}' is not a matrix");

    /// <summary>The LoRA target name: the tensor name without ".weight".</summary>
    public string Target => Name.EndsWith(".weight", StringComparison.Ordinal) ? Name[..^".weight".Length] : Name;

    /// <summary>Tuned minus base.</summary>
    public float[] Delta()
    {
        var delta = new float[Base.Length];
        for (var i = 0; i < delta.Length; i++) delta[i] = Tuned[i] - Base[i];
        return delta;
    }
}
