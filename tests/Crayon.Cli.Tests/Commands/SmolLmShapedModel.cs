using Crayon.Formats.Gguf;
using Crayon.Models;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// A random-weight llama model of SmolLM-135M's exact shape (F16), written once per test run into a
/// temporary folder by our GGUF writer (<see cref="RandomLlamaModel"/>) and shared by the tests.
/// </summary>
public static class SmolLmShapedModel
{
    private static readonly Lazy<string> File = new(Write, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => File.Value;

    private static string Write()
    {
        var folder = Directory.CreateTempSubdirectory("crayon-smollm-shaped-");
        var path = System.IO.Path.Combine(folder.FullName, "smollm135m-random-f16.gguf");
        RandomLlamaModel.WriteFile(path, LlamaHyperparameters.SmolLM135M, new RandomLlamaModelOptions(Seed: 135, Storage: GgmlType.F16));
        TestContext.Progress.WriteLine($"wrote {path} ({new FileInfo(path).Length >> 20} MiB)");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { folder.Delete(recursive: true); } catch (IOException) { } };
        return path;
    }
}
