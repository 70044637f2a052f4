using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crayon.Evaluation;

/// <summary>
/// Writes and reads benchmark reports as JSON through a source-generated context (no reflection, so
/// it survives trimming and AOT). Writes go to a temporary file that replaces the target only when
/// complete, so an interrupted run never leaves half a report.
/// </summary>
public static class BenchmarkJson
{
    /// <summary>The report as indented snake_case JSON.</summary>
    public static string Serialize(BenchmarkReport<CustomizationRecord> report) => JsonSerializer.Serialize(Check(report), EvaluationJsonContext.Default.BenchmarkReportCustomizationRecord);

    /// <summary>The report as indented snake_case JSON.</summary>
    public static string Serialize(BenchmarkReport<HybridRecord> report) => JsonSerializer.Serialize(Check(report), EvaluationJsonContext.Default.BenchmarkReportHybridRecord);

    /// <summary>Writes the report to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void Write(string path, BenchmarkReport<CustomizationRecord> report) => WriteAtomically(path, Serialize(report));

    /// <summary>Writes the report to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void Write(string path, BenchmarkReport<HybridRecord> report) => WriteAtomically(path, Serialize(report));

    /// <exception cref="InvalidDataException">the file is not a customization report.</exception>
    public static BenchmarkReport<CustomizationRecord> ReadCustomization(string path) => Read(path, EvaluationJsonContext.Default.BenchmarkReportCustomizationRecord);

    /// <exception cref="InvalidDataException">the file is not a hybrid report.</exception>
    public static BenchmarkReport<HybridRecord> ReadHybrid(string path) => Read(path, EvaluationJsonContext.Default.BenchmarkReportHybridRecord);

    private static BenchmarkReport<T> Check<T>(BenchmarkReport<T> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Benchmark);
        ArgumentNullException.ThrowIfNull(report.Records);
        return report;
    }

    private static BenchmarkReport<T> Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<BenchmarkReport<T>> type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize(stream, type) ?? throw new InvalidDataException($"{path}: the file holds JSON null, not a benchmark report");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid {typeof(T).Name} benchmark report: {e.Message}", e);
        }
    }

    private static void WriteAtomically(string path, string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temporary, json + "\n");
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(BenchmarkReport<CustomizationRecord>))]
[JsonSerializable(typeof(BenchmarkReport<HybridRecord>))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
