namespace Crayon.Pool;

/// <summary>The model a pool was built for: what a pool is checked against before it is used.</summary>
/// <param name="Name">general.name of the model (for messages).</param>
/// <param name="Architecture">general.architecture, e.g. "llama".</param>
/// <param name="Fingerprint">See <see cref="Models.ModelFingerprint"/>.</param>
public sealed record PoolModel(string Name, string Architecture, string Fingerprint);
