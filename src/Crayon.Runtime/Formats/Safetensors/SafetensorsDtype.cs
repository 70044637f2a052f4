namespace Crayon.Formats.Safetensors;

/// <summary>The element types safetensors names in its header ("dtype").</summary>
public enum SafetensorsDtype
{
    Bool,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}

public static class SafetensorsDtypes
{
    private static readonly Dictionary<string, SafetensorsDtype> ByName =
        Enum.GetValues<SafetensorsDtype>().ToDictionary(Name, d => d, StringComparer.Ordinal);

    public static bool TryParse(string text, out SafetensorsDtype dtype) => ByName.TryGetValue(text, out dtype);

    public static string Name(SafetensorsDtype dtype) => dtype == SafetensorsDtype.Bool ? "BOOL" : dtype.ToString();

    public static int Size(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.Bool or SafetensorsDtype.U8 or SafetensorsDtype.I8 or SafetensorsDtype.F8_E5M2 or SafetensorsDtype.F8_E4M3 => 1,
        SafetensorsDtype.I16 or SafetensorsDtype.U16 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 2,
        SafetensorsDtype.I32 or SafetensorsDtype.U32 or SafetensorsDtype.F32 => 4,
        _ => 8,
    };
}
