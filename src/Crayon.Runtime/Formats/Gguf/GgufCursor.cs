using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Crayon.Formats.Gguf;

/// <summary>
/// Reads little-endian fields from a seekable stream, never past the known end. Every read states what
/// it is reading, so a short or corrupt file fails with the field's name, its byte offset and the limit.
/// Positions are relative to where the GGUF data starts in the stream (alignment is relative to that too).
/// </summary>
internal sealed class GgufCursor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly long _origin;
    private readonly byte[] _scratch = new byte[8];

    public GgufCursor(Stream stream, string sourceName)
    {
        _stream = stream;
        _origin = stream.Position;
        Length = stream.Length - _origin;
        SourceName = sourceName;
    }

    public string SourceName { get; }
    public long Length { get; }
    public long Position { get; private set; }
    public long Remaining => Length - Position;

    public GgufFormatException Error(string field, string problem, long? at = null) =>
        new(SourceName, field, problem, at ?? Position);

    public void Seek(long position, string field)
    {
        if (position < 0 || position > Length)
            throw Error(field, $"offset {position} lies outside the {Length}-byte file");
        _stream.Position = _origin + position;
        Position = position;
    }

    private ReadOnlySpan<byte> Fixed(int size, string field)
    {
        Require(size, field);
        _stream.ReadExactly(_scratch, 0, size);
        Position += size;
        return _scratch.AsSpan(0, size);
    }

    /// <summary>Fails unless <paramref name="size"/> more bytes exist.</summary>
    public void Require(long size, string field)
    {
        if (size > Remaining)
            throw Error(field, $"needs {size} bytes but only {Remaining} remain in the {Length}-byte file (truncated?)");
    }

    public byte U8(string field) => Fixed(1, field)[0];
    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4, field));
    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Fixed(8, field));
    public long I64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Fixed(8, field));

    /// <summary>Reads exactly <paramref name="count"/> bytes into a new array (the caller has bounded count).</summary>
    public byte[] Bytes(long count, string field)
    {
        Require(count, field);
        var bytes = new byte[count];
        _stream.ReadExactly(bytes);
        Position += count;
        return bytes;
    }

    /// <summary>Fills a typed array from the file (elements are little-endian, like the host).</summary>
    public T[] Array<T>(long count, string field) where T : unmanaged
    {
        var size = (long)Marshal.SizeOf<T>();
        Require(count * size, field);
        var items = new T[count];
        _stream.ReadExactly(MemoryMarshal.AsBytes(items.AsSpan()));
        Position += count * size;
        return items;
    }

    /// <summary>A GGUF string: u64 length, then that many bytes. The length is checked before allocating.</summary>
    public byte[] StringBytes(string field, long maxLength)
    {
        var at = Position;
        var length = U64(field + " length");
        if (length > (ulong)maxLength)
            throw Error(field, $"string length {length} exceeds the limit of {maxLength} bytes", at);
        if (length > (ulong)Remaining)
            throw Error(field, $"string length {length} exceeds the {Remaining} bytes left in the file", at);
        return Bytes((long)length, field);
    }

    /// <summary>A string that must be valid UTF-8 because it becomes a .NET string key (metadata keys, tensor names).</summary>
    public string Utf8String(string field, long maxLength)
    {
        var at = Position;
        var bytes = StringBytes(field, maxLength);
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error(field, "is not valid UTF-8", at); }
    }
}
