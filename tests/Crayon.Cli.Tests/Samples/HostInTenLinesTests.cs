using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Samples;

/// <summary>samples/HostInTenLines built and run on stories260K and the tiny pool: it customizes (a first load) and generates.</summary>
[NonParallelizable]
public class HostInTenLinesTests : TempFolderTest
{
    [Test]
    public void TheTenLineHostCustomizesAndGenerates()
    {
        var dll = SampleBuild.Build("HostInTenLines");
        var output = SampleBuild.Run(dll, TempFolder.FullName, TrainingFixture.Model, TinyPool.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(output, Has.Length.EqualTo(2), string.Join('\n', output));
        Assert.That(output[0], Does.Match(@"^customized: alpha \[\d\.\d{4}, \d\.\d{4}\], Loaded, \d+\.\d ms$"));
        Assert.That(output[1].Trim(), Is.Not.Empty, "the generated text");
    }

    [Test]
    public void WithoutArgumentsItPrintsUsageAndExitsTwo()
    {
        var dll = SampleBuild.Build("HostInTenLines");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = TempFolder.FullName };
        info.ArgumentList.Add(dll);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("usage: HostInTenLines <model.gguf> <pool.gguf>"));
    }
}
