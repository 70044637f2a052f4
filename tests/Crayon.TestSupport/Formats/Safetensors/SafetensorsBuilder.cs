using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Crayon.Tests.Formats.Safetensors;

/// <summary>Builds safetensors files the way the reference writer lays them out: header JSON, then packed data.</summary>
internal sealed class SafetensorsBuilder
{
    private readonly List<(string Name, string Dtype, long[] Shape, byte[] Data)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new();

    public SafetensorsBuilder Metadata(string key, string value) { _metadata[key] = value; return this; }

    public SafetensorsBuilder F32(string name, long[] shape, float[] values) =>
        Raw(name, "F32", shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public SafetensorsBuilder Raw(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public string HeaderJson()
    {
        var header = new Dictionary<string, object>();
        if (_metadata.Count > 0) header["__metadata__"] = _metadata;
        long offset = 0;
        foreach (var (name, dtype, shape, data) in _tensors)
        {
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = shape, ["data_offsets"] = new[] { offset, offset + data.Length } };
            offset += data.Length;
        }
        return JsonSerializer.Serialize(header);
    }

    public byte[] Build(string? headerJson = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson ?? HeaderJson());
        var data = _tensors.SelectMany(t => t.Data).ToArray();
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. data];
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, Build());
}
