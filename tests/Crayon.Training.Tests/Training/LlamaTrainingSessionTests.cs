using Crayon.Formats.Gguf;
using Crayon.Interop.Llama;
using Crayon.Llama;
using Crayon.Tests.Llama;
using NUnit.Framework;
using static Crayon.Tests.Training.TrainingFixture;

namespace Crayon.Tests.Training;

/// <summary>The interop-level training session: the two llama.cpp defects it works around, and its in-memory read-back.</summary>
public class LlamaTrainingSessionTests
{
    private const string Target = "blk.0.attn_q.weight";

    private static (LlamaModel Model, LlamaTrainingSession Session, int[] Tokens, int[] Labels) Start(float learningRate, int optimizer)
    {
        var model = LlamaModel.Load(Model, LlamaTestRuntime.Cpu with { UseMmap = false });
        var stream = model.Tokenizer.Tokenize("Once upon a time there was a little girl named Lily. She loved to play outside in the park with her friends.");
        const int window = 32;
        var session = new LlamaTrainingSession(model.Handle, model.VocabularySize, window, threads: 1, name => name == Target, IntPtr.Zero,
            _ => new AdamWStep(learningRate, 0), optimizer);
        return (model, session, stream[..window], stream[1..(window + 1)]);
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());

    [Test]
    public void EachStepAppliesOnlyItsOwnGradient()
    {
        // Plain SGD with a tiny rate on one window: every step's gradient is (almost) the same, so every step
        // must move the weights by the same amount. Without the accumulator reset llama.cpp sums all past
        // gradients, and the second and third steps move 2 and 3 times as far.
        var (model, session, tokens, labels) = Start(1e-5f, LlamaOptParams.OptimizerSgd);
        using (model)
        using (session)
        {
            var w0 = session.Read(Target);
            session.TrainWindow(tokens, labels);
            var w1 = session.Read(Target);
            session.TrainWindow(tokens, labels);
            var w2 = session.Read(Target);
            session.TrainWindow(tokens, labels);
            var w3 = session.Read(Target);
            Assert.Multiple(() =>
            {
                Assert.That(Distance(w2, w1) / Distance(w1, w0), Is.EqualTo(1).Within(0.01));
                Assert.That(Distance(w3, w2) / Distance(w1, w0), Is.EqualTo(1).Within(0.01));
                Assert.That(session.GradientResets, Is.EqualTo(2), "before every step but the first");
                Assert.That(session.Trainable.Select(t => t.Name), Is.EqualTo(new[] { Target }));
            });
        }
    }

    [Test]
    public void WeightsReadFromMemoryAreWhatLlamaCppSaves()
    {
        var (model, session, tokens, labels) = Start(1e-2f, LlamaOptParams.OptimizerAdamW);
        var folder = Directory.CreateTempSubdirectory("crayon-save-");
        try
        {
            using (model)
            using (session)
            {
                session.TrainWindow(tokens, labels);
                session.TrainWindow(tokens, labels);
                var path = Path.Combine(folder.FullName, "saved.gguf");
                LlamaApi.llama_model_save_to_file(model.Handle, path);
                var saved = GgufReader.Read(path);
                Assert.Multiple(() =>
                {
                    Assert.That(saved[Target].ToFloat32(), Is.EqualTo(session.Read(Target)));
                    Assert.That(saved[Target].ToFloat32(), Is.Not.EqualTo(GgufReader.Read(Model)[Target].ToFloat32()));
                    Assert.That(saved.Metadata.GetUInt32("llama.context_length"), Is.EqualTo(32u),
                        "llama_opt_init overwrites n_ctx_train with the window, and the saver writes it: why Crayon writes tuned models itself");
                });
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
