using System.Buffers.Binary;

namespace Crayon.Llama;

/// <summary>
/// The cheap checks done before bytes reach llama.cpp: a GGUF magic and version 2 or 3, so that a
/// file of another kind gets an error naming it instead of a parser's guess.
/// </summary>
internal static class GgufImageCheck
{
    public const int HeaderSize = 24; // magic, version, tensor count, metadata count

    public static void Require(ReadOnlySpan<byte> header, string name, string what)
    {
        if (header.Length < HeaderSize)
            throw new InvalidDataException($"{what} '{name}' is {header.Length} bytes: too short for a GGUF header ({HeaderSize} bytes)");
        if (!header[..4].SequenceEqual("GGUF"u8))
            throw new InvalidDataException($"{what} '{name}' is not a GGUF file (its first bytes are not 'GGUF')");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version is < 2 or > 3)
            throw new InvalidDataException($"{what} '{name}' is GGUF version {version}; llama.cpp {Interop.Llama.LlamaBuild.Release} reads versions 2 and 3");
    }

    public static void RequireFile(string path, string what)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist", path);
        Span<byte> header = stackalloc byte[HeaderSize];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        Require(header[..read], path, what);
    }
}
