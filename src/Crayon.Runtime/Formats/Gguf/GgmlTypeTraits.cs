namespace Crayon.Formats.Gguf;

/// <summary>
/// Block geometry of every ggml type: a row of a tensor is stored as blocks of <see cref="BlockSize"/>
/// elements, each <see cref="TypeSize"/> bytes (ggml.c type_traits; ggml-common.h block structs).
/// This is what lets quantized tensors travel through Crayon as raw bytes of the right length.
/// </summary>
public readonly record struct GgmlTypeTraits(string Name, int BlockSize, int TypeSize)
{
    private const int QK_K = 256;

    private static readonly Dictionary<GgmlType, GgmlTypeTraits> Table = new()
    {
        [GgmlType.F32] = new("f32", 1, 4),
        [GgmlType.F16] = new("f16", 1, 2),
        [GgmlType.Q4_0] = new("q4_0", 32, 2 + 16),
        [GgmlType.Q4_1] = new("q4_1", 32, 2 + 2 + 16),
        [GgmlType.Q5_0] = new("q5_0", 32, 2 + 4 + 16),
        [GgmlType.Q5_1] = new("q5_1", 32, 2 + 2 + 4 + 16),
        [GgmlType.Q8_0] = new("q8_0", 32, 2 + 32),
        [GgmlType.Q8_1] = new("q8_1", 32, 2 + 2 + 32),
        [GgmlType.Q2_K] = new("q2_K", QK_K, 2 + 2 + QK_K / 16 + QK_K / 4),
        [GgmlType.Q3_K] = new("q3_K", QK_K, 2 + QK_K / 4 + QK_K / 8 + 12),
        [GgmlType.Q4_K] = new("q4_K", QK_K, 2 + 2 + QK_K / 2 + 12),
        [GgmlType.Q5_K] = new("q5_K", QK_K, 2 + 2 + QK_K / 2 + QK_K / 8 + 12),
        [GgmlType.Q6_K] = new("q6_K", QK_K, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16),
        [GgmlType.Q8_K] = new("q8_K", QK_K, 4 + QK_K + QK_K / 16 * 2),
        [GgmlType.IQ2_XXS] = new("iq2_xxs", QK_K, 2 + QK_K / 4),
        [GgmlType.IQ2_XS] = new("iq2_xs", QK_K, 2 + QK_K / 4 + QK_K / 32),
        [GgmlType.IQ3_XXS] = new("iq3_xxs", QK_K, 2 + 3 * (QK_K / 8)),
        [GgmlType.IQ1_S] = new("iq1_s", QK_K, 2 + QK_K / 8 + QK_K / 16),
        [GgmlType.IQ4_NL] = new("iq4_nl", 32, 2 + 16),
        [GgmlType.IQ3_S] = new("iq3_s", QK_K, 2 + 13 * (QK_K / 32) + 4),
        [GgmlType.IQ2_S] = new("iq2_s", QK_K, 2 + QK_K / 4 + QK_K / 16),
        [GgmlType.IQ4_XS] = new("iq4_xs", QK_K, 2 + 2 + QK_K / 64 + QK_K / 2),
        [GgmlType.I8] = new("i8", 1, 1),
        [GgmlType.I16] = new("i16", 1, 2),
        [GgmlType.I32] = new("i32", 1, 4),
        [GgmlType.I64] = new("i64", 1, 8),
        [GgmlType.F64] = new("f64", 1, 8),
        [GgmlType.IQ1_M] = new("iq1_m", QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32),
        [GgmlType.BF16] = new("bf16", 1, 2),
        [GgmlType.TQ1_0] = new("tq1_0", QK_K, 2 + QK_K / 64 + (QK_K - 4 * QK_K / 64) / 5),
        [GgmlType.TQ2_0] = new("tq2_0", QK_K, 2 + QK_K / 4),
        [GgmlType.MXFP4] = new("mxfp4", 32, 1 + 16),
        [GgmlType.NVFP4] = new("nvfp4", 64, 64 / 16 + 64 / 2),
        [GgmlType.Q1_0] = new("q1_0", 128, 2 + 128 / 8),
        [GgmlType.Q2_0] = new("q2_0", 64, 2 + 64 / 4),
    };

    public static IReadOnlyCollection<GgmlType> KnownTypes => Table.Keys;

    public static bool IsKnown(uint raw) => Table.ContainsKey((GgmlType)raw);

    public static GgmlTypeTraits Of(GgmlType type) =>
        Table.TryGetValue(type, out var traits)
            ? traits
            : throw new ArgumentOutOfRangeException(nameof(type), $"ggml type {(uint)type} is not a type GGUF files may hold");

    public static string NameOf(GgmlType type) => Table.TryGetValue(type, out var t) ? t.Name : $"type {(uint)type}";

    /// <summary>Bytes of <paramref name="elementCount"/> elements; the count must be a whole number of blocks.</summary>
    public long ByteSize(long elementCount)
    {
        if (elementCount % BlockSize != 0)
            throw new ArgumentException($"{elementCount} elements are not a whole number of {Name} blocks of {BlockSize}");
        return checked(elementCount / BlockSize * TypeSize);
    }
}
