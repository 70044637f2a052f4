namespace Crayon.Formats.Gguf;

/// <summary>The metadata value types of GGUF v3, with the numbers the file stores.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

internal static class GgufValueTypes
{
    public static bool IsDefined(uint raw) => raw <= (uint)GgufValueType.Float64;

    /// <summary>Bytes of one element on disk, or 0 for strings and arrays (variable length).</summary>
    public static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };

    /// <summary>The fewest bytes one element can occupy on disk: a string needs its 8-byte length,
    /// a nested array its 4-byte type and 8-byte count. Used to reject counts a file cannot hold.</summary>
    public static int MinimumSize(GgufValueType type) => type switch
    {
        GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => FixedSize(type),
    };

    /// <summary>The short names llama.cpp prints (gguf_type_name).</summary>
    public static string Name(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => "u8",
        GgufValueType.Int8 => "i8",
        GgufValueType.UInt16 => "u16",
        GgufValueType.Int16 => "i16",
        GgufValueType.UInt32 => "u32",
        GgufValueType.Int32 => "i32",
        GgufValueType.Float32 => "f32",
        GgufValueType.Bool => "bool",
        GgufValueType.String => "str",
        GgufValueType.Array => "arr",
        GgufValueType.UInt64 => "u64",
        GgufValueType.Int64 => "i64",
        GgufValueType.Float64 => "f64",
        _ => $"type {(uint)type}",
    };
}
