using System.Runtime.InteropServices;

namespace Crayon.Benchmarking;

/// <summary>Names the machine a measurement was taken on.</summary>
public sealed record MachineInfo(string Host, string Cpu, int Cores, string Os, string Runtime, DateTimeOffset Date)
{
    public static MachineInfo Current() => new(
        Environment.MachineName,
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.Contains(':')) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
