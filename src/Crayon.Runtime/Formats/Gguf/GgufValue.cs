using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Crayon.Formats.Gguf;

/// <summary>
/// One immutable GGUF metadata value: a scalar, a string, or an array of any of them (arrays of
/// strings and arrays of arrays included). Strings keep their exact bytes, so a file whose strings
/// are not valid UTF-8 (RWKV vocabularies, for one) still round-trips byte for byte; <see cref="AsString"/>
/// decodes them. Numeric arrays are held as typed arrays, so a 150k-token score list is one float[].
/// </summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    // Scalars: the boxed primitive, or byte[] (UTF-8) for a string.
    // Arrays: a typed primitive array (byte[], float[], bool[] ...), byte[][] for strings, GgufValue[] for arrays.
    private readonly object _data;

    private GgufValue(GgufValueType type, GgufValueType elementType, object data)
    {
        Type = type;
        ElementType = elementType;
        _data = data;
    }

    /// <summary>The value's type; <see cref="GgufValueType.Array"/> for arrays.</summary>
    public GgufValueType Type { get; }

    /// <summary>For arrays, the type of the elements; for scalars, the same as <see cref="Type"/>.</summary>
    public GgufValueType ElementType { get; }

    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>Number of elements of an array (1 for a scalar).</summary>
    public int Count => IsArray ? ((System.Array)_data).Length : 1;

    // ---- scalars ----------------------------------------------------------------------------------
    public static GgufValue U8(byte v) => new(GgufValueType.UInt8, GgufValueType.UInt8, v);
    public static GgufValue I8(sbyte v) => new(GgufValueType.Int8, GgufValueType.Int8, v);
    public static GgufValue U16(ushort v) => new(GgufValueType.UInt16, GgufValueType.UInt16, v);
    public static GgufValue I16(short v) => new(GgufValueType.Int16, GgufValueType.Int16, v);
    public static GgufValue U32(uint v) => new(GgufValueType.UInt32, GgufValueType.UInt32, v);
    public static GgufValue I32(int v) => new(GgufValueType.Int32, GgufValueType.Int32, v);
    public static GgufValue F32(float v) => new(GgufValueType.Float32, GgufValueType.Float32, v);
    public static GgufValue Bool(bool v) => new(GgufValueType.Bool, GgufValueType.Bool, v);
    public static GgufValue U64(ulong v) => new(GgufValueType.UInt64, GgufValueType.UInt64, v);
    public static GgufValue I64(long v) => new(GgufValueType.Int64, GgufValueType.Int64, v);
    public static GgufValue F64(double v) => new(GgufValueType.Float64, GgufValueType.Float64, v);

    public static GgufValue Str(string v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(GgufValueType.String, GgufValueType.String, Encoding.UTF8.GetBytes(v));
    }

    /// <summary>A string given as raw bytes (not checked for UTF-8).</summary>
    public static GgufValue StrUtf8(ReadOnlySpan<byte> utf8) => new(GgufValueType.String, GgufValueType.String, utf8.ToArray());

    // ---- arrays (the value takes a copy) ------------------------------------------------------------
    public static GgufValue Array(ReadOnlySpan<byte> items) => OfArray(GgufValueType.UInt8, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<sbyte> items) => OfArray(GgufValueType.Int8, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<ushort> items) => OfArray(GgufValueType.UInt16, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<short> items) => OfArray(GgufValueType.Int16, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<uint> items) => OfArray(GgufValueType.UInt32, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<int> items) => OfArray(GgufValueType.Int32, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<float> items) => OfArray(GgufValueType.Float32, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<bool> items) => OfArray(GgufValueType.Bool, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<ulong> items) => OfArray(GgufValueType.UInt64, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<long> items) => OfArray(GgufValueType.Int64, items.ToArray());
    public static GgufValue Array(ReadOnlySpan<double> items) => OfArray(GgufValueType.Float64, items.ToArray());

    public static GgufValue Array(IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var bytes = new byte[items.Count][];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = Encoding.UTF8.GetBytes(items[i] ?? throw new ArgumentNullException(nameof(items), $"string {i} is null"));
        return OfArray(GgufValueType.String, bytes);
    }

    /// <summary>An array of strings given as raw bytes.</summary>
    public static GgufValue ArrayUtf8(IReadOnlyList<byte[]> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return OfArray(GgufValueType.String, items.Select(b => (byte[])b.Clone()).ToArray());
    }

    /// <summary>An array whose elements are themselves arrays (each may have its own element type).</summary>
    public static GgufValue Array(IReadOnlyList<GgufValue> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var a in arrays)
            if (a is null || !a.IsArray) throw new ArgumentException("every element of a nested GGUF array must itself be an array", nameof(arrays));
        return OfArray(GgufValueType.Array, arrays.ToArray());
    }

    /// <summary>Wraps an array the reader just built, without another copy.</summary>
    internal static GgufValue OfArray(GgufValueType elementType, System.Array items) => new(GgufValueType.Array, elementType, items);

    internal static GgufValue OfScalar(GgufValueType type, object value) => new(type, type, value);

    // ---- typed access ---------------------------------------------------------------------------------
    public byte AsUInt8() => Scalar<byte>(GgufValueType.UInt8);
    public sbyte AsInt8() => Scalar<sbyte>(GgufValueType.Int8);
    public ushort AsUInt16() => Scalar<ushort>(GgufValueType.UInt16);
    public short AsInt16() => Scalar<short>(GgufValueType.Int16);
    public uint AsUInt32() => Scalar<uint>(GgufValueType.UInt32);
    public int AsInt32() => Scalar<int>(GgufValueType.Int32);
    public float AsFloat32() => Scalar<float>(GgufValueType.Float32);
    public bool AsBool() => Scalar<bool>(GgufValueType.Bool);
    public ulong AsUInt64() => Scalar<ulong>(GgufValueType.UInt64);
    public long AsInt64() => Scalar<long>(GgufValueType.Int64);
    public double AsFloat64() => Scalar<double>(GgufValueType.Float64);

    /// <summary>The string, decoded from UTF-8 (invalid bytes become U+FFFD).</summary>
    public string AsString() => Encoding.UTF8.GetString(Scalar<byte[]>(GgufValueType.String));

    /// <summary>The string's exact bytes.</summary>
    public ReadOnlySpan<byte> AsUtf8() => Scalar<byte[]>(GgufValueType.String);

    /// <summary>Any integer scalar widened to long (for keys that writers store as u32 or i32 alike).</summary>
    public long ToInt64() => _data switch
    {
        _ when IsArray => throw Mismatch("an integer"),
        byte v => v, sbyte v => v, ushort v => v, short v => v, uint v => v, int v => v, long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw Mismatch("an integer"),
    };

    /// <summary>The elements of a numeric or bool array.</summary>
    public ReadOnlySpan<T> AsArray<T>() where T : unmanaged =>
        IsArray && _data is T[] items && ElementType != GgufValueType.String ? items : throw Mismatch($"an array of {typeof(T).Name}");

    /// <summary>The elements of a string array, decoded.</summary>
    public string[] AsStringArray() =>
        IsArray && ElementType == GgufValueType.String
            ? ((byte[][])_data).Select(b => Encoding.UTF8.GetString(b)).ToArray()
            : throw Mismatch("an array of strings");

    /// <summary>Element <paramref name="index"/> of a string array, as its exact bytes.</summary>
    public ReadOnlySpan<byte> StringArrayItemUtf8(int index) =>
        IsArray && ElementType == GgufValueType.String ? ((byte[][])_data)[index] : throw Mismatch("an array of strings");

    /// <summary>The elements of an array of arrays.</summary>
    public IReadOnlyList<GgufValue> AsNestedArrays() =>
        IsArray && ElementType == GgufValueType.Array ? (GgufValue[])_data : throw Mismatch("an array of arrays");

    internal object RawData => _data;

    private T Scalar<T>(GgufValueType expected) =>
        !IsArray && Type == expected ? (T)_data : throw Mismatch(GgufValueTypes.Name(expected));

    private InvalidOperationException Mismatch(string wanted) =>
        new($"GGUF value is {TypeName}, not {wanted}");

    /// <summary>"u32", "str", "arr[f32,32000]" (llama.cpp's notation).</summary>
    public string TypeName => IsArray ? $"arr[{GgufValueTypes.Name(ElementType)},{Count}]" : GgufValueTypes.Name(Type);

    // ---- equality: exact (floats by bits, strings by bytes) ----------------------------------------------
    public bool Equals(GgufValue? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Type != other.Type || ElementType != other.ElementType) return false;
        return (_data, other._data) switch
        {
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
            (GgufValue[] a, GgufValue[] b) => a.SequenceEqual(b),
            (System.Array a, System.Array b) => a.Length == b.Length && RawBytes(a).SequenceEqual(RawBytes(b)),
            (float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b),
            (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
            var (a, b) => a.Equals(b),
        };
    }

    public override bool Equals(object? obj) => obj is GgufValue v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Type, ElementType, Count);

    private static ReadOnlySpan<byte> RawBytes(System.Array array) => array switch
    {
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        uint[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        bool[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ulong[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new InvalidOperationException($"unexpected array type {array.GetType()}"),
    };

    /// <summary>A short human-readable rendering; long arrays are summarised.</summary>
    public override string ToString() => Render(maxItems: 8);

    public string Render(int maxItems)
    {
        if (!IsArray) return _data switch
        {
            byte[] s => Quote(Encoding.UTF8.GetString(s)),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
        };
        var shown = Enumerable.Range(0, Math.Min(Count, maxItems)).Select(ItemText);
        var more = Count > maxItems ? $", … ({Count} items)" : "";
        return $"[{string.Join(", ", shown)}{more}]";
    }

    private string ItemText(int i) => _data switch
    {
        byte[][] s => Quote(Encoding.UTF8.GetString(s[i])),
        GgufValue[] n => n[i].Render(4),
        float[] f => f[i].ToString("R", CultureInfo.InvariantCulture),
        double[] d => d[i].ToString("R", CultureInfo.InvariantCulture),
        bool[] b => b[i] ? "true" : "false",
        System.Array a => Convert.ToString(a.GetValue(i), CultureInfo.InvariantCulture) ?? "",
        _ => "?",
    };

    private static string Quote(string s)
    {
        var escaped = s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
        return escaped.Length > 60 ? $"\"{escaped[..57]}…\"" : $"\"{escaped}\"";
    }
}
