using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

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

    /// <summary>Writes this machine as a JSON object named <paramref name="name"/> (shared by the benchmarks' JSON files).</summary>
    public void WriteJson(Utf8JsonWriter json, string name = "machine")
    {
        json.WriteStartObject(name);
        json.WriteString("host", Host);
        json.WriteString("cpu", Cpu);
        json.WriteNumber("cores", Cores);
        json.WriteString("os", Os);
        json.WriteString("runtime", Runtime);
        json.WriteString("date", Date.ToString("O", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }

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
