using System.Text.Json;

namespace Crayon.Benchmarking;

/// <summary>Median, minimum and maximum of one phase over the repetitions, in microseconds.</summary>
public readonly record struct PhaseStats(double Median, double Min, double Max, int Samples)
{
    public static PhaseStats Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) return new PhaseStats(0, 0, 0, 0);
        var sorted = samples.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new PhaseStats(median, sorted[0], sorted[^1], sorted.Length);
    }
}

/// <summary>The outcome of <see cref="SwapBenchmark.Run"/>: per-phase times of the in-memory swap and of the file baseline.</summary>
public sealed record SwapBenchmarkResult(
    SwapBenchmarkSettings Settings,
    string Model,
    string LlamaDevice,
    string BlendDevice,
    int PoolSize,
    int TargetsPerAdapter,
    long ElementsPerAdapter,
    IReadOnlyList<(string Phase, PhaseStats Stats)> InMemory,
    IReadOnlyList<(string Phase, PhaseStats Stats)> FromFile,
    PhaseStats SteadyDecode,
    MachineInfo Machine)
{
    /// <summary>
    /// The fast path, pipelined (<see cref="Llama.InPlaceAdapter.SwapFrom"/>): the blend lands in the image of an adapter llama.cpp
    /// already holds chunk by chunk, each chunk uploaded while the next is read back. Milestones from the swap's start:
    /// first_landed, read_back_done, upload_done (the adapter is live); uploading sums the uploads.
    /// </summary>
    public IReadOnlyList<(string Phase, PhaseStats Stats)> InPlace { get; init; } = [];

    /// <summary>The fast path, sequential: blend and read back the whole image, then one upload (<see cref="Llama.InPlaceAdapter.Commit"/>).</summary>
    public IReadOnlyList<(string Phase, PhaseStats Stats)> InPlaceSequential { get; init; } = [];

    /// <summary>Chunks the pipelined swap read the image back in.</summary>
    public int InPlaceChunks { get; init; }

    /// <summary>Uploads per pipelined swap (chunks that land during an upload go up together in the next).</summary>
    public PhaseStats InPlaceUploads { get; init; }

    public PhaseStats InPlaceSteadyDecode { get; init; }
    public bool InPlaceImagePinned { get; init; }
    public long InPlaceImageBytes { get; init; }

    /// <summary>Largest |logit| difference between the in-place adapter and the same blend loaded fresh (0 = identical).</summary>
    public double InPlaceMaxLogitDifference { get; init; }

    public PhaseStats this[string phase, bool fromFile = false] =>
        (fromFile ? FromFile : InMemory).First(p => p.Phase == phase).Stats;

    public PhaseStats InPlacePhase(string phase) => InPlace.First(p => p.Phase == phase).Stats;

    /// <summary>Writes the result as JSON (Utf8JsonWriter: no reflection, trim-safe).</summary>
    public void WriteJson(Stream destination)
    {
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("benchmark", "swap");
        Machine.WriteJson(json);
        json.WriteString("model", Model);
        json.WriteString("llama_device", LlamaDevice);
        json.WriteString("blend_device", BlendDevice);
        json.WriteNumber("pool_adapters", PoolSize);
        json.WriteNumber("rank", Settings.Rank);
        json.WriteString("targets", string.Join(",", Settings.Targets));
        json.WriteNumber("tensors_per_adapter", TargetsPerAdapter * 2);
        json.WriteNumber("elements_per_adapter", ElementsPerAdapter);
        json.WriteString("mode", Settings.Mode.ToString().ToLowerInvariant());
        json.WriteString("pool_storage", Settings.Storage.ToString());
        json.WriteString("image_type", Settings.ImageType.ToString());
        json.WriteNumber("repetitions", Settings.Repetitions);
        json.WriteString("unit", "microseconds");
        WritePhases(json, "in_memory", InMemory);
        WritePhases(json, "from_file", FromFile);
        json.WriteStartObject("steady_decode");
        WriteStats(json, SteadyDecode);
        json.WriteEndObject();
        // What a swap adds to the next decode (llama.cpp re-plans its graph after llama_set_adapters_lora).
        json.WriteNumber("first_token_overhead_median", Math.Round(this["first_token"].Median - SteadyDecode.Median, 1));
        json.WriteBoolean("memory_and_file_logits_equal", true);
        WritePhases(json, "in_place", InPlace);
        WritePhases(json, "in_place_sequential", InPlaceSequential);
        json.WriteNumber("in_place_chunks", InPlaceChunks);
        json.WriteNumber("in_place_uploads_median", InPlaceUploads.Median);
        json.WriteNumber("in_place_chunk_bytes", Settings.ChunkBytes);
        json.WriteStartObject("in_place_steady_decode");
        WriteStats(json, InPlaceSteadyDecode);
        json.WriteEndObject();
        if (InPlace.Count > 0)
            json.WriteNumber("in_place_first_token_overhead_median", Math.Round(InPlacePhase("first_token").Median - InPlaceSteadyDecode.Median, 1));
        json.WriteBoolean("in_place_image_pinned", InPlaceImagePinned);
        json.WriteNumber("in_place_image_bytes", InPlaceImageBytes);
        json.WriteNumber("in_place_max_logit_difference", InPlaceMaxLogitDifference);
        json.WriteEndObject();
    }

    private static void WritePhases(Utf8JsonWriter json, string name, IReadOnlyList<(string Phase, PhaseStats Stats)> phases)
    {
        json.WriteStartObject(name);
        foreach (var (phase, stats) in phases)
        {
            json.WriteStartObject(phase);
            WriteStats(json, stats);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter json, PhaseStats stats)
    {
        json.WriteNumber("median", Math.Round(stats.Median, 1));
        json.WriteNumber("min", Math.Round(stats.Min, 1));
        json.WriteNumber("max", Math.Round(stats.Max, 1));
        json.WriteNumber("samples", stats.Samples);
    }
}
