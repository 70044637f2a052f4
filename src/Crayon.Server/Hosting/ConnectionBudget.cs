using System.Globalization;

namespace Crayon.Server.Hosting;

/// <summary>
/// Keeps the connection limit under the process's open-file limit: every connection holds a descriptor,
/// and a server that runs out of them can no longer accept, open a file or even start a thread
/// (1,100 idle sockets under a 1,024 limit aborted it). <see cref="Reserve"/> descriptors stay free for
/// the model, libraries, logs and the runtime.
/// </summary>
public static class ConnectionBudget
{
    public const int Reserve = 128, Minimum = 16;

    public static int Limit(int requested)
    {
        var files = OpenFileLimit();
        return files is { } limit ? Math.Max(Minimum, Math.Min(requested, (int)Math.Min(int.MaxValue, limit - Reserve))) : requested;
    }

    /// <summary>The soft RLIMIT_NOFILE from /proc/self/limits on Linux; null where unknown or unlimited.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            foreach (var line in File.ReadLines("/proc/self/limits"))
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
