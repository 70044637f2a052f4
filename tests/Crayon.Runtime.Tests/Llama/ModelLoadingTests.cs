using System.Text;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

public class ModelLoadingTests
{
    [Test]
    public void AModelLoadedFromMemoryComputesWhatTheFileComputes()
    {
        using var fromFile = TinyModel.LoadCpu();
        using var fromMemory = LlamaModel.Load(File.ReadAllBytes(TinyModel.Path), "tiny", LlamaTestRuntime.Cpu);
        Assert.That(fromMemory.Architecture, Is.EqualTo("llama"));
        Assert.That(fromMemory.VocabularySize, Is.EqualTo(32000));
        Assert.That(fromMemory.EmbeddingSize, Is.EqualTo(TinyModel.Width));
        using var a = fromFile.CreateContext(LlamaTestRuntime.Context(256));
        using var b = fromMemory.CreateContext(LlamaTestRuntime.Context(256));
        Assert.That(b.EvaluateLogits("Hello there"), Is.EqualTo(a.EvaluateLogits("Hello there")));
    }

    [Test]
    public void ATruncatedModelIsAClearError()
    {
        var bytes = File.ReadAllBytes(TinyModel.Path);
        LlamaTestRuntime.Ensure();
        foreach (var length in new[] { 10, 4000, bytes.Length / 2, bytes.Length - 1 })
        {
            var error = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(bytes.AsMemory(0, length), "cut.gguf", LlamaTestRuntime.Cpu))!;
            Assert.That(error.Message, Does.Contain("cut.gguf"), $"cut at {length}");
        }
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "truncated-model.gguf");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(path, LlamaTestRuntime.Cpu))!;
            Assert.That(error.Message, Does.Contain("truncated-model.gguf").And.Contain("truncated"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void AFileThatIsNotGgufIsAClearError()
    {
        LlamaTestRuntime.Ensure();
        var error = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(Encoding.ASCII.GetBytes("PK\u0003\u0004 this is a zip, not a model, padded"), "model.zip", LlamaTestRuntime.Cpu))!;
        Assert.That(error.Message, Does.Contain("model.zip").And.Contain("not a GGUF"));
        Assert.Throws<FileNotFoundException>(() => LlamaModel.Load("/nonexistent/model.gguf", LlamaTestRuntime.Cpu));
    }

    [Test]
    public void AnUnsupportedTokenizerIsAClearError()
    {
        LlamaTestRuntime.Ensure();
        // Same-length patch of tokenizer.ggml.model = "llama" to an unknown tokenizer name.
        var bytes = File.ReadAllBytes(TinyModel.Path);
        var key = Encoding.ASCII.GetBytes("tokenizer.ggml.model");
        var at = bytes.AsSpan().IndexOf(key);
        Assert.That(at, Is.GreaterThan(0));
        var value = at + key.Length + 4 + 8; // type (u32) and string length (u64)
        Assert.That(Encoding.ASCII.GetString(bytes, value, 5), Is.EqualTo("llama"));
        Encoding.ASCII.GetBytes("zebra").CopyTo(bytes, value);
        var error = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(bytes, "zebra-tokenizer.gguf", LlamaTestRuntime.Cpu))!;
        Assert.That(error.Message, Does.Contain("zebra-tokenizer.gguf").And.Contain("zebra"));
    }
}
