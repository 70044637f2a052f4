using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>
/// How closely one number computed along two llama.cpp paths agrees: KV cache reused vs prompt decoded afresh,
/// server vs local scorer, one batch shape vs another, Vulkan vs CPU, and above all one CPU kernel family vs
/// another. ggml's matmuls group their float sums by batch shape and by kernel (AVX-512, AVX2, plain SSE), so two
/// such paths agree bitwise only by luck of the machine; each kind below states the largest gap measured across
/// ggml's CPU variants and the tolerance taken from it (a margin of about 4x). Exact checks stay where the
/// computation is genuinely the same path (e.g. an adapter loaded from memory vs from a file through one path).
/// </summary>
/// <remarks>
/// Measured on 2026-12-06, AMD EPYC (AVX-512 incl. BF16/VNNI), every test of <see cref="Category"/> under three
/// CPU variants: the one ggml picks there (zen4), haswell (AVX2/FMA/F16C, what an AVX2-only CPU loads) and x64
/// (the baseline). Set CRAYON_AGREEMENT_LOG to a file to record every gap again.
/// </remarks>
public sealed record PathAgreement(string Quantity, double Absolute, double Relative, string Measured)
{
    /// <summary>NUnit category of the tests whose numbers depend on the path; scripts/test.sh runs them again under ggml's haswell CPU variant.</summary>
    public const string Category = "PathNumerics";

    /// <summary>A sum of token log-probabilities over a continuation (a choice's log-likelihood, a gold NLL).</summary>
    public static readonly PathAgreement LogLikelihood = new("log-likelihood", Absolute: 1e-3, Relative: 1e-3,
        Measured: "largest gap 3.3e-4 relative (stories260K, 6-30 nats: gold NLL 26.8351 fresh vs 26.8282 with the prompt cache, haswell)");

    /// <summary>One token's log-probability.</summary>
    public static readonly PathAgreement TokenLogProbability = new("token log-probability", Absolute: 2e-3, Relative: 0,
        Measured: "largest gap 4.6e-4 nats");

    /// <summary>Raw logits of one position.</summary>
    public static readonly PathAgreement Logits = new("logits", Absolute: 2e-2, Relative: 0,
        Measured: "largest gap 4.6e-3 (Vulkan on lavapipe vs CPU)");

    /// <summary>The pooled query embedding (unit-length).</summary>
    public static readonly PathAgreement QueryEmbedding = new("query embedding", Absolute: 2e-3, Relative: 0,
        Measured: "largest gap 4.2e-4");

    /// <summary>The last-layer hidden-state embedding (values of order 1-10).</summary>
    public static readonly PathAgreement HiddenEmbedding = new("hidden embedding", Absolute: 2e-2, Relative: 0,
        Measured: "largest gap 4.4e-3");

    /// <summary>The tolerance for comparing with <paramref name="expected"/>.</summary>
    public double For(double expected) => Math.Max(Absolute, Relative * Math.Abs(expected));

    /// <summary>Asserts <paramref name="actual"/> is within <see cref="For"/> of <paramref name="expected"/>, naming the kind and its measurement.</summary>
    public void AssertClose(double actual, double expected, string what)
    {
        Record(what, Math.Abs(actual - expected), Math.Abs(expected));
        Assert.That(actual, Is.EqualTo(expected).Within(For(expected)), $"{what}: two llama.cpp paths, {Quantity} tolerance {For(expected):g3} ({Measured})");
    }

    /// <summary>Element by element, with the tolerance of the largest expected magnitude.</summary>
    public void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, string what)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), what);
        var scale = expected.Count == 0 ? 0 : expected.Max(Math.Abs);
        var gap = actual.Zip(expected, (a, e) => Math.Abs(a - e)).DefaultIfEmpty(0).Max();
        Record(what, gap, scale);
        Assert.That(actual, Is.EqualTo(expected).Within(For(scale)), $"{what}: two llama.cpp paths, {Quantity} tolerance {For(scale):g3} ({Measured})");
    }

    public void AssertClose(IReadOnlyList<float> actual, IReadOnlyList<float> expected, string what) =>
        AssertClose(actual.Select(v => (double)v).ToArray(), expected.Select(v => (double)v).ToArray(), what);

    private static readonly Lock LogGate = new();

    private void Record(string what, double gap, double scale)
    {
        var log = Environment.GetEnvironmentVariable("CRAYON_AGREEMENT_LOG");
        if (string.IsNullOrEmpty(log)) return;
        var line = FormattableString.Invariant($"{Quantity}\t{gap:e3}\t{(scale > 0 ? gap / scale : 0):e3}\t{TestContext.CurrentContext.Test.FullName}\t{what}\n");
        lock (LogGate) File.AppendAllText(log, line);
    }
}
