using Crayon.Formats.Gguf;
using Crayon.Importers.Llama2c;
using Crayon.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>llama.cpp's trainer through LlamaTrainer: the loss falls, only the chosen tensors change, and the model saves.</summary>
public class TrainingTests : TempFolderTest
{
    private static byte[] Stories() => Llama2cImporter.ImportToBytes(TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"));

    [Test]
    public void FineTuningTheQueryProjectionsLowersTheLossAndChangesOnlyThem()
    {
        LlamaTestRuntime.Ensure();
        using var model = LlamaModel.Load(Stories(), "stories260K", LlamaTestRuntime.Cpu);
        var text = string.Concat(Enumerable.Repeat("The purple robot sang a song about the moon. ", 16));
        var tokens = model.Tokenizer.Tokenize(text);
        using var context = model.CreateContext(LlamaTestRuntime.Context());
        var before = context.ScoreContinuation("The purple robot sang", " a song about the moon.").LogLikelihood;

        var epochs = new List<TrainingEpoch>();
        using (var trainer = new LlamaTrainer(model, new TrainingOptions
        {
            LearningRate = 1e-3, ValidationSplit = 0.2, Threads = 1,
            Trainable = name => name.Contains("attn_q", StringComparison.Ordinal),
        }))
        {
            for (var i = 0; i < 2; i++) epochs.Add(trainer.TrainEpoch(tokens));
        }
        TestContext.Out.WriteLine(string.Join("\n", epochs));
        Assert.That(epochs[^1].TrainLoss, Is.LessThan(epochs[0].TrainLoss));
        Assert.That(epochs[^1].ValidationLoss, Is.Not.Null.And.LessThan(epochs[0].ValidationLoss!.Value));
        var after = context.ScoreContinuation("The purple robot sang", " a song about the moon.").LogLikelihood;
        Assert.That(after, Is.GreaterThan(before), "the trained phrase became more likely");

        var saved = PathIn("tuned.gguf");
        model.SaveToFile(saved);
        var original = GgufReader.Read(Stories());
        var tuned = GgufReader.Read(saved);
        foreach (var tensor in original.Tensors)
        {
            var same = tensor.Data.Span.SequenceEqual(tuned[tensor.Info.Name].Data.Span);
            Assert.That(same, Is.EqualTo(!tensor.Info.Name.Contains("attn_q", StringComparison.Ordinal)), tensor.Info.Name);
        }
    }

    [Test]
    public void WhatCannotTrainIsAClearError()
    {
        LlamaTestRuntime.Ensure();
        using var mapped = TinyModel.LoadCpu();
        Assert.That(Assert.Throws<InvalidOperationException>(() => new LlamaTrainer(mapped, new TrainingOptions()))!.Message, Does.Contain("memory-mapped"));
        using var f16 = LlamaModel.Load(File.ReadAllBytes(TinyModel.Path), "tiny-f16", LlamaTestRuntime.Cpu);
        Assert.That(Assert.Throws<ArgumentException>(() => new LlamaTrainer(f16, new TrainingOptions()))!.Message, Does.Contain("F32 tensors only"));
        Assert.That(Assert.Throws<ArgumentException>(() => new LlamaTrainer(f16, new TrainingOptions { Window = 100 }))!.Message, Does.Contain("multiple of 256"));
        Assert.That(Assert.Throws<ArgumentException>(() => new LlamaTrainer(f16, new TrainingOptions { Trainable = _ => false }))!.Message, Does.Contain("no tensor"));
    }
}
