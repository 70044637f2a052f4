using System.Security.Cryptography;

namespace Crayon.Models;

/// <summary>
/// A model file's identity for matching artifacts (pools, examples) to the model they were made for:
/// SHA-256 over the file length, the whole GGUF header (metadata and tensor infos) and 64 evenly spaced
/// 64 KiB windows of the tensor data. Reading ~4 MiB instead of the whole file keeps it in milliseconds
/// for multi-GiB models while any re-export, re-quantisation or different checkpoint changes it.
/// </summary>
public static class ModelFingerprint
{
    private const int Windows = 64;
    private const int WindowBytes = 64 * 1024;

    public static string Of(string modelPath)
    {
        var layout = Formats.Gguf.GgufReader.ReadLayout(modelPath);
        using var file = File.OpenRead(modelPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(file.Length));
        var buffer = new byte[Math.Max(WindowBytes, (int)Math.Min(layout.DataOffset, 64L << 20))];
        Append(hash, file, 0, (int)Math.Min(layout.DataOffset, buffer.Length), buffer);
        var dataLength = file.Length - layout.DataOffset;
        for (var w = 0; w < Windows && dataLength > 0; w++)
        {
            var start = layout.DataOffset + dataLength * w / Windows;
            Append(hash, file, start, (int)Math.Min(WindowBytes, file.Length - start), buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, FileStream file, long offset, int count, byte[] buffer)
    {
        file.Position = offset;
        file.ReadExactly(buffer, 0, count);
        hash.AppendData(buffer, 0, count);
    }
}
