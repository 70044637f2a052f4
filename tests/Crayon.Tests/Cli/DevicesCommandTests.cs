using Crayon.Blending;
using Crayon.Cli.Commands;
using Crayon.Tests.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

public class DevicesCommandTests
{
    [Test]
    public void TableListsLavapipeAndTheCpuPathAndMarksTheAutomaticChoice()
    {
        Backends.RequireVulkan();
        var console = new CapturedConsole();

        DevicesCommand.Render(console.Console);

        var device = BlendDevices.List().First(d => d.Usable);
        var lines = console.Text.Split('\n');
        var deviceLine = lines.Single(l => l.Contains(device.Name[..8]));
        Assert.That(deviceLine, Does.Contain("auto").And.Contain("Cpu").And.Contain("buffer-device-address").And.Contain("GiB"));
        Assert.That(lines.Single(l => l.Contains("CPU path")), Does.Not.Contain("auto"));
    }
}
