using Crayon.Formats.Gguf;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>Small GGUF files that exercise every metadata type and several tensor types; fuzz seeds.</summary>
internal static class SampleGguf
{
    public static GgufFile Create(int alignment = GgufKeys.DefaultAlignment, int seed = 1)
    {
        var random = new Random(seed);
        var m = new GgufMetadata("sample");
        m.Set("general.architecture", GgufValue.Str("llama"));
        if (alignment != GgufKeys.DefaultAlignment) m.Set(GgufKeys.Alignment, GgufValue.U32((uint)alignment));
        m.Set("t.u8", GgufValue.U8(200));
        m.Set("t.i8", GgufValue.I8(-7));
        m.Set("t.u16", GgufValue.U16(65_000));
        m.Set("t.i16", GgufValue.I16(-30_000));
        m.Set("t.u32", GgufValue.U32(4_000_000_000));
        m.Set("t.i32", GgufValue.I32(-2_000_000_000));
        m.Set("t.f32", GgufValue.F32(-0.0f));
        m.Set("t.bool", GgufValue.Bool(true));
        m.Set("t.u64", GgufValue.U64(ulong.MaxValue));
        m.Set("t.i64", GgufValue.I64(long.MinValue));
        m.Set("t.f64", GgufValue.F64(Math.PI));
        m.Set("t.str", GgufValue.Str("héllo ▁wörld"));
        m.Set("t.str.invalid_utf8", GgufValue.StrUtf8([0xff, 0xfe, 0x41]));
        m.Set("t.arr.u8", GgufValue.Array([1, 2, 3]));
        m.Set("t.arr.f32", GgufValue.Array([1.5f, float.NaN, float.NegativeInfinity]));
        m.Set("t.arr.bool", GgufValue.Array([true, false, true]));
        m.Set("t.arr.i64", GgufValue.Array([long.MaxValue, -1L]));
        m.Set("t.arr.str", GgufValue.Array(["<s>", "▁the", ""]));
        m.Set("t.arr.empty", GgufValue.Array(ReadOnlySpan<int>.Empty));
        m.Set("t.arr.nested", GgufValue.Array([GgufValue.Array([1u, 2u]), GgufValue.Array(["a"]), GgufValue.Array([GgufValue.Array([0.25])])]));

        var tensors = new List<GgufTensor>
        {
            GgufTensor.FromFloat32("f32.matrix", [3, 2], RandomFloats(random, 6)),
            GgufTensor.FromFloat32("f16.vector", [5], RandomFloats(random, 5), GgmlType.F16),
            GgufTensor.FromFloat32("bf16.cube", [2, 2, 2], RandomFloats(random, 8), GgmlType.BF16),
            Raw(random, "q4_0.rows", [64, 2], GgmlType.Q4_0),
            Raw(random, "q6_k.row", [256], GgmlType.Q6_K),
            Raw(random, "i32.scalar", [], GgmlType.I32),
            Raw(random, "empty", [0, 4], GgmlType.F32),
        };
        return new GgufFile(m, tensors);
    }

    public static GgufTensor Raw(Random random, string name, long[] dims, GgmlType type)
    {
        var info = new GgufTensorInfo(name, dims, type);
        var bytes = new byte[info.ByteSize];
        random.NextBytes(bytes);
        return new GgufTensor(info, bytes);
    }

    public static float[] RandomFloats(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
}
