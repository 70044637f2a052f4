using System.Text;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>Writes GGUF bytes field by field, so tests can build files no correct writer would produce.</summary>
internal sealed class RawGgufBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _w;

    public RawGgufBuilder() => _w = new BinaryWriter(_stream);

    public RawGgufBuilder Header(ulong tensors, ulong entries, uint version = 3)
    {
        _w.Write("GGUF"u8);
        _w.Write(version);
        _w.Write(tensors);
        _w.Write(entries);
        return this;
    }

    public RawGgufBuilder Str(string s) => Str(Encoding.UTF8.GetBytes(s));

    public RawGgufBuilder Str(byte[] utf8)
    {
        _w.Write((ulong)utf8.Length);
        _w.Write(utf8);
        return this;
    }

    public RawGgufBuilder U32(uint v) { _w.Write(v); return this; }
    public RawGgufBuilder U64(ulong v) { _w.Write(v); return this; }
    public RawGgufBuilder Bytes(int count) { _w.Write(new byte[count]); return this; }

    public RawGgufBuilder KeyU32(string key, uint value) => Str(key).U32(4).U32(value);

    public RawGgufBuilder TensorInfo(string name, ulong[] dims, uint type, ulong offset)
    {
        Str(name).U32((uint)dims.Length);
        foreach (var d in dims) U64(d);
        return U32(type).U64(offset);
    }

    /// <summary>Zero bytes up to the next multiple of <paramref name="alignment"/>.</summary>
    public RawGgufBuilder PadTo(int alignment)
    {
        while (_stream.Length % alignment != 0) _w.Write((byte)0);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}
