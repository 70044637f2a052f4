using Crayon.Formats.Gguf;

namespace Crayon.Cli.Commands;

/// <summary>The float storage types a user may name on the command line.</summary>
internal static class StorageType
{
    public const string Help = "f32, f16 or bf16";

    public static GgmlType Parse(string? text, string option) => text switch
    {
        "f32" => GgmlType.F32,
        "f16" => GgmlType.F16,
        "bf16" => GgmlType.BF16,
        _ => throw new UsageException($"{option} '{text}' is not one of {Help}"),
    };
}
