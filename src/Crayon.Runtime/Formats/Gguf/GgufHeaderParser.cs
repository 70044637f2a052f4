namespace Crayon.Formats.Gguf;

/// <summary>
/// Parses and validates a GGUF header (magic, version, metadata, tensor infos) without trusting a byte:
/// every count, length and offset is checked against the bytes that remain and against fixed limits
/// before anything is allocated, and every loop consumes input, so a corrupt file ends in a
/// <see cref="GgufFormatException"/> — never a huge allocation, another exception type or a hang.
/// </summary>
internal static class GgufHeaderParser
{
    /// <summary>llama.cpp's GGUF_MAX_STRING_LENGTH and GGUF_MAX_ARRAY_ELEMENTS.</summary>
    public const long MaxStringBytes = 1L << 30;
    public const long MaxArrayElements = 1L << 30;

    /// <summary>Arrays of arrays nest at most this deep (llama.cpp itself accepts no nesting at all).</summary>
    public const int MaxNesting = 8;

    // The fewest bytes a metadata entry or a tensor info can take, used to bound the header's counts.
    private const int MinEntryBytes = 8 + 1 + 4 + 1;        // key length, 1-byte key, type, u8 value
    private const int MinTensorInfoBytes = 8 + 1 + 4 + 4 + 8; // name length, 1-byte name, n_dims = 0, type, offset

    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    public static GgufLayout Parse(GgufCursor c)
    {
        var version = ReadPreamble(c, out var tensorCount, out var entryCount);
        var metadata = ReadMetadata(c, entryCount);
        var alignment = GgufLayout.AlignmentOf(metadata);
        var infos = ReadTensorInfos(c, tensorCount, out var offsets, out var infoStarts);

        var dataOffset = GgufLayout.Pad(c.Position, alignment);
        if (tensorCount > 0 && dataOffset > c.Length)
            throw c.Error("data section", $"starts at byte {dataOffset} (header padded to {alignment}) beyond the end of the {c.Length}-byte file");
        var locations = CheckPlacement(c, infos, offsets, infoStarts, alignment, dataOffset);
        return new GgufLayout(c.SourceName, version, metadata, alignment, dataOffset, locations, c.Length);
    }

    private static uint ReadPreamble(GgufCursor c, out long tensorCount, out long entryCount)
    {
        c.Require(4, "header: magic");
        var magic = c.Bytes(4, "header: magic");
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw c.Error("header: magic", $"bytes {Convert.ToHexString(magic)} are not 'GGUF' (not a GGUF file)", 0);

        var version = c.U32("header: version");
        if (version is not (2 or 3))
        {
            var why = version switch
            {
                0 => "is not a valid version",
                1 => "is GGUF v1, which llama.cpp no longer reads",
                _ when (version & 0xFFFF) == 0 => "looks byte-swapped: big-endian GGUF files are not supported",
                _ => "is newer than the GGUF v3 this reader supports",
            };
            throw c.Error("header: version", $"version {version} {why}", 4);
        }

        var at = c.Position;
        tensorCount = c.I64("header: tensor count");
        if (tensorCount < 0 || tensorCount > c.Remaining / MinTensorInfoBytes)
            throw c.Error("header: tensor count", $"{tensorCount} tensors cannot fit in the {c.Remaining} bytes that follow (each needs at least {MinTensorInfoBytes})", at);
        at = c.Position;
        entryCount = c.I64("header: metadata count");
        if (entryCount < 0 || entryCount > c.Remaining / MinEntryBytes)
            throw c.Error("header: metadata count", $"{entryCount} key/value pairs cannot fit in the {c.Remaining} bytes that follow (each needs at least {MinEntryBytes})", at);
        return version;
    }

    private static GgufMetadata ReadMetadata(GgufCursor c, long count)
    {
        var metadata = new GgufMetadata(c.SourceName);
        for (long i = 0; i < count; i++)
        {
            var at = c.Position;
            var key = c.Utf8String($"metadata key #{i}", MaxStringBytes);
            if (key.Length == 0) throw c.Error($"metadata key #{i}", "is empty", at);
            var field = $"metadata key '{key}'";
            if (metadata.ContainsKey(key)) throw c.Error(field, "appears twice", at);
            var type = ReadType(c, field);
            var value = type == GgufValueType.Array ? ReadArray(c, field, depth: 1) : ReadScalar(c, type, field);
            metadata.Set(key, value);
        }
        return metadata;
    }

    private static GgufValueType ReadType(GgufCursor c, string field)
    {
        var at = c.Position;
        var raw = c.U32(field + " type");
        if (!GgufValueTypes.IsDefined(raw))
            throw c.Error(field, $"value type {raw} is not a GGUF type (0..{(uint)GgufValueType.Float64})", at);
        return (GgufValueType)raw;
    }

    private static GgufValue ReadScalar(GgufCursor c, GgufValueType type, string field) => type switch
    {
        GgufValueType.UInt8 => GgufValue.U8(c.U8(field)),
        GgufValueType.Int8 => GgufValue.I8((sbyte)c.U8(field)),
        GgufValueType.UInt16 => GgufValue.U16(c.Array<ushort>(1, field)[0]),
        GgufValueType.Int16 => GgufValue.I16(c.Array<short>(1, field)[0]),
        GgufValueType.UInt32 => GgufValue.U32(c.U32(field)),
        GgufValueType.Int32 => GgufValue.I32((int)c.U32(field)),
        GgufValueType.Float32 => GgufValue.F32(BitConverter.UInt32BitsToSingle(c.U32(field))),
        GgufValueType.Bool => GgufValue.Bool(c.U8(field) != 0),
        GgufValueType.UInt64 => GgufValue.U64(c.U64(field)),
        GgufValueType.Int64 => GgufValue.I64(c.I64(field)),
        GgufValueType.Float64 => GgufValue.F64(BitConverter.Int64BitsToDouble(c.I64(field))),
        GgufValueType.String => GgufValue.OfScalar(GgufValueType.String, c.StringBytes(field, MaxStringBytes)),
        _ => throw c.Error(field, $"unexpected value type {type}"),
    };

    /// <summary>Reads an array's element type, count and elements (the ARRAY type tag is already consumed).</summary>
    private static GgufValue ReadArray(GgufCursor c, string field, int depth)
    {
        if (depth > MaxNesting) throw c.Error(field, $"arrays nest deeper than {MaxNesting} levels");
        var elementType = ReadType(c, field + " element");
        var at = c.Position;
        var count = c.U64(field + " element count");
        var minimum = GgufValueTypes.MinimumSize(elementType);
        if (count > MaxArrayElements)
            throw c.Error(field, $"array of {count} elements exceeds the limit of {MaxArrayElements}", at);
        if ((long)count * minimum > c.Remaining)
            throw c.Error(field, $"array of {count} {GgufValueTypes.Name(elementType)} elements needs at least {(long)count * minimum} bytes but only {c.Remaining} remain", at);
        var n = (long)count;
        System.Array items = elementType switch
        {
            GgufValueType.UInt8 => c.Array<byte>(n, field),
            GgufValueType.Int8 => c.Array<sbyte>(n, field),
            GgufValueType.UInt16 => c.Array<ushort>(n, field),
            GgufValueType.Int16 => c.Array<short>(n, field),
            GgufValueType.UInt32 => c.Array<uint>(n, field),
            GgufValueType.Int32 => c.Array<int>(n, field),
            GgufValueType.Float32 => c.Array<float>(n, field),
            GgufValueType.UInt64 => c.Array<ulong>(n, field),
            GgufValueType.Int64 => c.Array<long>(n, field),
            GgufValueType.Float64 => c.Array<double>(n, field),
            GgufValueType.Bool => c.Array<byte>(n, field).Select(b => b != 0).ToArray(),
            GgufValueType.String => ReadStrings(c, n, field),
            _ => ReadNested(c, n, field, depth),
        };
        return GgufValue.OfArray(elementType, items);
    }

    private static byte[][] ReadStrings(GgufCursor c, long n, string field)
    {
        var items = new byte[n][];
        for (long i = 0; i < n; i++) items[i] = c.StringBytes($"{field} element {i}", MaxStringBytes);
        return items;
    }

    /// <summary>Elements of an array of arrays carry no type tag (gguf.md; gguf-py writes them so): each is an
    /// element type, a count and the items.</summary>
    private static GgufValue[] ReadNested(GgufCursor c, long n, string field, int depth)
    {
        var items = new GgufValue[n];
        for (long i = 0; i < n; i++) items[i] = ReadArray(c, $"{field} element {i}", depth + 1);
        return items;
    }

    private static GgufTensorInfo[] ReadTensorInfos(GgufCursor c, long count, out long[] offsets, out long[] starts)
    {
        var infos = new GgufTensorInfo[count];
        offsets = new long[count];
        starts = new long[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        Span<long> dims = stackalloc long[GgufTensorInfo.MaxDimensions];
        for (long i = 0; i < count; i++)
        {
            var at = starts[i] = c.Position;
            var name = c.Utf8String($"tensor #{i} name", GgufTensorInfo.MaxNameBytes);
            var field = $"tensor '{name}'";
            if (!names.Add(name)) throw c.Error(field, "appears twice", at);
            var dimsAt = c.Position;
            var nDims = c.U32(field + " dimension count");
            if (nDims > GgufTensorInfo.MaxDimensions)
                throw c.Error(field, $"has {nDims} dimensions; at most {GgufTensorInfo.MaxDimensions} are allowed", dimsAt);
            for (var d = 0; d < nDims; d++) dims[d] = c.I64($"{field} dimension {d}");
            var rawType = c.U32(field + " type");
            var offsetAt = c.Position;
            var offset = c.U64(field + " offset");
            var problem = GgufTensorInfo.Validate(name, dims[..(int)nDims], rawType, out _, out _);
            if (problem is not null) throw c.Error(field, problem, dimsAt);
            if (offset > long.MaxValue) throw c.Error(field, $"data offset {offset} is beyond any file", offsetAt);
            infos[i] = new GgufTensorInfo(name, dims[..(int)nDims], (GgmlType)rawType);
            offsets[i] = (long)offset;
        }
        return infos;
    }

    /// <summary>Every tensor must be aligned, lie inside the file and overlap no other tensor.</summary>
    private static GgufTensorLocation[] CheckPlacement(GgufCursor c, GgufTensorInfo[] infos, long[] offsets, long[] infoStarts, int alignment, long dataOffset)
    {
        var available = c.Length - dataOffset;
        for (var i = 0; i < infos.Length; i++)
        {
            var field = $"tensor '{infos[i].Name}'";
            if (offsets[i] % alignment != 0)
                throw c.Error(field, $"data offset {offsets[i]} is not a multiple of the alignment {alignment}", infoStarts[i]);
            if (offsets[i] > available || infos[i].ByteSize > available - offsets[i])
                throw c.Error(field, $"data [{offsets[i]}, +{infos[i].ByteSize}) extends past the {available} bytes of the data section (file truncated?)", infoStarts[i]);
        }
        var order = Enumerable.Range(0, infos.Length).OrderBy(i => offsets[i]).ToArray();
        for (var k = 1; k < order.Length; k++)
        {
            int prev = order[k - 1], next = order[k];
            if (offsets[prev] + infos[prev].ByteSize > offsets[next])
                throw c.Error($"tensor '{infos[next].Name}'", $"data at offset {offsets[next]} overlaps tensor '{infos[prev].Name}' [{offsets[prev]}, {offsets[prev] + infos[prev].ByteSize})", infoStarts[next]);
        }
        return infos.Select((info, i) => new GgufTensorLocation(info, offsets[i])).ToArray();
    }
}
