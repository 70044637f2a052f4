namespace Crayon.Formats;

/// <summary>
/// Writes a file through a temporary sibling that replaces the target only once complete, so a process
/// killed mid-write leaves either the old file or the new one, never half of one. A killed process cannot
/// delete its temporary file (".name.PID.tmp"); the next write of the same target removes those of processes
/// that no longer run.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
                stream.Write(bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>This process's temporary sibling of <paramref name="fullPath"/>, after removing those that dead processes left.</summary>
    public static string TemporaryPathFor(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath)!;
        var prefix = $".{Path.GetFileName(fullPath)}.";
        if (Directory.Exists(folder))
            foreach (var stale in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
            {
                var pid = Path.GetFileName(stale)[prefix.Length..^".tmp".Length];
                if (int.TryParse(pid, out var id) && id != Environment.ProcessId && !IsRunning(id)) TryDelete(stale);
            }
        return Path.Combine(folder, $"{prefix}{Environment.ProcessId}.tmp");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another writer of the same target got there first; nothing is lost by leaving it to the next write.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to delete (another user's): leave it.
        }
    }

    public static void WriteText(string path, string text) => Write(path, new System.Text.UTF8Encoding(false).GetBytes(text));
}
