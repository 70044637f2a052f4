using System.Security.Cryptography;
using Crayon.Adapters;
using Crayon.Formats;

namespace Crayon.Pool.Building;

/// <summary>
/// The work folder of a pool build (next to the output, "&lt;output&gt;.build"): the settings hash it belongs
/// to, the example embeddings, and one GGUF file per finished adapter, each written atomically. A build that
/// is killed keeps every adapter it finished; a resumed build with the same settings hash continues from
/// there, and one with other settings is refused rather than mixing adapters of two configurations.
/// </summary>
internal sealed class PoolBuildCheckpoint
{
    private const string StampFile = "build.txt";
    private const string StampHeader = "crayon pool build work folder, format 1";
    private static ReadOnlySpan<byte> EmbeddingsMagic => "CRYEMB01"u8;

    private PoolBuildCheckpoint(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>Which adapters were found finished when the build started (for the report).</summary>
    public int ResumedAdapters { get; set; }

    /// <summary>The work folder for <paramref name="outputPath"/>.</summary>
    public static string FolderFor(string outputPath) => Path.GetFullPath(outputPath) + ".build";

    /// <summary>
    /// Opens the work folder. With <paramref name="resume"/> an existing folder must carry the same settings
    /// hash; without it any existing folder is discarded and the build starts over.
    /// </summary>
    /// <exception cref="PoolBuildException">resume was asked for but the folder was made with other settings.</exception>
    public static PoolBuildCheckpoint Open(string folder, string settingsHash, string description, bool resume)
    {
        var stamp = Path.Combine(folder, StampFile);
        if (Directory.Exists(folder))
        {
            var lines = File.Exists(stamp) ? File.ReadAllLines(stamp) : [];
            var found = lines.Length >= 2 && lines[0] == StampHeader ? lines[1] : null;
            if (resume && found is not null && found != settingsHash)
                throw new PoolBuildException($"cannot resume: the work folder {folder} belongs to a build with other settings " +
                                             $"(hash {found[..12]}…, this build {settingsHash[..12]}…); build without --resume to start over");
            if (!resume || found is null) Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        // Atomic like every other file here: a stamp cut short by a kill would make a later --resume refuse the
        // folder as "other settings" (a truncated hash) instead of continuing it.
        if (!File.Exists(stamp)) AtomicFile.WriteText(stamp, $"{StampHeader}\n{settingsHash}\n{description}\n");
        return new PoolBuildCheckpoint(folder);
    }

    /// <summary>The saved embeddings, or null when absent, of another shape, or damaged.</summary>
    public float[][]? ReadEmbeddings(int count, int dimension)
    {
        var path = Path.Combine(Folder, "embeddings.bin");
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        var payload = EmbeddingsMagic.Length + 8 + (long)count * dimension * sizeof(float);
        if (bytes.Length != payload + SHA256.HashSizeInBytes || !bytes.AsSpan().StartsWith(EmbeddingsMagic)) return null;
        if (!SHA256.HashData(bytes.AsSpan(0, (int)payload)).AsSpan().SequenceEqual(bytes.AsSpan((int)payload))) return null;
        var header = bytes.AsSpan(EmbeddingsMagic.Length);
        if (BitConverter.ToInt32(header) != count || BitConverter.ToInt32(header[4..]) != dimension) return null;
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(EmbeddingsMagic.Length + 8, (int)(payload - EmbeddingsMagic.Length - 8)));
        var result = new float[count][];
        for (var i = 0; i < count; i++) result[i] = floats.Slice(i * dimension, dimension).ToArray();
        return result;
    }

    public void WriteEmbeddings(float[][] embeddings)
    {
        using var buffer = new MemoryStream();
        buffer.Write(EmbeddingsMagic);
        buffer.Write(BitConverter.GetBytes(embeddings.Length));
        buffer.Write(BitConverter.GetBytes(embeddings.Length == 0 ? 0 : embeddings[0].Length));
        foreach (var e in embeddings) buffer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.AsSpan()));
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        AtomicFile.Write(Path.Combine(Folder, "embeddings.bin"), buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>A finished adapter, or null when it is absent or unreadable (then it is trained again).</summary>
    public LoraAdapter? ReadAdapter(int index)
    {
        var path = AdapterPath(index);
        if (!File.Exists(path)) return null;
        try
        {
            return LoraAdapterGguf.Read(path);
        }
        catch (Exception e) when (e is FileFormatException or InvalidDataException or IOException)
        {
            return null;
        }
    }

    public void WriteAdapter(int index, LoraAdapter adapter) => LoraAdapterGguf.WriteFile(adapter, AdapterPath(index));

    public void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    private string AdapterPath(int index) => Path.Combine(Folder, $"adapter-{index:000}.gguf");
}

/// <summary>A pool build that cannot proceed as asked.</summary>
public sealed class PoolBuildException(string message) : Exception(message);
