using Crayon.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

public class TinyModelSmokeTests
{
    [Test]
    public void Smoke()
    {
        var info = LlamaTestRuntime.Ensure();
        TestContext.Out.WriteLine(string.Join("\n", info.Devices));
        using var model = LlamaTestRuntime.LoadCpu(TestData.Require("models/llama-2-tiny-random.gguf"));
        TestContext.Out.WriteLine(model.ToString() + " " + model.Description + " vocab " + model.VocabularySize + " q " + model.QueryWidth);
        using var ctx = model.CreateContext(new LlamaContextOptions { ContextLength = 128 });
        var text = ctx.GenerateText("Hello world", new GenerationOptions { MaxTokens = 10 });
        TestContext.Out.WriteLine(text);
        var s = ctx.ScoreContinuations("The capital of France is", [" Paris", " London"]);
        foreach (var x in s) TestContext.Out.WriteLine($"{x.Continuation} {x.LogLikelihood} {string.Join(",", x.Tokens)}");
        using var emb = new LlamaEmbedder(model);
        var (q, h) = emb.EmbedBoth("Hello world");
        TestContext.Out.WriteLine(string.Join(",", q) + " | " + string.Join(",", h));
        foreach (var l in LlamaTestRuntime.Log.Lines.TakeLast(10)) TestContext.Out.WriteLine(l.Text);
    }
}
