using Crayon.Formats.Gguf;
using Crayon.Models;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// A random-weight llama model of SmolLM-135M's exact shape (F16, synthetic SentencePiece vocabulary),
/// written once per test run into a temporary folder by our GGUF model writer and shared by the tests.
/// </summary>
public static class SmolLmShapedModel
{
    private static readonly Lazy<string> File = new(Write, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => File.Value;

    private static string Write()
    {
        var folder = Directory.CreateTempSubdirectory("crayon-smollm-shaped-");
        var path = System.IO.Path.Combine(folder.FullName, "smollm135m-random-f16.gguf");
        var h = LlamaHyperparameters.SmolLM135M;
        var state = 0x9E3779B97F4A7C15UL;
        var buffer = new float[1 << 16];
        LlamaModelWriter.WriteFile(path, h, LlamaVocabulary.Synthetic(h.VocabSize), "random SmolLM-135M shape", GgmlType.F16, (spec, info, destination) =>
        {
            for (long done = 0; done < info.ElementCount; done += buffer.Length)
            {
                var n = (int)Math.Min(buffer.Length, info.ElementCount - done);
                for (var i = 0; i < n; i++)
                {
                    if (spec.IsNorm) { buffer[i] = 1f; continue; }
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17; // xorshift64
                    buffer[i] = ((state >> 40) / (float)(1 << 24) - 0.5f) * 0.08f;  // uniform, std ≈ 0.023
                }
                GgufTensor.WriteFloats(destination, buffer.AsSpan(0, n), info.Type);
            }
        });
        TestContext.Progress.WriteLine($"wrote {path} ({new FileInfo(path).Length >> 20} MiB)");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { folder.Delete(recursive: true); } catch (IOException) { } };
        return path;
    }
}
