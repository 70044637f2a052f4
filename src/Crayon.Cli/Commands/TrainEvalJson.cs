using System.Text.Json.Serialization;

namespace Crayon.Cli.Commands;

/// <summary>Source-generated JSON for `crayon train eval --json`, so the trimmed GPU bundle keeps it working.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<TrainEvalCommand.ReportLine>))]
internal sealed partial class TrainEvalJson : JsonSerializerContext;
