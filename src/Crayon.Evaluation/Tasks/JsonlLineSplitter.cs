using System.Buffers;

namespace Crayon.Tasks;

/// <summary>One line of a JSONL stream as raw bytes; <see cref="OversizeBytes"/> is set (and the bytes dropped) when it ran past the line limit.</summary>
internal readonly record struct RawLine(long Number, ReadOnlyMemory<byte> Bytes, long? OversizeBytes);

/// <summary>
/// Splits a stream into lines without ever holding more than one line (capped) and one read chunk,
/// so a huge file or a huge line costs no more memory than a small one. Strips a leading UTF-8 BOM
/// and a trailing CR. Throws <see cref="QaFormatException"/> once the stream passes the byte limit.
/// </summary>
internal sealed class JsonlLineSplitter(Stream stream, string source, int maxLineBytes, long maxTotalBytes)
{
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _pos, _len;
    private bool _eof;
    private long _lineNumber, _totalBytes;

    public bool Next(out RawLine line)
    {
        _line.ResetWrittenCount();
        long lineBytes = 0;
        var ended = false;
        while (!ended)
        {
            if (_pos == _len && !Fill()) break;
            var span = _chunk.AsSpan(_pos, _len - _pos);
            var newline = span.IndexOf((byte)'\n');
            var part = newline < 0 ? span : span[..newline];
            if (lineBytes + part.Length <= maxLineBytes) _line.Write(part);
            lineBytes += part.Length;
            _pos += part.Length;
            if (newline >= 0) { _pos++; ended = true; }
        }
        if (!ended && lineBytes == 0) { line = default; return false; }

        _lineNumber++;
        if (lineBytes > maxLineBytes) { line = new RawLine(_lineNumber, default, lineBytes); return true; }
        var bytes = _line.WrittenMemory;
        if (_lineNumber == 1 && bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        if (bytes.Span.EndsWith("\r"u8)) bytes = bytes[..^1];
        line = new RawLine(_lineNumber, bytes, null);
        return true;
    }

    private bool Fill()
    {
        if (_eof) return false;
        _len = stream.Read(_chunk, 0, _chunk.Length);
        _pos = 0;
        if (_len == 0) { _eof = true; return false; }
        _totalBytes += _len;
        if (_totalBytes > maxTotalBytes)
            throw new QaFormatException(source, $"the file is larger than the limit of {maxTotalBytes:N0} bytes");
        return true;
    }
}
