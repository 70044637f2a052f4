using System.CommandLine;
using Crayon.Cli;
using Crayon.Cli.Commands;
using Crayon.Formats.Gguf;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// The CLI's conventions through the real command tree: exit 2 for usage errors (out-of-range values included),
/// 1 for failures, llama.cpp's flag spellings, the environment variables in the help, untrusted text escaped.
/// </summary>
public class CliConventionsTests : TempFolderTest
{
    private static (int ExitCode, string Out, string Error) Generate(params string[] args) =>
        CliRunner.Run(GenerateCommand.Create(), ["generate", .. args]);

    [TestCase("--ctx", "-5", "--ctx must be at least 1, got -5")]
    [TestCase("--ctx", "0", "--ctx must be at least 1, got 0")]
    [TestCase("-c", "0", "-c must be at least 1, got 0")]
    [TestCase("--threads", "-3", "--threads must be at least 0, got -3")]
    [TestCase("-ngl", "-2", "-ngl must be at least -1, got -2")]
    [TestCase("-n", "0", "-n must be at least 1, got 0")]
    [TestCase("--top-p", "0", "--top-p must be a finite number above 0 up to 1, got 0")]
    [TestCase("--temp", "-1", "--temp must be a finite number of at least 0, got -1")]
    public void OutOfRangeNumbersAreUsageErrorsNamingTheOption(string option, string value, string message)
    {
        var (code, stdout, stderr) = Generate("-m", TinyModel.Path, option, value, "hello");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith($"crayon: {message}"));
        Assert.That(stderr, Does.Contain("--help"));
    }

    [Test]
    public void UnknownOptionsAndMissingValuesExitTwo_FailuresExitOne()
    {
        Assert.That(Generate("-m", TinyModel.Path, "--no-such-option", "x", "hello").ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Generate("hello").ExitCode, Is.EqualTo(ExitCodes.Usage), "--model is required");
        Assert.That(Generate("-m", TinyModel.Path, "-p", "a", "b").ExitCode, Is.EqualTo(ExitCodes.Usage), "two prompts");

        var missing = CliRunner.Run(GgufCommand.Create(), "gguf", "info", PathIn("missing.gguf"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(missing.Error, Does.Contain("missing.gguf").And.Contain("does not exist"));
    }

    [Test]
    public void AFolderGivenToGgufInfoIsNamedAsAFolder()
    {
        var (code, _, stderr) = CliRunner.Run(GgufCommand.Create(), "gguf", "info", TempFolder.FullName);
        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr.Trim(), Is.EqualTo($"crayon: {TempFolder.FullName} is a folder, not a GGUF file"));
    }

    [Test]
    public void ALoraScaleThatIsNoNumberIsNamedAsTheScale()
    {
        var adapter = PathIn("c1.gguf");
        File.WriteAllBytes(adapter, [1]);
        var (code, _, stderr) = Generate("-m", TinyModel.Path, "--backend", "cpu", "--lora", adapter + ":inf", "hello");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.Contain("the scale 'inf' is not a finite number").And.Not.Contain("does not exist"));
    }

    [Test]
    public void AnEmptyWeightIsAUsageErrorNamingItsPosition()
    {
        var (code, _, stderr) = CliRunner.Run(BlendCommand.Create(), "blend", "--pool", "a.gguf", "b.gguf", "c.gguf", "-w", "1,,2", "-o", PathIn("out.gguf"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.StartWith("crayon: -w: value 2 of 3 is empty (in '1,,2')"));
    }

    [Test]
    public void LlamaCppSpellingsReachTheSameOptions()
    {
        var options = new LlamaCommandOptions();
        var command = new Command("generate");
        options.AddTo(command);
        var parse = command.Parse(["-m", "m.gguf", "-ngl", "99", "-c", "512", "-t", "3", "--lora-scaled", "a.gguf", "0.5", "--lora-scaled", "b.gguf", "2"]);
        Assert.That(parse.Errors, Is.Empty, string.Join("; ", parse.Errors.Select(e => e.Message)));
        Assert.That(parse.GetValue(options.GpuLayers), Is.EqualTo(99));
        Assert.That(parse.GetValue(options.ContextLength), Is.EqualTo(512));
        Assert.That(parse.GetValue(options.Threads), Is.EqualTo(3));
        Assert.That(options.Adapters(parse), Is.EqualTo(new[] { ("a.gguf", 0.5f), ("b.gguf", 2f) }));
        var longForms = command.Parse(["--model", "m.gguf", "--n-gpu-layers", "7", "--ctx-size", "256"]);
        Assert.That((longForms.GetValue(options.GpuLayers), longForms.GetValue(options.ContextLength)), Is.EqualTo((7, 256)));
    }

    [Test]
    public void ScoreKeepsItsOwnDashC_ForChoices()
    {
        var score = ScoreCommand.Create();
        var parse = score.Parse(["-m", "m.gguf", "-p", "Q:", "-c", " yes", "-c", " no", "--ctx-size", "128"]);
        Assert.That(parse.Errors, Is.Empty, string.Join("; ", parse.Errors.Select(e => e.Message)));
        var choices = score.Options.Single(o => o.Name == "--choice");
        Assert.That(parse.GetValue<string[]>(choices.Name), Is.EqualTo(new[] { " yes", " no" }));
    }

    [Test]
    public void RootHelpListsEveryEnvironmentVariable()
    {
        var (code, stdout, _) = CliRunner.Run(GgufCommand.Create(), "--help");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("Environment variables:"));
        foreach (var name in new[] { "CRAYON_DATA", "CRAYON_HOME", "CRAYON_LLAMA_LIB_DIR", "CRAYON_NATIVE_DIR", "CRAYON_DEBUG", "CRAYON_API_KEY", "GGML_VK_VISIBLE_DEVICES" })
            Assert.That(stdout, Does.Contain(name));
    }

    [Test]
    public void EveryEnvironmentVariableTheCodeReadsIsListed()
    {
        var root = RepositoryRoot.Find()!;
        var read = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), "\"((?:CRAYON|GGML)_[A-Z_]+)\"").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.That(read, Is.Not.Empty);
        Assert.That(read, Is.SubsetOf(EnvironmentHelp.Variables.Select(v => v.Name)));
    }

    [Test]
    public void GgufMetadataIsShownWithControlCharactersEscaped()
    {
        var file = GgufReader.Read(TinyModel.Path);
        file.Metadata.Set("general.name", GgufValue.Str("\u001b]0;pwned\u0007"));
        file.Metadata.Set("evil.\u001b[2J.key", GgufValue.Str("line\nbreak"));
        GgufWriter.WriteFile(PathIn("hostile.gguf"), file);

        var (code, stdout, stderr) = CliRunner.Run(GgufCommand.Create(), "gguf", "info", PathIn("hostile.gguf"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Not.Contain("\u001b").And.Not.Contain("\u0007"));
        Assert.That(stdout, Does.Contain("\\x1b]0;pwned\\x07").And.Contain("evil.\\x1b[2J.key").And.Contain("line\\nbreak"));
    }

    [Test]
    public void AFailureQuotingControlCharactersIsOneEscapedLine()
    {
        var command = new Command("fail");
        command.SetAction((Func<ParseResult, int>)(_ => throw new InvalidDataException("key 'a\u001b]0;x\u0007\nb' is bad")));
        var (code, _, stderr) = CliRunner.Run(command, "fail");
        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr, Is.EqualTo($"crayon: key 'a\\x1b]0;x\\x07 b' is bad{Environment.NewLine}"));
    }

    [Test]
    public void UntrustedTextEscapesControlAndBidiCharactersOnly()
    {
        Assert.That(UntrustedText.Escape("a\u001b[31mb\u0007\u009b\u202e\tz é"), Is.EqualTo("a\\x1b[31mb\\x07\\x9b\\u202e\\tz é"));
        Assert.That(UntrustedText.Escape("plain text, 日本"), Is.EqualTo("plain text, 日本"));
    }
}
