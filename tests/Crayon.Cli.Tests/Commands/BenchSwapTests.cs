using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Blending;
using Crayon.Cli.Commands;
using Crayon.Llama;
using Crayon.Tests.Cli;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>`crayon bench swap` runs the whole path (blend, read-back, image, load, set, first token) and its file baseline.</summary>
public class BenchSwapTests : TempFolderTest
{
    [Test]
    public void EveryPhaseIsTimedAndMemoryAndFileGiveTheSameLogits()
    {
        using var model = TinyModel.LoadCpu();
        var result = SwapBenchmark.Run(model, new SwapBenchmarkSettings { Adapters = 3, Rank = 2, Repetitions = 2, BlendBackend = BlendBackend.Cpu }, threads: 1);
        Assert.That(result.InMemory.Select(p => p.Phase),
            Is.EqualTo(new[] { "blend", "read_back", "blend_call", "gguf_image", "llama_load", "set", "first_token", "total" }));
        Assert.That(result.FromFile.Select(p => p.Phase), Is.EqualTo(new[] { "write_file", "llama_load", "set", "first_token", "total" }));
        foreach (var phase in new[] { "blend", "gguf_image", "llama_load", "first_token", "total" })
            Assert.That(result[phase].Median, Is.GreaterThan(0), phase);
        Assert.That(result["total"].Samples, Is.EqualTo(2));
        Assert.That(result["total"].Median, Is.GreaterThanOrEqualTo(result["llama_load"].Median + result["first_token"].Median));
        Assert.That(result.TargetsPerAdapter, Is.EqualTo(7), "q, k, v, o, gate, up, down of the one layer");
        Assert.That(result.InPlace.Select(p => p.Phase),
            Is.EqualTo(new[] { "blend", "first_landed", "read_back_done", "upload_done", "uploading", "swap_call", "first_token", "total" }));
        Assert.That(result.InPlaceSequential.Select(p => p.Phase),
            Is.EqualTo(new[] { "blend", "read_back", "read_back_host", "blend_call", "upload", "first_token", "total" }));
        Assert.That(result.InPlacePhase("upload_done").Median, Is.GreaterThanOrEqualTo(result.InPlacePhase("read_back_done").Median).And.GreaterThan(0));
        Assert.That(result.InPlaceChunks, Is.EqualTo(1), "the tiny model's adapter fits in one 1 MiB chunk");
        Assert.That(result.InPlaceMaxLogitDifference, Is.Zero, "the in-place adapter computes exactly what a fresh load of the same blend does");
    }

    [Test]
    public void TheCommandWritesTheSplitAsJson()
    {
        TinyModel.LoadCpu().Dispose();
        var json = PathIn("swap.json");
        var (exit, output, error) = CliRunner.Run(BenchCommand.Create(), "bench", "swap", "--model", TinyModel.Path, "--backend", "cpu", "--threads", "1",
            "--blend-backend", "cpu", "-n", "2", "--rank", "2", "-r", "1", "--chunk-kib", "1", "--out", json);
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("llama_load").And.Contain("first_token"));
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.That(root.GetProperty("benchmark").GetString(), Is.EqualTo("swap"));
        Assert.That(root.GetProperty("pool_adapters").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("in_memory").GetProperty("llama_load").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("from_file").GetProperty("write_file").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("memory_and_file_logits_equal").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("in_place").GetProperty("upload_done").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("in_place_sequential").GetProperty("upload").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("in_place_chunk_bytes").GetInt64(), Is.EqualTo(1024), "--chunk-kib 1");
        Assert.That(root.GetProperty("in_place_chunks").GetInt32(), Is.EqualTo(1), "the tiny model's whole adapter is under 1 KiB");
        Assert.That(root.GetProperty("in_place_max_logit_difference").GetDouble(), Is.Zero);
        Assert.That(output, Does.Contain("in place"));
        Assert.That(root.GetProperty("machine").GetProperty("cores").GetInt32(), Is.EqualTo(Environment.ProcessorCount));
    }
}
