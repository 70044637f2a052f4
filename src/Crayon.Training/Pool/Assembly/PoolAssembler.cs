using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Formats.Gguf;
using Crayon.Importers.Peft;
using Crayon.Llama;

namespace Crayon.Pool.Assembly;

/// <summary>
/// A pool from adapters a user already has (LoRA GGUFs, PEFT directories through <see cref="PeftImporter"/>), each with
/// example texts whose mean embedding is its centroid (LoraRetriever's recipe), centered like a built pool's: the mean
/// of every example's embedding is the pool's embedding center and each centroid is its adapter's mean minus it.
/// Checked before anything is embedded: one rank and one set of targets (a mismatch names both adapters), and each
/// adapter against the model (architecture and tensor shapes, as llama.cpp would need them). Provenance records each
/// source's path and sha256, and for GGUF inputs what <see cref="PoolExtractor"/> needs to write them back byte for byte.
/// </summary>
public static class PoolAssembler
{
    public const string ProvenancePrefix = "assembled.";

    public static AdapterPoolArtifact Assemble(string modelPath, IReadOnlyList<AssemblyInput> inputs, EmbeddingSignal signal = EmbeddingSignal.Hidden)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("a pool needs at least one adapter", nameof(inputs));
        var names = inputs.Select(i => i.EffectiveName).ToArray();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two adapters are named '{duplicate.Key}'; give each a distinct name");
        var trainedOn = TrainedOn(inputs);

        var provenance = new Dictionary<string, string> { ["assembled.adapters"] = inputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (trainedOn is not null) provenance[PoolPrior.ClusterSizesKey] = string.Join(",", trainedOn.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var adapters = new LoraAdapter[inputs.Count];
        var modelLayout = GgufReader.ReadLayout(modelPath);
        for (var i = 0; i < inputs.Count; i++)
        {
            var (adapter, bytes) = Load(inputs[i], i, provenance);
            adapters[i] = new LoraAdapter(adapter.Architecture, adapter.Alpha, adapter.Pairs, new Dictionary<string, string>(adapter.Metadata) { ["general.name"] = names[i] });
            if (i > 0) EnsureSameShape(inputs[0], adapters[0], inputs[i], adapters[i]);
            try
            {
                AdapterCompatibility.Check(GgufReader.ReadLayout(new MemoryStream(bytes, writable: false), inputs[i].AdapterPath), modelLayout,
                    inputs[i].AdapterPath, modelPath);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"adapter '{inputs[i].AdapterPath}' does not fit model '{modelPath}': {e.Message}", e);
            }
        }

        var examples = inputs.Select(input => ExampleTextFile.Read(input.ExamplesPath)).ToArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            provenance[$"{ProvenancePrefix}{i}.examples"] = Path.GetFullPath(inputs[i].ExamplesPath);
            provenance[$"{ProvenancePrefix}{i}.examples_sha256"] = GgufSourceImage.Sha256(File.ReadAllBytes(inputs[i].ExamplesPath));
            provenance[$"{ProvenancePrefix}{i}.example_count"] = examples[i].Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        float[][][] embedded;
        using (var model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu }))
        using (var embedder = new ExampleEmbedder(model, signal))
            embedded = examples.Select(set => embedder.EmbedAll(set.Select(e => e.Prompt).ToArray())).ToArray();
        var center = MeanEmbedding.Of(embedded.SelectMany(e => e).ToArray());
        var centroids = embedded.Select(set =>
        {
            var mean = MeanEmbedding.Of(set);
            for (var d = 0; d < mean.Length; d++) mean[d] -= center[d];
            return mean;
        }).ToArray();
        provenance["assembled.centroids"] = "LoraRetriever: each adapter's centroid is the mean embedding of its example texts, minus the mean over all adapters' examples";
        return new AdapterPoolArtifact(new AdapterPool(adapters), centroids, signal, PoolModelIdentity.Of(modelPath), names, provenance, center);
    }

    /// <summary>Every input's training-set size, or null when none gives one (the uniform prior); some but not all is an error.</summary>
    private static long[]? TrainedOn(IReadOnlyList<AssemblyInput> inputs)
    {
        var given = inputs.Count(i => i.TrainedOn is not null);
        if (given == 0) return null;
        if (given != inputs.Count)
        {
            var missing = inputs.Select((input, index) => (input, index)).First(x => x.input.TrainedOn is null);
            throw new ArgumentException($"adapter {missing.index} ('{missing.input.EffectiveName}') has no training-set size while {given} of the {inputs.Count} adapters do; give it for every adapter or for none");
        }
        var bad = inputs.Select((input, index) => (input, index)).FirstOrDefault(x => x.input.TrainedOn < 1);
        if (bad.input is not null)
            throw new ArgumentOutOfRangeException(nameof(inputs), bad.input.TrainedOn, $"adapter {bad.index} ('{bad.input.EffectiveName}') was trained on {bad.input.TrainedOn} examples; a training-set size is at least 1");
        return inputs.Select(i => i.TrainedOn!.Value).ToArray();
    }

    private static (LoraAdapter Adapter, byte[] Gguf) Load(AssemblyInput input, int index, Dictionary<string, string> provenance)
    {
        var key = $"{ProvenancePrefix}{index}";
        provenance[$"{key}.source"] = Path.GetFullPath(input.AdapterPath);
        if (input.IsPeftDirectory)
        {
            var adapter = PeftImporter.Import(input.AdapterPath);
            provenance[$"{key}.format"] = "peft";
            provenance[$"{key}.sha256"] = GgufSourceImage.Sha256(File.ReadAllBytes(Path.Combine(input.AdapterPath, PeftImporter.WeightsFileName)));
            return (adapter, LoraAdapterGguf.ToBytes(adapter));
        }
        if (!File.Exists(input.AdapterPath)) throw new FileNotFoundException($"adapter '{input.AdapterPath}' is neither a GGUF file nor a PEFT directory", input.AdapterPath);
        var bytes = File.ReadAllBytes(input.AdapterPath);
        var parsed = LoraAdapterGguf.Read(bytes, input.AdapterPath);
        var image = GgufSourceImage.Capture(bytes, parsed, input.AdapterPath);
        provenance[$"{key}.format"] = "gguf";
        provenance[$"{key}.sha256"] = GgufSourceImage.Sha256(bytes);
        provenance[$"{key}.gguf_header"] = Convert.ToBase64String(image.Header);
        provenance[$"{key}.gguf_length"] = image.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (parsed, bytes);
    }

    private static void EnsureSameShape(AssemblyInput firstInput, LoraAdapter first, AssemblyInput otherInput, LoraAdapter other)
    {
        var (a, b) = (firstInput.AdapterPath, otherInput.AdapterPath);
        if (first.UniformRank != other.UniformRank)
            throw new InvalidDataException($"adapters '{a}' (rank {Rank(first)}) and '{b}' (rank {Rank(other)}) differ in rank; a pool blends adapters of one rank");
        var targetsA = first.Pairs.Select(p => p.Target).ToArray();
        var targetsB = other.Pairs.Select(p => p.Target).ToArray();
        if (!targetsA.SequenceEqual(targetsB))
        {
            var missing = targetsA.Except(targetsB).Concat(targetsB.Except(targetsA)).FirstOrDefault() ?? "(order)";
            throw new InvalidDataException($"adapters '{a}' ({targetsA.Length} targets) and '{b}' ({targetsB.Length} targets) adapt different tensors (e.g. {missing}); a pool needs the same targets");
        }
        if (first.Architecture != other.Architecture)
            throw new InvalidDataException($"adapters '{a}' ({first.Architecture}) and '{b}' ({other.Architecture}) are for different architectures");
    }

    private static string Rank(LoraAdapter adapter) => adapter.UniformRank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "mixed";
}
