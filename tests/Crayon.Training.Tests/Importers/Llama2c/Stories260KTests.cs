using Crayon.Importers.Llama2c;
using Crayon.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// The imported stories260K (llama2.c checkpoint + tokenizer -> GGUF, loaded from memory) continues
/// "Once upon a time" greedily exactly as llama2.c's own run.c does, on the CPU and on Vulkan.
/// </summary>
[Category(PathAgreement.Category)]
public class Stories260KTests
{
    private const string RunCContinuation = ", there was a little girl named Lily. She loved to play outside in the park";

    private static byte[]? _gguf;

    private static byte[] Gguf => _gguf ??= Llama2cImporter.ImportToBytes(
        TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"));

    [TestCase(LlamaBackend.Cpu)]
    [TestCase(LlamaBackend.Vulkan)]
    public void GreedyContinuationMatchesLlama2cRunC(LlamaBackend backend)
    {
        var info = LlamaTestRuntime.Ensure();
        if (backend == LlamaBackend.Vulkan)
            Assert.That(info.Devices.Any(d => d.Backend == "Vulkan"), "no Vulkan device (lavapipe with GGML_VK_VISIBLE_DEVICES=0)");
        using var model = LlamaModel.Load(Gguf, "stories260K", new LlamaModelOptions { Backend = backend });
        Assert.That(model.Device?.Backend, backend == LlamaBackend.Vulkan ? Is.EqualTo("Vulkan") : Is.Null);
        using var context = model.CreateContext(LlamaTestRuntime.Context(256));
        var text = context.GenerateText("Once upon a time", new GenerationOptions { MaxTokens = 32 });
        Assert.That(text, Does.StartWith(RunCContinuation));
    }
}
