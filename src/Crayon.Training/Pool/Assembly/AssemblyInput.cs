namespace Crayon.Pool.Assembly;

/// <summary>
/// One adapter a user already has, for <see cref="PoolAssembler"/>: a LoRA GGUF file or a PEFT directory, with a file of
/// example texts (one per line) of what it is good at; their mean embedding is its centroid (LoraRetriever's recipe).
/// </summary>
/// <param name="Name">The adapter's name in the pool; null: the file or directory name.</param>
/// <param name="TrainedOn">How many examples the adapter was trained on, when known: the pool's prior weighs each adapter
/// by its share (<see cref="PoolPrior"/>, as a built pool weighs its clusters). Give it for every input or for none.</param>
public sealed record AssemblyInput(string AdapterPath, string ExamplesPath, string? Name = null, long? TrainedOn = null)
{
    public bool IsPeftDirectory => Directory.Exists(AdapterPath);

    public string EffectiveName => Name ?? (IsPeftDirectory
        ? Path.GetFileName(Path.TrimEndingDirectorySeparator(AdapterPath))
        : Path.GetFileNameWithoutExtension(AdapterPath));
}
