using Crayon.Customization;
using Crayon.Demo;
using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Demo;

/// <summary>The demo's steps on the real model at toy size: a pool built once and then reused, a customization, answers.</summary>
public class DemoRunnerTests : TempFolderTest
{
    private DemoOptions Options() => new()
    {
        Task = "csqa",
        Examples = 4,
        Questions = 3,
        ModelPath = TrainingFixture.Model,
        CacheFolder = PathIn("cache"),
        Pool = new Crayon.Pool.StandardPool { Tasks = ["csqa", "obqa"], Adapters = 2, Rank = 2, ItemsPerTask = 8 },
        ContextTokens = 64,
        // The guard off: these tests check that the demo's adapter reaches the answers; the guard's own choice is tested in CustomizationGuardTests.
        Customizer = new CustomizerOptions { Alpha = new AlphaOptions { Temperature = 0.5 }, Guard = GuardOptions.Off, Blender = new Crayon.Blending.BlenderOptions { Backend = Crayon.Blending.BlendBackend.Cpu } },
    };

    [Test]
    public void BuildsThePoolOnceCustomizesAndAnswersWithAndWithoutTheAdapter()
    {
        double[] alpha;
        using (var demo = new DemoRunner(Options()))
        {
            Assert.That(demo.EnsureModel(), Is.EqualTo(TrainingFixture.Model));
            var pool = demo.EnsurePool();
            Assert.That(pool.Built, Is.Not.Null);
            Assert.That(pool.Path, Does.StartWith(PathIn("cache")));
            var customization = demo.Customize();
            alpha = customization.Result.Alpha;
            Assert.That(customization.Examples, Has.Count.EqualTo(4));
            Assert.That(customization.Examples.Select(e => e.Task), Is.All.EqualTo("csqa"));
            Assert.That(alpha.Sum(), Is.EqualTo(1).Within(1e-12));
            Assert.That(customization.Result.Timings.Swap, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(customization.Result.Guard!.ToString(), Is.EqualTo("guard skipped: switched off"), "the verdict the demo prints");
            var answers = demo.Answer();
            Assert.That(answers, Has.Count.EqualTo(3));
            Assert.That(answers.Select(a => a.Customized.GoldNll), Is.Not.EqualTo(answers.Select(a => a.Base.GoldNll)), "the adapter changes the scores");
            Assert.That(demo.Context!.Adapters.Entries, Has.Count.EqualTo(1), "the customized adapter stays set for later steps");
            Assert.That(customization.Result.Swap, Is.EqualTo(Crayon.Customization.SwapKind.Loaded));
            Assert.That(demo.Customize().Result.Swap, Is.EqualTo(Crayon.Customization.SwapKind.InPlace), "a repeat lands in place");
        }
        using var again = new DemoRunner(Options());
        Assert.That(again.EnsurePool().Built, Is.Null, "the second run reuses the cached pool");
        Assert.That(again.Customize().Result.Alpha, Is.EqualTo(alpha));
    }

    [Test]
    public async Task RoutesAMixedSetBetweenTheDeviceAndARealServerAndSaysWhy()
    {
        TestData.Require("qa/mmlu/anatomy/test.jsonl");
        using var demo = new DemoRunner(Options() with
        {
            OutOfScopeQuestions = 3, OutOfScope = ["mmlu/anatomy"], RoutingRatio = 0.5, ServerModelPath = TrainingFixture.Model, CenterItemsPerTask = 5,
        });
        Assert.That(demo.EnsureServerModel().Path, Is.EqualTo(TrainingFixture.Model), "a named server model is used as it is");
        demo.Customize();
        await using var server = await ServedStories.StartAsync();
        using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl });
        var routing = await demo.RouteAsync(endpoint);

        Assert.That(routing.Questions.Select(q => (q.Item.Task, q.InScope)).Order(), Is.EqualTo(new[]
        {
            ("csqa", true), ("csqa", true), ("csqa", true), ("mmlu/anatomy", false), ("mmlu/anatomy", false), ("mmlu/anatomy", false),
        }));
        Assert.That(routing.Router.TargetRatio, Is.EqualTo(0.5));
        Assert.That(routing.CalibrationExamples, Is.EqualTo(4));
        Assert.That(routing.Answers.Select(a => a.Key), Is.EqualTo(routing.Questions.Select(q => q.Item.Id)));
        foreach (var a in routing.Answers)
        {
            Assert.That(a.Source, Is.EqualTo(a.Decision.Score >= routing.Router.Threshold ? AnswerSource.Server : AnswerSource.Device), a.Why);
            Assert.That(a.Why, Does.Contain("similarity").And.Contain("confidence").And.Contain("threshold"), "every decision shows both signals and the threshold");
            Assert.That(a.BytesSent, a.Source == AnswerSource.Server ? Is.GreaterThan(0) : Is.Zero);
        }
        Assert.That(routing.Answers.Where(a => a.Source == AnswerSource.Server).Select(a => a.Server), Is.All.Not.Null, "the server's scores came back");
    }

    [Test]
    public void ATaskOutsideThePoolOrTooManyExamplesAreRefused()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new DemoRunner(Options() with { Task = "piqa" }))!.Message, Does.Contain("one of the pool's tasks"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DemoRunner(Options() with { Examples = DemoOptions.MaxExamples + 1 }));
    }
}
