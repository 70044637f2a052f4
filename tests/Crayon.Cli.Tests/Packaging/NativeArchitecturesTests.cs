using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Packaging;

/// <summary>
/// The blend plugin is built for linux-x64 and, cross-compiled, for linux-arm64 (Jetson-class devices), and the package
/// carries both. No .NET host exists here for arm64, so the arm64 build is checked where it can run: its C ABI check
/// (native/tests/abi_check.c: linear, concat, a merge recipe and the pipelined fp16 image against float64 references on
/// the CPU path) runs under qemu-user, and the same check runs natively on the x64 build.
/// </summary>
public class NativeArchitecturesTests
{
    private const ushort MachineX64 = 62, MachineAArch64 = 183;

    private static string Artifacts => Path.Combine(RepositoryRoot.Find()!, "artifacts");

    [Test]
    public void TheX64PluginPassesItsAbiCheck()
    {
        var check = Path.Combine(Artifacts, "native-tests", "crayon_abi_check");
        Assert.That(ElfMachine(Path.Combine(Artifacts, "native", "libcrayon_blend.so")), Is.EqualTo(MachineX64));
        AssertAllChecksPassed(ChildProcess.Run(check, Artifacts, []));
    }

    [Test]
    public void TheArm64PluginIsAnAArch64LibraryAndPassesItsAbiCheckUnderQemu()
    {
        var arm64 = Path.Combine(Artifacts, "linux-arm64");
        var library = Path.Combine(arm64, "native", "libcrayon_blend.so");
        var check = Path.Combine(arm64, "native-tests", "crayon_abi_check");
        Assert.That(ElfMachine(library), Is.EqualTo(MachineAArch64), $"{library} is the arm64 build");
        Assert.That(ElfMachine(check), Is.EqualTo(MachineAArch64));
        // -L: the arm64 C library of Debian's cross toolchain (libc6-arm64-cross), which scripts/setup.sh installs.
        AssertAllChecksPassed(ChildProcess.Run("qemu-aarch64", arm64, ["-L", "/usr/aarch64-linux-gnu", check]));
    }

    private static void AssertAllChecksPassed(string output)
    {
        TestContext.Out.WriteLine(output);
        var summary = output.Split('\n').Single(l => l.StartsWith("abi_check: ", StringComparison.Ordinal) && l.Contains(" checks, "));
        Assert.That(summary, Does.EndWith(" 0 failed"), output);
        var checks = int.Parse(summary["abi_check: ".Length..summary.IndexOf(" checks", StringComparison.Ordinal)]);
        Assert.That(checks, Is.GreaterThanOrEqualTo(40), "linear, concat, merge and image checks for f32 and f16 pools all ran");
    }

    /// <summary>e_machine of an ELF file (bytes 18-19, little-endian).</summary>
    internal static ushort ElfMachine(string path)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(path)) file.ReadExactly(header);
        Assert.That(header[..4], Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }), $"{path} is an ELF file");
        return BitConverter.ToUInt16(header, 18);
    }
}
