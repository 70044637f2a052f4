namespace Crayon.Benchmarking;

/// <summary>
/// One query of the hybrid benchmark as both sides saw it: where it came from, the routing signals,
/// each model's choice and credit, and what asking the server cost. Written one per line (JSONL)
/// beside the benchmark's JSON.
/// </summary>
public sealed record HybridQueryRecord
{
    /// <summary>The customized task whose device answered (the device carries that task's adapter).</summary>
    public required string Task { get; init; }

    /// <summary>The query's own task: the customized task, or an MMLU subject (out of scope).</summary>
    public required string QueryTask { get; init; }

    public required string Id { get; init; }
    public required bool InScope { get; init; }
    public required double Similarity { get; init; }

    /// <summary>The device's choice margin.</summary>
    public required double Confidence { get; init; }

    public required int Gold { get; init; }
    public required int DevicePredicted { get; init; }
    public required double DeviceCredit { get; init; }
    public required int? ServerPredicted { get; init; }

    /// <summary>The server's credit; the device's when the server failed (what the hybrid client would return).</summary>
    public required double ServerCredit { get; init; }

    /// <summary>-log P(gold answer) under the customized device model, summed over the answer's tokens.</summary>
    public required double DeviceNll { get; init; }

    /// <summary>The same under the server model; the device's when the server failed.</summary>
    public required double ServerNll { get; init; }

    public required string? ServerFailure { get; init; }
    public required long RequestBytes { get; init; }
    public required long ResponseBytes { get; init; }
    public required double DeviceMilliseconds { get; init; }
    public required double ServerMilliseconds { get; init; }
}
