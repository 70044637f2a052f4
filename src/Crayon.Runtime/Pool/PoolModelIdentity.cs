using Crayon.Formats.Gguf;
using Crayon.Models;

namespace Crayon.Pool;

/// <summary>Reads a model file's <see cref="PoolModel"/>: what pools and embedded examples are checked against.</summary>
public static class PoolModelIdentity
{
    /// <summary>general.name (the file name when absent), general.architecture and the <see cref="ModelFingerprint"/> of <paramref name="modelPath"/>.</summary>
    public static PoolModel Of(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var metadata = GgufReader.ReadLayout(modelPath).Metadata;
        var name = metadata.FindString(GgufKeys.Name);
        return new PoolModel(string.IsNullOrWhiteSpace(name) ? Path.GetFileNameWithoutExtension(modelPath) : name,
            metadata.FindString(GgufKeys.Architecture) ?? "", ModelFingerprint.Of(modelPath));
    }
}
