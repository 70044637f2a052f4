using Crayon.Formats.Gguf;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>Deep equality of two GGUF files: every key, value (bit-exact) and tensor (info and bytes).</summary>
internal static class GgufAssert
{
    public static void Equal(GgufFile actual, GgufFile expected)
    {
        Assert.That(actual.Metadata.Keys, Is.EqualTo(expected.Metadata.Keys), "metadata keys and their order");
        foreach (var (key, value) in expected.Metadata)
            Assert.That(actual.Metadata[key], Is.EqualTo(value), $"metadata value of '{key}'");
        Assert.That(actual.Tensors.Select(t => t.Info), Is.EqualTo(expected.Tensors.Select(t => t.Info)), "tensor infos and their order");
        for (var i = 0; i < expected.Tensors.Count; i++)
            Assert.That(actual.Tensors[i].Data.Span.SequenceEqual(expected.Tensors[i].Data.Span), Is.True, $"bytes of tensor '{expected.Tensors[i].Name}'");
    }
}
