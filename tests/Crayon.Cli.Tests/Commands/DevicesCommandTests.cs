using System.Diagnostics;
using Crayon.Blending;
using Crayon.Cli.Commands;
using Crayon.Tests.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

public class DevicesCommandTests
{
    [Test]
    public void TableListsLavapipeAndTheCpuPathAndMarksTheCpuKernelsAsTheAutomaticChoice()
    {
        Backends.RequireVulkan();
        var console = new CapturedConsole();

        DevicesCommand.Render(console.Console);

        var device = BlendDevices.List().First(d => d.Usable);
        var rows = console.Text.Split('\n').Where(l => l.Contains('│')).ToArray();
        var deviceRow = rows.Single(l => l.Contains(device.Name[..8]));
        Assert.That(deviceRow, Does.Not.Contain("auto").And.Contain("Cpu").And.Contain("buffer-device-address").And.Contain("GiB"));
        Assert.That(rows.Single(l => l.Contains("CPU path")), Does.Contain("auto"), "lavapipe blends ~25x slower than Crayon's CPU kernels");
        Assert.That(console.Text, Does.Contain("Automatic choice: the only usable Vulkan devices run on the CPU"));
        Assert.That(console.Text, Does.Contain($"{device.Index}: Vulkan {device.ApiVersion}, {device.Driver}"));
    }

    /// <summary>A machine without any Vulkan driver: the real tool, in a child process whose loader finds no driver.</summary>
    [Test]
    public void WithoutAVulkanDriverTheCpuPathIsChosen()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Crayon.Cli.dll"), "devices"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["VK_ICD_FILENAMES"] = "/nonexistent/icd.json";
        start.Environment["VK_DRIVER_FILES"] = "/nonexistent/icd.json";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), "crayon devices did not finish");

        Assert.That(process.ExitCode, Is.Zero, errors);
        Assert.That(output, Does.Contain("Automatic choice: no Vulkan device on this machine."));
        Assert.That(output.Split('\n').First(l => l.Contains("CPU path") && l.Contains('│')), Does.Contain("auto"));
    }
}
